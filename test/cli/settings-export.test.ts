// `settings` and `export`: the window's Settings and Export from the command line, through the
// real CLI against the simulator.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-settings-', { latencyMs: 20 });
const OTHER_PRESET = { ...TEST_PRESET, name: 'Castle', prompt: 'a stone castle' };

let home: string;

function cli(args: string[], options: { cwd?: string } = {}) {
  return runCli(['--home', home, ...args], { env: cliEnvFor(rig.sim), ...options });
}

interface Manifest {
  format: string;
  generations: { id: number; preset: { name: string }; prompt: string; images: { file: string | null }[]; input: { file: string | null } }[];
}

async function manifestOf(zipPath: string): Promise<{ manifest: Manifest; entries: string[] }> {
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  return { manifest: JSON.parse(strFromU8(files['metadata.json'] as Uint8Array)) as Manifest, entries: Object.keys(files).sort() };
}

beforeAll(async () => {
  home = path.join(rig.dir, 'home');
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  for (const preset of [TEST_PRESET, OTHER_PRESET]) store.presets.create({ name: preset.name, family: 'sd-1_5', preset });
  store.close();
});

describe('scenario-hotfolder settings', () => {
  it('shows and sets the budgets, the concurrency and the default for new folders; a budget holds `generate`', { timeout: 60_000 }, async () => {
    const set = await cli(['--json', 'settings', 'set', '--daily-budget', '0', '--monthly-budget', '500', '--concurrency', '3', '--processed', 'move']);
    expect(set.code).toBe(0);
    const saved = { concurrency: 3, dailyBudget: 0, monthlyBudget: 500, libraryLocation: path.join(home, 'library'), defaultProcessedAction: 'move' };
    expect(JSON.parse(set.stdout)).toEqual(saved);
    expect(JSON.parse((await cli(['--json', 'settings'])).stdout)).toEqual(saved);
    const shown = await cli(['settings']);
    expect(shown.stdout).toContain('Daily budget:     0 CU\n');
    expect(shown.stdout).toContain('Monthly budget:   500 CU\n');
    expect(shown.stdout).toContain('Concurrency:      3 job(s) in flight at once\n');
    expect(shown.stdout).toContain('New folders:      processed files move to _done/ (failures to _failed/)\n');

    // A render box caps its spending: nothing is sent past the budget.
    const image = path.join(rig.dir, 'capped.png');
    await writeFile(image, await controlPng(51));
    const sentBefore = rig.sim.generateLog.filter((entry) => !entry.dryRun).length;
    const capped = await cli(['generate', image, '--preset', TEST_PRESET.name]);
    expect(capped.code).toBe(4);
    expect(capped.stderr).toMatch(/^Daily budget reached: .* 1 generation\(s\) are left/);
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun).length).toBe(sentBefore);

    const cleared = await cli(['--json', 'settings', 'set', '--daily-budget', 'none', '--monthly-budget', 'none', '--concurrency', '2', '--processed', 'leave']);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ dailyBudget: null, monthlyBudget: null, concurrency: 2, defaultProcessedAction: 'leave' });
    // The held generation is sent at the next run.
    expect((await cli(['generate', image, '--preset', TEST_PRESET.name])).code).toBe(0);
  });

  it('refuses what the window would refuse, with exit 2', { timeout: 60_000 }, async () => {
    for (const [args, message] of [
      [['--daily-budget', '-5'], /--daily-budget -5 must be a number of creative units \(0 or more\), or none/],
      [['--concurrency', '17'], /--concurrency 17 must be a whole number from 1 to 16/],
      [['--processed', 'delete'], /--processed delete must be "leave"/],
      [[], /^Nothing to change/],
    ] as const) {
      const run = await cli(['settings', 'set', ...args]);
      expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
    }
  });
});

describe('scenario-hotfolder export', () => {
  it('exports a history selection (search, preset, dates, ids) to a zip with a JSON manifest, as the window does', { timeout: 90_000 }, async () => {
    const ids: Record<string, number> = {};
    for (const [name, preset, shade] of [['knight.png', TEST_PRESET.name, 61], ['castle.png', OTHER_PRESET.name, 62]] as const) {
      const image = path.join(rig.dir, name);
      await writeFile(image, await controlPng(shade));
      const run = await cli(['generate', image, '--preset', preset]);
      expect(run.code).toBe(0);
      ids[name] = Number(/^done {6}#(\d+)/m.exec(run.stdout)?.[1]);
    }

    // Relative to where the command is typed; a JSON document says what was written.
    const bySearch = await cli(['--json', 'export', '--search', 'castle', '--out', 'castles.zip'], { cwd: rig.dir });
    expect(bySearch.code).toBe(0);
    const report = JSON.parse(bySearch.stdout) as { destination: string; generations: number; images: number };
    expect(report).toMatchObject({ destination: path.join(rig.dir, 'castles.zip'), generations: 1, images: 1, controls: 1, missingFiles: [] });
    const { manifest, entries } = await manifestOf(report.destination);
    expect(manifest.format).toBe('scenario-hotfolder/generations');
    expect(manifest.generations.map((generation) => generation.id)).toEqual([ids['castle.png']]);
    for (const file of [manifest.generations[0]?.images[0]?.file, manifest.generations[0]?.input.file]) expect(entries).toContain(file);

    const byPreset = await cli(['--json', 'export', '--preset', TEST_PRESET.name, '--since', '2000-01-01', '--out', path.join(rig.dir, 'knights.zip')]);
    expect(byPreset.code).toBe(0);
    const knights = (await manifestOf(path.join(rig.dir, 'knights.zip'))).manifest.generations;
    expect(knights.every((generation) => generation.preset.name === TEST_PRESET.name)).toBe(true);
    expect(knights.map((generation) => generation.id)).toContain(ids['knight.png']);

    // Ids, to the data folder's exports/ by default (the window's place).
    const byIds = await cli(['export', String(ids['knight.png']), String(ids['castle.png'])]);
    expect(byIds.code).toBe(0);
    const [zip] = await readdir(path.join(home, 'exports'));
    expect(byIds.stdout).toBe(`Exported 2 generation(s), 2 image(s) and 2 control image(s) to ${path.join(home, 'exports', zip as string)}.\n`);
    expect((await manifestOf(path.join(home, 'exports', zip as string))).manifest.generations.map((generation) => generation.id).sort()).toEqual([ids['knight.png'], ids['castle.png']].sort());

    const future = await cli(['export', '--before', '2000-01-01', '--out', path.join(rig.dir, 'none.zip')]);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/^No generations match: .* Nothing was exported\.$/m);
    expect(existsSync(path.join(rig.dir, 'none.zip'))).toBe(false);
    const both = await cli(['export', '1', '--search', 'castle']);
    expect(both.code).toBe(2);
  });
});
