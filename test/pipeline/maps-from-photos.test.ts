/**
 * A folder that makes a map of each dropped photo first: the photo goes to /generate/detect, the
 * map comes back as an input of its own linked to the photo, and the folder's presets generate
 * from the map. Detection's names differ from the generators' (gray is grayscale).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers, envCredentials } from '../../src/main/engine/handlers';
import { absoluteLibraryPath } from '../../src/main/library/paths';
import { authHeader } from '../simulator/helpers';
import type { Rig } from './helpers';
import { controlPng, sha256, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function detectionJobs(active: Rig): Promise<{ metadata: { input: Record<string, unknown> } }[]> {
  const response = await fetch(`${active.sim.baseUrl}/jobs?type=detection`, { headers: { authorization: authHeader(active.sim) } });
  return ((await response.json()) as { jobs: { metadata: { input: Record<string, unknown> } }[] }).jobs;
}

describe('a folder that makes a map first', () => {
  it('sends the photo to detection, keeps the map linked to the photo, and generates from the map', async () => {
    rig = await startRig({ folder: { mapFirst: 'depth' }, preset: { modality: 'depth' } });
    const photo = await controlPng(41, 96);
    await writeFile(path.join(rig.inbox, 'street.png'), photo);
    await waitForStates(rig.engine, 1);

    const [generation] = rig.engine.store.generations.listByStates(['done']);
    const map = rig.engine.store.inputs.get(generation?.inputId ?? 0);
    const source = rig.engine.store.inputs.get(map?.sourceInputId ?? 0);
    expect(source?.sha256).toBe(sha256(photo));
    expect(map).toMatchObject({ mapModality: 'depth', fileName: 'street.depth-map.png' });
    expect(map?.sha256).not.toBe(source?.sha256);
    const mapBytes = await readFile(absoluteLibraryPath(rig.engine.libraryRoot, map?.libraryRelPath ?? ''));
    expect(sha256(mapBytes)).toBe(map?.sha256);

    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts.map((entry) => entry.endpoint)).toEqual(['/generate/detect', '/generate/controlnet']);
    // The generation's control image is the map, not the photo.
    expect(posts[1]?.controlImageSha256).toBe(map?.sha256);
    expect((await detectionJobs(rig))[0]?.metadata.input.modality).toBe('depth');

    // The detail panel shows the map as the control image, and the photo it was made from.
    const shell = { openFile: async () => undefined, revealFile: async () => undefined, startDrag: async () => undefined };
    const handlers = createHandlers(rig.engine, { credentials: envCredentials({}), shell, info: { version: '0.0.0-test', platform: process.platform, libraryUrlBase: 'library://local/', usingSimulator: true } });
    const detail = await handlers['generations.detail']({ id: String(generation?.id) });
    expect(detail.input).toMatchObject({ relPath: map?.libraryRelPath, madeFrom: { modality: 'depth', photoName: 'street.png', photoSha256: sha256(photo) } });

    // The same photo again (another name) reuses its map: no second detection, and the map is a duplicate.
    await writeFile(path.join(rig.inbox, 'street-again.png'), photo);
    const deadline = Date.now() + 10_000;
    while (rig.engine.store.inputEvents.listDuplicates({ limit: 5 }).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rig.engine.store.inputEvents.listDuplicates({ limit: 5 }).map((event) => [event.inputId, event.fileName])).toEqual([[map?.id, 'street-again.depth-map.png']]);
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun && entry.endpoint === '/generate/detect')).toHaveLength(1);
  });

  it("asks detection for its own name of the map (gray is grayscale)", async () => {
    rig = await startRig({ folder: { mapFirst: 'gray' } });
    await writeFile(path.join(rig.inbox, 'face.png'), await controlPng(42, 96));
    await waitForStates(rig.engine, 1);
    expect((await detectionJobs(rig)).map((job) => job.metadata.input.modality)).toEqual(['grayscale']);
    const [generation] = rig.engine.store.generations.listByStates(['done']);
    expect(rig.engine.store.inputs.get(generation?.inputId ?? 0)?.mapModality).toBe('gray');
  });
});
