import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WaitingReason } from '../../src/main/pipeline/index';
import type { Rig } from './helpers';
import { controlPng, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function pauses(current: Rig): WaitingReason[] {
  const seen: WaitingReason[] = [];
  current.engine.events.on('queue.paused', ({ waiting }) => seen.push(waiting.reason));
  return seen;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const posts = (current: Rig) => current.sim.generateLog.filter((entry) => !entry.dryRun);

describe('the queue waits and resumes by itself', () => {
  it('pauses for the time a 429 gives, then finishes', async () => {
    rig = await startRig();
    const seen = pauses(rig);
    rig.sim.setFaults({ '429': 1, retryAfterSeconds: 0.3 });
    await writeFile(path.join(rig.inbox, 'a.png'), await controlPng(10));
    await until(() => seen.includes('rate-limit'));
    rig.sim.setFaults({});
    await waitForStates(rig.engine, 1, ['done']);
    expect(posts(rig)).toHaveLength(1);
  });

  it('holds submissions over budget without dropping them, and goes on when the budget is raised', async () => {
    rig = await startRig();
    rig.engine.store.settings.set('dailyBudget', 0);
    const seen = pauses(rig);
    await writeFile(path.join(rig.inbox, 'b.png'), await controlPng(11));
    await until(() => seen.includes('budget'));
    expect(rig.engine.status().waiting?.reason).toBe('budget');
    expect(rig.engine.status().jobs[0]?.waiting?.message).toContain('Daily budget reached');
    expect(posts(rig)).toHaveLength(0);

    rig.engine.store.settings.set('dailyBudget', 1000);
    rig.engine.pipeline.recheck();
    await waitForStates(rig.engine, 1, ['done']);
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(generation?.costCu).toBeGreaterThan(0);
    expect(rig.engine.store.presets.get(rig.presetId)?.currentVersion.dryRunCost?.costCu).toBe(generation?.costCu);
  });

  it('waits for the network while Scenario is unreachable, then resumes', async () => {
    rig = await startRig();
    const seen = pauses(rig);
    await rig.sim.suspend();
    await writeFile(path.join(rig.inbox, 'c.png'), await controlPng(12));
    await until(() => seen.includes('network'));
    expect(rig.engine.status().waiting?.message).toContain('Waiting for network');
    await rig.sim.resume();
    await waitForStates(rig.engine, 1, ['done']);
    expect(posts(rig)).toHaveLength(1);
  });

  it('reports a job in flight that waits for the network as waiting for it, like one held before its submission', async () => {
    rig = await startRig({ sim: { latencyMs: 1500 } });
    await writeFile(path.join(rig.inbox, 'in-flight.png'), await controlPng(18));
    await waitForStates(rig.engine, 1, ['submitted']);
    await rig.sim.suspend();
    const job = () => rig?.engine.status().jobs[0];
    await until(() => job()?.waiting?.reason === 'network');
    expect(job()?.state).toBe('submitted');
    expect(job()?.waiting?.message).toContain('Waiting for network');
    await rig.sim.resume();
    await waitForStates(rig.engine, 1, ['done']);
    expect(rig.engine.status().jobs).toEqual([]);
    expect(posts(rig)).toHaveLength(1);
  });

  it('adopts the job of a submission whose answer was lost, without sending it again', async () => {
    rig = await startRig();
    rig.sim.setFaults({ drop: 1 });
    await writeFile(path.join(rig.inbox, 'd.png'), await controlPng(13));
    await until(() => posts(rig as Rig).length > 0);
    rig.sim.setFaults({});
    await waitForStates(rig.engine, 1, ['done']);
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(posts(rig)).toHaveLength(1);
    expect(posts(rig)[0]?.responseDropped).toBe(true);
    expect(generation?.jobId).toBe(posts(rig)[0]?.jobId);
  });

  it('adopts the right job when an exact reproduction (the same body as its parent) loses its answer', async () => {
    rig = await startRig();
    await writeFile(path.join(rig.inbox, 'f.png'), await controlPng(15));
    await waitForStates(rig.engine, 1, ['done']);
    const [parent] = rig.engine.store.generations.listByStates(['done']);
    rig.sim.setFaults({ drop: 1 });
    const childId = rig.engine.pipeline.reproduce(parent!.id);
    await until(() => posts(rig as Rig).length > 1);
    rig.sim.setFaults({});
    await waitForStates(rig.engine, 2, ['done']);
    const child = rig.engine.store.generations.get(childId);
    expect(child?.requestJson).toBe(parent?.requestJson);
    expect(posts(rig)).toHaveLength(2);
    expect(posts(rig)[1]?.responseDropped).toBe(true);
    // Both jobs match the body; the parent's is owned, so the reproduction takes the other one.
    expect(child?.jobId).toBe(posts(rig)[1]?.jobId);
    expect(child?.jobId).not.toBe(parent?.jobId);
  });

  it('holds the queue while the library disk is full, leaves no partial file, and downloads again without a new charge once there is space', async (context) => {
    rig = await startRig();
    const seen = pauses(rig);
    const outputs = path.join(rig.engine.libraryRoot, 'outputs');
    await mkdir(outputs, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', outputs], { stdio: 'ignore' });
    } catch {
      context.skip('a tiny tmpfs cannot be mounted here (needs root)');
    }
    try {
      await writeFile(path.join(rig.inbox, 'g.png'), await controlPng(16));
      await until(() => seen.includes('disk'));
      // A full disk is the process's problem: the paid job waits in downloading, it does not fail.
      expect(rig.engine.status().waiting?.message).toMatch(/space/i);
      expect(rig.engine.store.generations.listByStates(['downloading'])).toHaveLength(1);
      const files = (await readdir(outputs, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
      expect(files).toEqual([]);
    } finally {
      execFileSync('umount', [outputs]);
    }
    await waitForStates(rig.engine, 1, ['done']);
    expect(posts(rig)).toHaveLength(1);
    const [done] = rig.engine.store.generations.listByStates(['done']);
    expect(rig.engine.store.images.listForGeneration(done!.id).length).toBeGreaterThan(0);
  });

  it('sends a parked outcome-unknown row again when the person retries it while the start-up resume is still looking for it', async () => {
    rig = await startRig();
    await writeFile(path.join(rig.inbox, 'h.png'), await controlPng(17));
    await waitForStates(rig.engine, 1, ['done']);
    const [parent] = rig.engine.store.generations.listByStates(['done']);
    await rig.engine.close();
    // As a kill between committing `submitting` and the POST leaves it: a row Scenario never saw.
    const { store } = await rig.restart({ run: false });
    const lost = store.generations.createReproduction(parent!.id);
    for (const state of ['validated', 'uploaded', 'submitting'] as const) store.generations.transition(lost.id, state, state === 'uploaded' ? { imageAssetId: parent!.imageAssetId } : {});
    store.generations.transition(lost.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
    // The start-up resume looks for its job again; the person's retry comes while it does.
    const engine = await rig.restart();
    engine.pipeline.retry(lost.id);
    await waitForStates(engine, 2, ['done']);
    expect(posts(rig)).toHaveLength(2);
  });

  it('keeps fetching the images of a paid job whose download links are refused, and stores them once the links work, without a new charge', async () => {
    // Found by the seeded simulation (seed 19): the drive ended on the refused download and the row
    // stayed downloading until the next start.
    rig = await startRig();
    rig.sim.setUrlTtl(0);
    const refused = new Promise<string>((resolve) => rig!.engine.events.on('job.failed', ({ message }) => resolve(message)));
    await writeFile(path.join(rig.inbox, 'expired.png'), await controlPng(19));
    expect(await refused).toContain('stays downloading');
    rig.sim.setUrlTtl(24 * 3600_000);
    await waitForStates(rig.engine, 1, ['done']);
    expect(posts(rig)).toHaveLength(1);
  });

  it('resumes a submitted job after a restart by polling it, never resubmitting', async () => {
    rig = await startRig({ sim: { latencyMs: 800 } });
    await writeFile(path.join(rig.inbox, 'e.png'), await controlPng(14));
    await waitForStates(rig.engine, 1, ['submitted']);
    await rig.restart();
    await waitForStates(rig.engine, 1, ['done']);
    expect(posts(rig)).toHaveLength(1);
  });
});
