// A folder of hundreds of files when watching starts (the catch-up after the app was closed), in
// a process allowed few open files: every file is still taken and generated once. Checks and
// intakes used to run all at once, and the files past the open-file limit were skipped (EMFILE).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, untilWatching, useSimulatorAndTempDir } from './helpers';

const FILES = 300;
/** Well under the files present, above what Node, tsx and the engine hold open on their own. */
const OPEN_FILE_LIMIT = 96;
const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');

const rig = useSimulatorAndTempDir('shf-open-files-', { latencyMs: 0 });

function watchUnderLimit(home: string): ChildProcess {
  // The shell lowers its own limit, then becomes the CLI, which inherits it.
  return spawn('sh', ['-c', `ulimit -n ${OPEN_FILE_LIMIT} && exec "$0" "$@"`, process.execPath, '--import', 'tsx', CLI, '--home', home, 'watch', '--concurrency', '4'], {
    env: { ...process.env, ...cliEnvFor(rig.sim) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe.skipIf(process.platform === 'win32')('a catch-up of many files under a low open-file limit', () => {
  it('takes and generates every file once', { timeout: 150_000 }, async () => {
    const home = path.join(rig.dir, 'home');
    const inbox = path.join(rig.dir, 'inbox');
    const file = path.join(home, 'history.sqlite');
    const setup = openStore({ file });
    const preset = setup.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
    setup.folders.add({ path: inbox, presetIds: [preset.id] });
    setup.close();
    await mkdir(inbox, { recursive: true });
    for (let n = 0; n < FILES; n += 1) await writeFile(path.join(inbox, `control ${n}.png`), await controlPng(5000 + n));

    const watcher = watchUnderLimit(home);
    let output = '';
    watcher.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    watcher.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
    await untilWatching(watcher);

    const deadline = Date.now() + 120_000;
    let rows: { state: string }[];
    for (;;) {
      const store = openStore({ file });
      rows = store.generations.listByStates(['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'done', 'failed', 'canceled', 'outcome-unknown']);
      store.close();
      if (rows.length >= FILES && rows.every((row) => row.state === 'done')) break;
      if (Date.now() > deadline || watcher.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    watcher.kill('SIGTERM');
    expect(await exited).toBe(0);

    expect(output).not.toMatch(/EMFILE|ENFILE/);
    expect(rows).toHaveLength(FILES);
    expect(rows.filter((row) => row.state !== 'done')).toEqual([]);
    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(new Set(posts.map((entry) => entry.controlImageSha256)).size).toBe(FILES);
    expect(posts).toHaveLength(FILES);
  });
});
