// Paths typed by a person, `folders add`/`edit`, and `watch FOLDER`: the real CLI (and once the
// real `npm run cli`) against the simulator.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, untilWatching, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli, startCli } from './run-cli';

const REPO = path.resolve(import.meta.dirname, '../..');
const rig = useSimulatorAndTempDir('shf-cli-folders-', { latencyMs: 20 });

let home: string;

function cli(args: string[], options: { cwd?: string } = {}) {
  return runCli(['--home', home, ...args], { env: cliEnvFor(rig.sim), ...options });
}

function storedFolders() {
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  try {
    return store.folders.list();
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  home = path.join(rig.dir, 'home');
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
  store.close();
});

describe('scenario-hotfolder folders and paths', () => {
  it('`npm run cli -- folders add ./inbox`, typed in a subfolder, registers that subfolder\'s inbox', { timeout: 90_000 }, async () => {
    // Inside the package, so npm finds its package.json above (as a person in the repo would).
    await mkdir(path.join(REPO, 'test-artifacts'), { recursive: true });
    const typedIn = await mkdtemp(path.join(REPO, 'test-artifacts', 'typed-in-'));
    try {
      await mkdir(path.join(typedIn, 'inbox'));
      const npm = spawn('npm', ['run', '--silent', 'cli', '--', '--home', home, 'folders', 'add', './inbox', '--preset', TEST_PRESET.name], {
        cwd: typedIn,
        env: { ...process.env, ...cliEnvFor(rig.sim) },
      });
      let output = '';
      npm.stdout.on('data', (data: Buffer) => (output += data.toString()));
      npm.stderr.on('data', (data: Buffer) => (output += data.toString()));
      const code = await new Promise<number | null>((resolve) => npm.on('exit', resolve));
      expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining(`Watching ${path.join(typedIn, 'inbox')} `) });
      expect(storedFolders().map((folder) => folder.path)).toContain(path.join(typedIn, 'inbox'));
      expect((await cli(['folders', 'remove', path.join(typedIn, 'inbox')])).code).toBe(0);
    } finally {
      await rm(typedIn, { recursive: true, force: true });
    }
  });

  it('outside npm, a relative path resolves against the working directory', { timeout: 60_000 }, async () => {
    const typedIn = path.join(rig.dir, 'here');
    await mkdir(path.join(typedIn, 'drop'), { recursive: true });
    const added = await cli(['folders', 'add', 'drop', '--preset', TEST_PRESET.name], { cwd: typedIn });
    expect(added.code).toBe(0);
    expect(storedFolders().map((folder) => folder.path)).toContain(path.join(typedIn, 'drop'));
    expect((await cli(['folders', 'remove', 'drop'], { cwd: typedIn })).code).toBe(0);
  });

  it('folders add takes the Settings\' defaults for new folders; folders edit changes only what is given', { timeout: 60_000 }, async () => {
    const folder = path.join(rig.dir, 'renders');
    await mkdir(folder, { recursive: true });
    expect((await cli(['settings', 'set', '--processed', 'move'])).code).toBe(0);
    try {
      expect((await cli(['folders', 'add', folder, '--preset', TEST_PRESET.name])).code).toBe(0);
    } finally {
      await cli(['settings', 'set', '--processed', 'leave']);
    }
    const options = () => storedFolders().find((item) => item.path === folder)?.options;
    expect(options()).toEqual({ recursive: false, processedAction: 'move', allowDuplicates: false, acceptedExtensions: ['.png', '.jpg', '.jpeg', '.webp'], mapFirst: null });

    const edited = await cli(['--json', 'folders', 'edit', folder, '--recursive', '--allow-duplicates', '--processed', 'leave', '--types', 'png,WEBP']);
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ path: folder, presets: [TEST_PRESET.name] });
    expect(options()).toEqual({ recursive: true, processedAction: 'leave', allowDuplicates: true, acceptedExtensions: ['.png', '.webp'], mapFirst: null });
    expect((await cli(['folders', 'edit', folder, '--no-recursive', '--no-allow-duplicates'])).code).toBe(0);
    expect(options()).toEqual({ recursive: false, processedAction: 'leave', allowDuplicates: false, acceptedExtensions: ['.png', '.webp'], mapFirst: null });

    const nothing = await cli(['folders', 'edit', folder]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^Nothing to change/);
    expect((await cli(['folders', 'remove', folder])).code).toBe(0);
  });

  it('`watch FOLDER` watches only that folder, and a duplicate\'s skip line names `folders edit --allow-duplicates`', { timeout: 90_000 }, async () => {
    const chosen = path.join(rig.dir, 'chosen');
    const other = path.join(rig.dir, 'other');
    for (const folder of [chosen, other]) {
      await mkdir(folder, { recursive: true });
      expect((await cli(['folders', 'add', folder, '--preset', TEST_PRESET.name])).code).toBe(0);
    }
    // Waiting in both before the watcher starts: the catch-up of a watched folder takes them.
    await writeFile(path.join(chosen, 'a.png'), await controlPng(31));
    await writeFile(path.join(other, 'b.png'), await controlPng(32));

    const watcher = startCli(['--home', home, 'watch', chosen], { env: cliEnvFor(rig.sim) });
    let stdout = '';
    watcher.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.on('exit', resolve));
    await untilWatching(watcher);
    const until = async (pattern: RegExp, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`the watcher did not ${what}: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await until(/^done {6}#/m, 'finish a.png');
    // The same image again, in a folder that does not allow duplicates.
    await writeFile(path.join(chosen, 'a-again.png'), await controlPng(31));
    await until(/^skipped /m, 'skip a-again.png');
    watcher.kill('SIGTERM');
    expect(await exited).toBe(0);

    expect(stdout).toContain(`watching  ${chosen}\n`);
    expect(stdout).not.toContain(`watching  ${other}`);
    expect(stdout).not.toContain('b.png');
    const skipped = stdout.split('\n').find((line) => line.startsWith(`skipped   ${path.join(chosen, 'a-again.png')}: `));
    expect(skipped).toMatch(/ This folder does not allow duplicates/);
    expect(skipped?.endsWith(` From the command line: \`folders edit "${chosen}" --allow-duplicates\`.`)).toBe(true);
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    try {
      const names = store.generations.listByStates(['done', 'failed', 'detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'outcome-unknown']).map((row) => store.inputs.get(row.inputId)?.fileName);
      expect(names).not.toContain('b.png');
      // The copy made no generation, not even a canceled one.
      expect(store.generations.listByStates(['canceled'])).toEqual([]);
    } finally {
      store.close();
    }

    // The copy is in the history under its own name, pointing at the generation it duplicates.
    const original = (JSON.parse((await cli(['--json', 'history', '--search', 'a.png'])).stdout) as { type: string; id: number }[]).find((entry) => entry.type === 'generation');
    const found = await cli(['history', '--search', 'again']);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`^- +duplicate .* ${TEST_PRESET.name} {2}a-again\\.png {2}same content as #${original?.id}, not sent again\n$`));
    const json = JSON.parse((await cli(['--json', 'history', '--search', 'again'])).stdout) as unknown;
    expect(json).toEqual([expect.objectContaining({ type: 'duplicate', fileName: 'a-again.png', path: path.join(chosen, 'a-again.png'), duplicateOf: original?.id, presetName: TEST_PRESET.name })]);
  });
});
