// A `watch` process is SIGKILLed while a photo is being detected (a folder that makes a map
// first), at the moment Scenario received the detect POST and again while the job runs. The next
// start picks the detection up from its row: its job is adopted or polled, never sent again.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, sha256, untilWatching, useSimulatorAndTempDir } from './helpers';

const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');
// Long enough that each kill lands while the detection job still runs.
const rig = useSimulatorAndTempDir('shf-detect-kill-', { latencyMs: 5000 });

function cli(home: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, '--home', home, ...args], { env: { ...process.env, ...cliEnvFor(rig.sim) }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const detectPosts = () => rig.sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint === '/generate/detect');

describe('SIGKILL during a detection', () => {
  it('detects each photo once: the next start adopts or polls the job it sent', { timeout: 120_000 }, async () => {
    const home = path.join(rig.dir, 'home');
    const inbox = path.join(rig.dir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const setup = openStore({ file: path.join(home, 'history.sqlite') });
    const preset = setup.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: { ...TEST_PRESET, modality: 'depth' } });
    setup.folders.add({ path: inbox, presetIds: [preset.id], options: { mapFirst: 'depth' } });
    setup.close();
    const file = path.join(home, 'history.sqlite');
    const read = <T>(query: (store: ReturnType<typeof openStore>) => T): T => {
      const store = openStore({ file });
      try {
        return query(store);
      } finally {
        store.close();
      }
    };
    const photo = await controlPng(61, 96);
    await writeFile(path.join(inbox, 'lighthouse.png'), photo);

    // Killed as soon as Scenario has the POST: its answer may or may not have been recorded.
    const first = cli(home, ['watch']);
    await until(() => detectPosts().length === 1, 60_000, 'the detect POST');
    first.kill('SIGKILL');
    await exited(first);

    // Killed again while the job is polled: the row has its job (adopted from the job list, or answered).
    const second = cli(home, ['watch']);
    await untilWatching(second);
    await until(() => read((store) => store.detections.find(store.inputs.getBySha256(sha256(photo))?.id ?? 0, 'depth')?.state) === 'sent', 60_000, 'the detection sent');
    second.kill('SIGKILL');
    await exited(second);

    const last = cli(home, ['watch']);
    await untilWatching(last);
    await until(() => read((store) => store.generations.listByStates(['done', 'failed', 'canceled', 'outcome-unknown']).length) === 1, 60_000, 'the generation from the map');
    last.kill('SIGTERM');
    await exited(last);
    // The second kill may land after the map, between the generation's `submitting` and its POST:
    // that generation waits for the person (as in kill.test.ts), who sends it again.
    const unknown = read((store) => store.generations.listByStates(['outcome-unknown']));
    for (const row of unknown) expect(await exited(cli(home, ['retry', String(row.id)]))).toBe(0);

    expect(detectPosts()).toHaveLength(1);
    read((store) => {
      const [generation] = store.generations.listByStates(['done']);
      const photoInput = store.inputs.getBySha256(sha256(photo));
      const detection = store.detections.find(photoInput?.id ?? 0, 'depth');
      expect(detection).toMatchObject({ state: 'done', jobId: detectPosts()[0]?.jobId });
      expect(generation?.inputId).toBe(detection?.mapInputId);
      expect(store.inputs.get(generation?.inputId ?? 0)?.sourceInputId).toBe(photoInput?.id);
    });
    const generated = rig.sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint === '/generate/controlnet');
    expect(generated).toHaveLength(1);
  });
});
