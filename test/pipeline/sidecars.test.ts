/**
 * Per-file overrides from sidecars, end to end against the simulator: a .txt prompt with tokens,
 * a .json that overrides preset fields, a bad sidecar that fails its file naming the sidecar and
 * the field, and sidecars that move with their image.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rig } from './helpers';
import { controlPng, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function settledFolder(inbox: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await readdir(inbox)).some((name) => name.startsWith('shot_')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('sidecars beside a dropped image', () => {
  it('take the .txt as the prompt (with {file}, {folder} and {frame}) and the .json as preset fields, recorded as overrides', async () => {
    rig = await startRig({ folder: { processedAction: 'move' }, preset: { prompt: 'plain preset prompt' } });
    await writeFile(path.join(rig.inbox, 'shot_010.txt'), 'a knight, frame {frame} of {file} in {folder}\n');
    await writeFile(path.join(rig.inbox, 'shot_010.json'), JSON.stringify({ seed: '4242', numSamples: 2 }));
    await writeFile(path.join(rig.inbox, 'shot_010.png'), await controlPng(31));
    await waitForStates(rig.engine, 1);
    await settledFolder(rig.inbox);

    const [generation] = rig.engine.store.generations.listByStates(['done']);
    const body = JSON.parse(generation?.requestJson ?? '{}') as Record<string, unknown>;
    const folderName = path.basename(rig.inbox);
    expect(body).toMatchObject({ prompt: `a knight, frame 010 of shot_010 in ${folderName}`, seed: '4242', numSamples: 2 });
    expect(generation?.prompt).toBe(body.prompt);
    expect(generation?.overrides).toEqual({ prompt: body.prompt, seed: '4242', numSamples: 2 });
    expect(rig.engine.store.images.listForGeneration(generation?.id ?? 0)).toHaveLength(2);
    // The sidecars moved with their image.
    expect((await readdir(path.join(rig.inbox, '_done'))).sort()).toEqual(['shot_010.json', 'shot_010.png', 'shot_010.txt']);

    // A reproduction keeps the overrides (the request is built again after the upload).
    const child = rig.engine.pipeline.reproduce(generation?.id ?? 0);
    await waitForStates(rig.engine, 2, ['done']);
    expect(rig.engine.store.generations.get(child)?.requestJson).toBe(generation?.requestJson);
  });

  it('fail the file when a sidecar is bad, naming the sidecar and the field, and move it to _failed with its image', async () => {
    rig = await startRig({ folder: { processedAction: 'move' } });
    await writeFile(path.join(rig.inbox, 'shot_020.json'), JSON.stringify({ width: 1001 }));
    await writeFile(path.join(rig.inbox, 'shot_020.png'), await controlPng(32));
    await waitForStates(rig.engine, 1);
    await settledFolder(rig.inbox);

    const [failed] = rig.engine.store.generations.listByStates(['failed']);
    expect(failed?.errorCode).toBe('invalid-sidecar');
    expect(failed?.errorMessage).toMatch(/^shot_020\.json: width: Width 1001 must be a multiple of 8: use 1000 or 1008\./);
    expect(rig.sim.generateLog).toHaveLength(0);
    expect((await readdir(path.join(rig.inbox, '_failed'))).sort()).toEqual(['shot_020.json', 'shot_020.png', 'shot_020.png.error.txt']);
    expect(await readFile(path.join(rig.inbox, '_failed', 'shot_020.png.error.txt'), 'utf8')).toContain('shot_020.json: width');
  });

  it('refuse a .json that is not JSON or changes the model', async () => {
    rig = await startRig();
    await writeFile(path.join(rig.inbox, 'shot_030.json'), '{ "prompt": ');
    await writeFile(path.join(rig.inbox, 'shot_030.png'), await controlPng(33));
    await writeFile(path.join(rig.inbox, 'shot_031.json'), JSON.stringify({ modelId: 'model_sdxl-base' }));
    await writeFile(path.join(rig.inbox, 'shot_031.png'), await controlPng(34));
    await waitForStates(rig.engine, 2);
    const messages = rig.engine.store.generations.listByStates(['failed']).map((generation) => generation.errorMessage).sort();
    expect(messages[0]).toMatch(/^shot_030\.json is not valid JSON/);
    expect(messages[1]).toMatch(/^shot_031\.json: modelId cannot be changed per file/);
  });

  it('written after their image, within the settle window, are still used in a folder that uses sidecars (an exporter that writes the image first)', async () => {
    // A window longer than the default, so a loaded machine's pause between the two writes stays inside it.
    const pipeline = { reconcileWindowMs: 300, probeBackoff: { minMs: 50, maxMs: 200 }, recheckMs: 300, sidecarSettleMs: 3000 };
    rig = await startRig({ folder: { processedAction: 'move' }, preset: { prompt: 'plain preset prompt' }, engine: { pipeline } });
    // The folder holds a sidecar already (found by the start's catch-up): its new images wait for theirs.
    await writeFile(path.join(rig.inbox, 'notes.txt'), 'a sidecar of no image');
    await rig.restart();
    const skipped: string[] = [];
    rig.engine.events.on('input.skipped', ({ reason }) => skipped.push(reason));
    await writeFile(path.join(rig.inbox, 'shot_040.png'), await controlPng(35));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writeFile(path.join(rig.inbox, 'shot_040.txt'), 'a knight at the gate, frame {frame}');
    await waitForStates(rig.engine, 1);
    await settledFolder(rig.inbox);

    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(generation?.overrides).toEqual({ prompt: 'a knight at the gate, frame 040' });
    expect((await readdir(path.join(rig.inbox, '_done'))).sort()).toEqual(['shot_040.png', 'shot_040.txt']);
    // The watcher saw the sidecar too: read as it is, it is not reported as late.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(skipped).toEqual([]);
  });

  it('arriving after their image was taken are reported, naming the sidecar and the image, and change nothing', async () => {
    rig = await startRig({ preset: { prompt: 'plain preset prompt' } });
    const skipped: { path: string; reason: string; message: string }[] = [];
    rig.engine.events.on('input.skipped', ({ path: skippedPath, reason, message }) => skipped.push({ path: skippedPath, reason, message }));
    await writeFile(path.join(rig.inbox, 'shot_050.png'), await controlPng(36));
    await waitForStates(rig.engine, 1);
    const late = path.join(rig.inbox, 'shot_050.txt');
    await writeFile(late, 'too late for this one');
    const deadline = Date.now() + 10_000;
    while (skipped.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(skipped).toEqual([
      {
        path: late,
        reason: 'sidecar-late',
        message: expect.stringMatching(new RegExp(`^shot_050\\.txt arrived after shot_050\\.png was taken \\(generation ${generation?.id}\\), so it was not used\\. Write a sidecar before its image`)) as unknown as string,
      },
    ]);
    expect(generation?.prompt).toBe('plain preset prompt');
    expect(generation?.overrides).toBeNull();
  });
});
