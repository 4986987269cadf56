/**
 * The desktop app started while a headless watcher holds the library: its window is served the
 * watcher's engine through the local socket (plain Node, as src/main/electron/main.ts uses it),
 * says so, and opens files with its own shell; once the watcher is gone the app runs its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../src/shared/ipc/contract';
import { envCredentials } from '../../src/main/engine/handlers';
import type { ShellAdapter } from '../../src/main/engine/handlers-context';
import { openWindowEngine, type WindowEngine } from '../../src/main/engine/window-engine';
import { openStore } from '../../src/main/store/index';
import { startCli } from '../cli/run-cli';
import { TEST_PRESET, cliEnvFor, controlPng, untilWatching, useSimulatorAndTempDir } from '../pipeline/helpers';
import { eventually } from './fixtures';

const rig = useSimulatorAndTempDir('shf-window-engine-', { latencyMs: 50 });

let windowEngine: WindowEngine | undefined;
let watcher: ReturnType<typeof startCli> | undefined;
afterEach(async () => {
  await windowEngine?.close();
  windowEngine = undefined;
  if (watcher !== undefined && watcher.exitCode === null && watcher.signalCode === null) {
    const exited = new Promise((resolve) => watcher?.once('exit', resolve));
    watcher.kill('SIGKILL');
    await exited;
  }
  watcher = undefined;
});

describe('the desktop window beside a headless watcher', () => {
  it('attaches to the watcher, says so, opens library files itself, and runs its own engine once the watcher is gone', { timeout: 90_000 }, async () => {
    const { dir, sim } = rig;
    const home = path.join(dir, 'home');
    const inbox = path.join(dir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const setup = openStore({ file: path.join(home, 'history.sqlite') });
    const preset = setup.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
    setup.folders.add({ path: inbox, presetIds: [preset.id], options: {} });
    setup.close();

    watcher = startCli(['--home', home, 'watch'], { env: cliEnvFor(sim) });
    watcher.stdin.end();
    await untilWatching(watcher);

    const opened: string[] = [];
    const shell: ShellAdapter = { openFile: async (file) => void opened.push(file), revealFile: async (file) => void opened.push(file), startDrag: async () => undefined };
    const host = { credentials: envCredentials({}), shell, info: { version: '9.9.9', platform: process.platform, libraryUrlBase: 'library://local/', usingSimulator: false, nativeFileDrag: true } };
    const attached = await openWindowEngine({ home, scenario: { simulator: true }, host });
    windowEngine = attached;
    expect(attached.attachedTo).toBe(watcher.pid);
    const pid = watcher.pid;
    const info = await attached.handlers['app.info']();
    expect(info).toMatchObject({ version: '9.9.9', libraryUrlBase: 'library://local/', nativeFileDrag: true, dataFolder: home, usingSimulator: false });
    expect(info.attachedTo).toContain(`(${pid})`);
    expect((await attached.handlers['presets.list']()).map((item) => item.name)).toEqual([TEST_PRESET.name]);

    // The watcher's work reaches the window as events; its files open with this host's shell.
    const done: ContractEvent[] = [];
    const stop = attached.onEvent((event) => {
      if (event.name === 'generation.done') done.push(event);
    });
    await writeFile(path.join(inbox, 'pose.png'), await controlPng(3));
    await eventually('the watcher\'s generation done in the window', () => done[0]);
    stop();
    const cover = done[0]?.name === 'generation.done' ? done[0].payload.item.cover : null;
    await attached.handlers['library.revealFile']({ relPath: cover?.relPath ?? '' });
    expect(opened).toEqual([path.join(home, 'library', cover?.relPath ?? '')]);
    await expect(attached.handlers['library.openFile']({ relPath: '../history.sqlite' })).rejects.toBeDefined();

    const lost = new Promise<void>((resolve) => attached.onLost(resolve));
    watcher.kill('SIGTERM');
    await lost;
    await attached.close();

    windowEngine = await openWindowEngine({ home, scenario: { simulator: true }, host });
    expect(windowEngine.attachedTo).toBeNull();
    expect((await windowEngine.handlers['app.info']()).attachedTo).toBeUndefined();
  });
});
