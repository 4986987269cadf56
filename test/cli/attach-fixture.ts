// What the tests of commands beside a running engine share: a library with a watched folder, and
// the CLI's output with what differs between two runs taken out.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { openStore } from '../../src/main/store/index';
import type { RunningSimulator } from '../../src/main/simulator/index';
import { TEST_PRESET, cliEnvFor } from '../pipeline/helpers';
import type { CliRun } from './run-cli';

/** A home in `dir/name` with TEST_PRESET and a watched folder (`inbox`) bound to it, and the CLI's environment for `sim`. */
export async function libraryWithInbox(sim: RunningSimulator, dir: string, name: string): Promise<{ home: string; inbox: string; env: NodeJS.ProcessEnv }> {
  const home = path.join(dir, name, 'home');
  const inbox = path.join(dir, name, 'inbox');
  await mkdir(inbox, { recursive: true });
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  const preset = store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
  store.folders.add({ path: inbox, presetIds: [preset.id], options: {} });
  store.close();
  return { home, inbox, env: cliEnvFor(sim) };
}

/** A run that succeeded and said nothing on stderr. */
export function expectOk(run: CliRun): CliRun {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

/** The lines with what differs between runs (ids, paths, seeds) taken out. */
export function shape(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.replace(/#\d+/g, '#N').replace(/→ .*$/, '→ PATHS'));
}

