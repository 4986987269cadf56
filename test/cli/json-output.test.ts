// --json: one document for a listing or a show, JSON Lines for a command that streams; and what
// an empty listing says. The real CLI against the simulator.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-json-', { latencyMs: 20 });

let home: string;
let image: string;

function cli(args: string[]) {
  return runCli(['--home', home, ...args], { env: cliEnvFor(rig.sim) });
}

/** The whole standard output as one JSON document (fails on JSON Lines or bare objects). */
function documentOf(stdout: string): unknown {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as unknown;
}

beforeAll(async () => {
  home = path.join(rig.dir, 'home');
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
  store.close();
  image = path.join(rig.dir, 'knight-pose.png');
  await writeFile(image, await controlPng(21));
});

describe('scenario-hotfolder --json and listings', () => {
  it('an empty library: history says "No generations yet", --json prints []', { timeout: 60_000 }, async () => {
    const plain = await cli(['history']);
    expect(plain.stdout).toBe('No generations yet.\n');
    const json = await cli(['--json', 'history', '--search', 'knight']);
    expect(json.code).toBe(0);
    expect(documentOf(json.stdout)).toEqual([]);
  });

  it('generate --json streams JSON Lines; history, show, status, presets, folders and settings print one document each', { timeout: 60_000 }, async () => {
    const generate = await cli(['--json', 'generate', image, '--preset', TEST_PRESET.name]);
    expect(generate.code).toBe(0);
    const events = generate.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; generationId?: number });
    expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(['added', 'state', 'done']));
    const id = events.find((event) => event.event === 'done')?.generationId;

    const history = documentOf((await cli(['--json', 'history'])).stdout);
    expect(history).toEqual([expect.objectContaining({ id, state: 'done', presetName: TEST_PRESET.name, inputFileName: 'knight-pose.png', imageCount: 1 })]);

    const show = documentOf((await cli(['--json', 'show', String(id)])).stdout);
    expect(show).toMatchObject({ generation: { id, state: 'done' }, imagePaths: [expect.stringContaining(path.join(home, 'library', 'outputs'))] });

    expect(documentOf((await cli(['--json', 'presets', 'list'])).stdout)).toEqual([expect.objectContaining({ name: TEST_PRESET.name, family: 'sd-1_5' })]);
    expect(documentOf((await cli(['--json', 'folders', 'list'])).stdout)).toEqual([]);
    expect(documentOf((await cli(['--json', 'settings'])).stdout)).toEqual({
      concurrency: 2,
      dailyBudget: null,
      monthlyBudget: null,
      libraryLocation: path.join(home, 'library'),
      defaultProcessedAction: 'leave',
    });
    expect(documentOf((await cli(['--json', 'status'])).stdout)).toMatchObject({ counts: { waiting: 0, active: 0, doneToday: 1, failedToday: 0 }, unfinished: [] });
  });

  it('a search that matches nothing says "No generations match" (the library is not empty)', { timeout: 60_000 }, async () => {
    const { stdout, code } = await cli(['history', '--search', 'dragon']);
    expect(code).toBe(0);
    expect(stdout).toBe('No generations match: change or drop --search, --preset, --since or --before.\n');
    expect(documentOf((await cli(['--json', 'history', '--search', 'dragon'])).stdout)).toEqual([]);
    expect((await cli(['history', '--search', 'knight'])).stdout).toMatch(/^#\d+ +done .* knight-pose\.png {2}1 image\(s\)\n$/);
    expect((await cli(['history', '--since', '2999-01-01'])).stdout).toMatch(/^No generations match/);
  });

  it('status counts every unfinished generation as waiting (no queue runs in `status` itself)', { timeout: 60_000 }, async () => {
    // Generations left unfinished, as a watcher stopped mid-run leaves them.
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    const [done] = store.generations.listByStates(['done']);
    const unfinished = [1, 2, 3].map(() => store.generations.createReproduction(done!.id));
    store.generations.transition(unfinished[0]!.id, 'validated');
    store.close();

    const status = documentOf((await cli(['--json', 'status'])).stdout) as { counts: { waiting: number }; unfinished: { id: number; state: string }[] };
    expect(status.counts.waiting).toBe(3);
    expect(status.unfinished.map((row) => row.id).sort()).toEqual(unfinished.map((row) => row.id).sort());
    const plain = await cli(['status']);
    expect(plain.stdout).toContain('Unfinished: 3.');

    // Plain text lists the first 50; --json all of them.
    const more = openStore({ file: path.join(home, 'history.sqlite') });
    for (let index = 0; index < 48; index += 1) more.generations.createReproduction(done!.id);
    more.close();
    const long = await cli(['status']);
    expect(long.stdout).toContain('Unfinished: 51.\n');
    expect(long.stdout.split('\n').filter((line) => /^#\d+ {2}/.test(line))).toHaveLength(50);
    expect(long.stdout).toContain('… and 1 more (`status --json` lists them all).\n');
    expect((documentOf((await cli(['--json', 'status'])).stdout) as { unfinished: unknown[] }).unfinished).toHaveLength(51);
  });
});
