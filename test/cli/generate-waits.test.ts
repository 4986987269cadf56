// What `generate` and `reproduce` say and return when the work ends waiting for the person: the
// real CLI against the simulator (suspended, or losing answers).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-waits-', { latencyMs: 20 });

let home: string;

function cli(args: string[]) {
  return runCli(['--home', home, ...args], { env: cliEnvFor(rig.sim) });
}

beforeAll(async () => {
  home = path.join(rig.dir, 'home');
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
  store.close();
});

describe('scenario-hotfolder generate and reproduce, waiting', () => {
  it('generate stops after --wait while Scenario cannot be reached: exit 4, and it lists what is left', { timeout: 90_000 }, async () => {
    const image = path.join(rig.dir, 'offline.png');
    await writeFile(image, await controlPng(41));
    await rig.sim.suspend();
    const started = Date.now();
    let run;
    try {
      run = await cli(['generate', image, '--preset', TEST_PRESET.name, '--wait', '1s']);
    } finally {
      await rig.sim.resume();
    }
    // The key check and the client's own quick retries come first (a few seconds), then the 1 s.
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^waiting {3}Waiting for network: /m);
    const left = /^Scenario could not be reached for 1 s \(--wait\): stopping\. 1 generation\(s\) are left; they resume at the next `generate`, `watch` or app start on this data folder \(`status` lists them\):\n {2}#(\d+) (\w+)\n$/.exec(run.stderr);
    expect(left, run.stderr).not.toBeNull();

    const status = JSON.parse((await cli(['--json', 'status'])).stdout) as { counts: { waiting: number }; unfinished: { id: number }[] };
    expect(status.unfinished.map((row) => row.id)).toEqual([Number(left?.[1])]);
    expect(status.counts.waiting).toBe(1);
  });

  it('an outcome-unknown generation gets its own line in plain text, and exit 4', { timeout: 90_000 }, async () => {
    const { sim } = rig;
    const image = path.join(rig.dir, 'ambiguous.png');
    await writeFile(image, await controlPng(42));
    const first = await cli(['generate', image, '--preset', TEST_PRESET.name, '--seed', '42']);
    expect(first.code).toBe(0);
    const parentId = Number(/^done {6}#(\d+)/m.exec(first.stdout)?.[1]);
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    const parent = store.generations.get(parentId);
    store.close();

    // Someone else sent the very same request (same image, seed and settings): a job no row owns.
    const sent = await fetch(`${sim.baseUrl}/generate/controlnet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString('base64')}` },
      body: parent?.requestJson,
    });
    expect(sent.status).toBe(200);

    // The exact reproduction's answer is lost; Scenario then lists two jobs that could be it.
    sim.setFaults('drop=1');
    let run;
    try {
      run = await cli(['reproduce', String(parentId)]);
    } finally {
      sim.setFaults('');
    }
    expect(run.code).toBe(4);
    const unknown = run.stdout.split('\n').find((line) => line.startsWith('unknown   #'));
    expect(unknown, run.stdout).toMatch(/^unknown {3}#\d+: The answer to the generation request was lost and Scenario lists 2 jobs that match it .* `retry \d+` to send it again \(it may be charged again\)\.$/);
  });
});
