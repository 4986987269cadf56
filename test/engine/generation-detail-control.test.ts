/**
 * The control image in a generation's detail, through the contract on a real engine: its library
 * copy present, gone (deleted outside the app), or never made (a file refused before copying).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const PRESET = { name: 'Clay houses', modelId: 'model_sd15-realistic', prompt: 'a house made of clay', modality: 'canny', width: 512, height: 512, numSamples: 1 };

describe('generation detail: the control image', () => {
  let t: EngineUnderTest;
  let presetId: string;
  let dropFolder: string;

  beforeAll(async () => {
    t = await startEngine();
    presetId = (await t.call('presets.create', { preset: PRESET })).id;
    dropFolder = mkdtempSync(path.join(os.tmpdir(), 'engine-detail-'));
  });

  afterAll(async () => {
    await t?.close();
    if (dropFolder) rmSync(dropFolder, { recursive: true, force: true });
  });

  async function generateFrom(file: string): Promise<string> {
    const { generationIds } = await t.call('generations.generateFromFiles', { paths: [file], presetId });
    expect(generationIds).toHaveLength(1);
    return generationIds[0]!;
  }

  it('is shown while its library copy exists, and marked missing once it is deleted outside the app', async () => {
    const id = await generateFrom(path.join(CONTROL_IMAGES, 'canny-house-768x512.png'));
    const done = await eventually('the generation to finish', async () => {
      const detail = await t.call('generations.detail', { id });
      return detail.state === 'done' ? detail : undefined;
    });
    expect(done.input).toMatchObject({ relPath: expect.stringMatching(/^controls\//), missing: false, name: 'canny-house-768x512.png' });

    // The gallery's summary carries the same copy and its size: a running or failed tile shows it.
    const { items } = await t.call('generations.page', { limit: 10, search: 'canny-house-768x512' });
    expect(items.find((item) => item.id === id)).toMatchObject({ control: { relPath: done.input.relPath, width: 768, height: 512 }, error: null });

    await rm(path.join(t.engine.libraryRoot, done.input.relPath!));
    expect((await t.call('generations.detail', { id })).input).toMatchObject({ relPath: done.input.relPath, missing: true });
  });

  it('has no rel path when the file was refused before it was copied (over 50 MB)', async () => {
    const huge = path.join(dropFolder, 'huge-scan.png');
    await writeFile(huge, '');
    await truncate(huge, 51 * 1024 * 1024); // sparse: no 51 MB written
    const id = await generateFrom(huge);
    const failed = await eventually('the oversized input to be refused', async () => {
      const detail = await t.call('generations.detail', { id });
      return detail.state === 'failed' ? detail : undefined;
    });
    expect(failed.error?.userMessage).toMatch(/MB/);
    // The contract's detail is valid (t.call parses it) with no library path to show.
    expect(failed.input).toMatchObject({ relPath: null, missing: true, name: 'huge-scan.png' });
    // The gallery's summary says why it failed, with no control image to show.
    const { items } = await t.call('generations.page', { limit: 10, filters: { states: ['failed'] } });
    expect(items.find((item) => item.id === id)).toMatchObject({ control: null, error: { userMessage: failed.error?.userMessage } });
  });

  it('is the thumbnail of the queue row while the job waits', async () => {
    await t.call('queue.pauseAll', undefined);
    try {
      const id = await generateFrom(path.join(CONTROL_IMAGES, 'depth-sphere-512.png'));
      const { jobs } = await t.call('queue.status', undefined);
      const detail = await t.call('generations.detail', { id });
      expect(jobs.find((job) => job.generationId === id)?.controlRelPath).toBe(detail.input.relPath);
      expect(detail.input.relPath).toMatch(/^controls\//);
    } finally {
      await t.call('queue.resumeAll', undefined);
    }
  });
});
