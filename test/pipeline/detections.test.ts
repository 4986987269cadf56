/**
 * A photo's detection (a folder that makes a map first) is held and resumed like a submission:
 * the network down, the budget reached, a lost answer adopted from Scenario's job list; only the
 * photo's own problem (its detection failed) fails it, and dropping it again sends it again.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readInputFile } from '../../src/main/pipeline/intake';
import type { WaitingReason } from '../../src/main/pipeline/index';
import type { Rig } from './helpers';
import { controlPng, sha256, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const detectPosts = (current: Rig) => current.sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint === '/generate/detect');
const generatePosts = (current: Rig) => current.sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint !== '/generate/detect');

function pauses(current: Rig): WaitingReason[] {
  const seen: WaitingReason[] = [];
  current.engine.events.on('queue.paused', ({ waiting }) => seen.push(waiting.reason));
  return seen;
}

function detectionOf(current: Rig, photo: Buffer) {
  const input = current.engine.store.inputs.getBySha256(sha256(photo));
  return input === null ? null : current.engine.store.detections.find(input.id, 'depth');
}

describe("a photo's detection", () => {
  it('waits for the network while Scenario is unreachable, then detects once and generates from the map', async () => {
    rig = await startRig({ folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    const seen = pauses(rig);
    await rig.sim.suspend();
    const photo = await controlPng(51, 96);
    await writeFile(path.join(rig.inbox, 'harbour.png'), photo);
    await until(() => seen.includes('network'));
    expect(rig.engine.status().waiting?.message).toContain('Waiting for network');
    const skipped: string[] = [];
    rig.engine.events.on('input.skipped', ({ message }) => skipped.push(message));

    await rig.sim.resume();
    await waitForStates(rig.engine, 1, ['done']);
    expect(skipped).toEqual([]);
    expect(detectPosts(rig)).toHaveLength(1);
    expect(generatePosts(rig)).toHaveLength(1);
    expect(detectionOf(rig, photo)).toMatchObject({ state: 'done', jobId: detectPosts(rig)[0]?.jobId });
  });

  it('waits for the network while its job is polled, then fetches the map without sending it again', async () => {
    rig = await startRig({ sim: { latencyMs: 1500 }, folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    const seen = pauses(rig);
    const photo = await controlPng(55, 96);
    await writeFile(path.join(rig.inbox, 'breakwater.png'), photo);
    await until(() => detectionOf(rig as Rig, photo)?.state === 'sent');
    await rig.sim.suspend();
    await until(() => seen.includes('network'));
    expect(detectionOf(rig, photo)?.state).toBe('sent');

    await rig.sim.resume();
    await waitForStates(rig.engine, 1, ['done']);
    expect(detectPosts(rig)).toHaveLength(1);
    expect(detectionOf(rig, photo)).toMatchObject({ state: 'done', jobId: detectPosts(rig)[0]?.jobId });
  });

  it('holds while the budget is reached, counts its cost once sent, and goes on when the budget is raised', async () => {
    rig = await startRig({ folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    rig.engine.store.settings.set('dailyBudget', 0);
    const seen = pauses(rig);
    const photo = await controlPng(52, 96);
    await writeFile(path.join(rig.inbox, 'quay.png'), photo);
    await until(() => seen.includes('budget'));
    expect(detectPosts(rig)).toHaveLength(0);
    expect(detectionOf(rig, photo)).toBeNull();

    rig.engine.store.settings.set('dailyBudget', 1000);
    rig.engine.pipeline.recheck();
    await waitForStates(rig.engine, 1, ['done']);
    expect(detectPosts(rig)).toHaveLength(1);
    const detection = detectionOf(rig, photo);
    expect(detection?.costCu).toBe(detectPosts(rig)[0]?.creativeUnitsCost);
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(rig.engine.store.budget.spentToday({ includeSimulated: true })).toBe((detection?.costCu ?? 0) + (generation?.costCu ?? 0));
  });

  it('adopts the job of a detection whose answer was lost, without sending it again', async () => {
    rig = await startRig({ folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    rig.sim.setFaults({ drop: 1 });
    const photo = await controlPng(53, 96);
    await writeFile(path.join(rig.inbox, 'pier.png'), photo);
    await until(() => detectPosts(rig as Rig).length > 0);
    rig.sim.setFaults({});
    await waitForStates(rig.engine, 1, ['done']);
    expect(detectPosts(rig)).toHaveLength(1);
    expect(detectPosts(rig)[0]?.responseDropped).toBe(true);
    expect(detectionOf(rig, photo)).toMatchObject({ state: 'done', jobId: detectPosts(rig)[0]?.jobId });
  });

  it("fails only the photo whose detection failed (to _failed, with its reason), and sends it again when the person drops it again", async () => {
    rig = await startRig({ folder: { mapFirst: 'depth', processedAction: 'move' }, preset: { modality: 'depth' } });
    rig.sim.setFaults({ fail: 1 });
    const skipped: { reason: string; message: string }[] = [];
    rig.engine.events.on('input.skipped', ({ reason, message }) => skipped.push({ reason, message }));
    const photo = await controlPng(54, 96);
    const file = path.join(rig.inbox, 'jetty.png');
    await writeFile(file, photo);
    await until(() => skipped.length > 0);
    expect(skipped[0]?.reason).toBe('invalid-input');
    expect(skipped[0]?.message).toMatch(/^Scenario could not make a depth map of ".*jetty\.png": .*injected fault.*Drop it again to try again\.$/);
    expect(detectionOf(rig, photo)?.state).toBe('failed');
    expect(rig.engine.status().waiting).toBeNull();
    expect(rig.engine.store.generations.listByStates(['detected', 'done', 'failed'])).toEqual([]);

    const failedCopy = path.join(rig.inbox, '_failed', 'jetty.png');
    await until(() => existsSync(`${failedCopy}.error.txt`) && existsSync(failedCopy));
    expect(await readFile(`${failedCopy}.error.txt`, 'utf8')).toContain('Scenario could not make a depth map of');

    rig.sim.setFaults({});
    await writeFile(file, photo);
    await waitForStates(rig.engine, 1, ['done']);
    expect(detectPosts(rig)).toHaveLength(2);
    expect(detectionOf(rig, photo)).toMatchObject({ state: 'done', jobId: detectPosts(rig)[1]?.jobId });
  });

  it('never sends again by itself a detection committed before a stop whose job Scenario does not list: the person does, by dropping the photo again', async () => {
    rig = await startRig({ folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    const photo = await controlPng(56, 96);
    const file = path.join(rig.inbox, 'lantern.png');
    // The state a stop leaves between committing `sending` and the POST leaving: Scenario never saw it.
    const staging = path.join(rig.home, 'lantern.png');
    await writeFile(staging, photo);
    const read = await readInputFile(staging, rig.engine.libraryRoot, 50 * 1024 * 1024);
    const photoInput = rig.engine.store.inputs.upsertBySha256(read.draft).input;
    rig.engine.store.detections.sending({ photoInputId: photoInput.id, modality: 'depth', requestJson: '{"image":"asset_never-sent","modality":"depth"}', imageAssetId: 'asset_never-sent', costCu: 1, simulated: true }, null);
    await rig.engine.close();
    await writeFile(file, photo);

    const engine = await rig.restart();
    // The engine keeps its notices from its start: the catch-up may report before a listener could attach.
    const skipped = () => engine.notices.list().filter((notice) => notice.kind === 'skipped');
    await until(() => skipped().length > 0);
    expect(skipped()[0]).toMatchObject({ reason: 'outcome-unknown', path: file, message: expect.stringContaining('save or drop the photo again to detect it again') as unknown as string });
    expect(detectionOf(rig, photo)?.state).toBe('outcome-unknown');
    expect(detectPosts(rig)).toHaveLength(0);

    await writeFile(file, photo);
    await waitForStates(engine, 1, ['done']);
    expect(detectPosts(rig)).toHaveLength(1);
    expect(detectionOf(rig, photo)).toMatchObject({ state: 'done', jobId: detectPosts(rig)[0]?.jobId });
  });
});
