import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioJob } from '../../src/main/scenario/index.js';
import { INLINE_UPLOAD_MAX_BYTES, ScenarioError, isControlNetModel, isHotFolderModel } from '../../src/main/scenario/index.js';
import type { RunningSimulator } from '../../src/main/simulator/index.js';
import { clientFor, controlImageBytes, generateBody, makeTempDir, startTestSimulator } from './helpers.js';

let simulator: RunningSimulator;
let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  simulator = await startTestSimulator();
  temp = await makeTempDir();
});
afterAll(async () => {
  await simulator.close();
  await temp.cleanup();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('generation and jobs', () => {
  it('sends the body byte for byte, polls to success and downloads the image atomically', async () => {
    const client = clientFor(simulator);
    // Unusual spacing and key order: the client must not re-serialise the JSON.
    const body = (await generateBody()).replace('{', '{ ').replace(',"prompt"', ' ,"prompt"');
    const started = await client.generateControlNet(body);
    expect(started.jobId).toMatch(/^job_/);
    expect(started.creativeUnitsCost).toBeGreaterThan(0);
    const logged = simulator.generateLog.find((entry) => entry.jobId === started.jobId);
    expect(logged?.bodySha256).toBe(sha256(Buffer.from(body)));

    const seen: string[] = [];
    const job = await client.waitForJob(started.jobId, { onProgress: (update) => seen.push(update.status) });
    expect(job.status).toBe('success');
    expect(seen.at(-1)).toBe('success');
    const assetIds = job.metadata?.assetIds ?? [];
    expect(assetIds).toHaveLength(1);

    const destPath = path.join(temp.dir, 'out', 'image.png');
    const result = await client.downloadAsset(assetIds[0] as string, destPath);
    const written = await readFile(destPath);
    expect(result).toEqual({ path: destPath, bytes: written.length, sha256: sha256(written) });
    expect((await sharp(written).metadata()).format).toBe('png');
    expect(await readdir(path.dirname(destPath))).toEqual(['image.png']);
  });

  it('prices a request with a dry run (HTTP 269) without creating a job', async () => {
    const client = clientFor(simulator);
    const before = simulator.generateLog.filter((entry) => !entry.dryRun).length;
    const estimate = await client.dryRunControlNet(await generateBody());
    expect(estimate.creativeUnitsCost).toBeGreaterThan(0);
    expect(simulator.generateLog.at(-1)).toMatchObject({ dryRun: true, jobId: null });
    expect(simulator.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(before);
  });

  it('answers a rejected generate with a typed error and no job', async () => {
    const client = clientFor(simulator);
    const error = await client.generateControlNet(await generateBody({ modelId: 'model_gpt-image' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toMatchObject({ code: 'invalid-request', status: 400 });
    expect((error as ScenarioError).serverMessage).toContain('controlnet');
    const missing = await client.generateControlNet(await generateBody({ modelId: 'model_nope' })).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ code: 'not-found', status: 404 });
  });

  it('cancels a running job (true), then reports a refused cancel as false', async () => {
    const client = clientFor(simulator);
    simulator.setLatency(10_000);
    try {
      const { jobId } = await client.generateControlNet(await generateBody());
      expect(await client.cancelJob(jobId)).toBe(true);
      const job = await client.waitForJob(jobId);
      expect(job.status).toBe('canceled');
      expect(await client.cancelJob(jobId)).toBe(false);
    } finally {
      simulator.setLatency(40);
    }
  });

  it('ends a wait with a timeout error, or an AbortError when cancelled; the job goes on', async () => {
    const client = clientFor(simulator);
    simulator.setLatency(10_000);
    try {
      const { jobId } = await client.generateControlNet(await generateBody());
      await expect(client.waitForJob(jobId, { timeoutMs: 80 })).rejects.toMatchObject({ code: 'timeout' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 60);
      const aborted = await client.waitForJob(jobId, { signal: controller.signal }).catch((caught: unknown) => caught);
      expect(aborted).toMatchObject({ code: 'aborted', name: 'AbortError' });
      expect((await client.getJob(jobId)).status).not.toMatch(/success|failure|canceled/);
      await client.cancelJob(jobId);
    } finally {
      simulator.setLatency(40);
    }
  });

  it('polls a job just submitted only after one interval (it cannot be done yet)', async () => {
    const client = clientFor(simulator, { pollIntervalMs: { min: 150, max: 160 } });
    const { jobId } = await client.generateControlNet(await generateBody());
    const startedAt = performance.now();
    let firstPollAfterMs: number | undefined;
    await client.waitForJob(jobId, { justSubmitted: true, onProgress: () => (firstPollAfterMs ??= performance.now() - startedAt) });
    expect(firstPollAfterMs).toBeGreaterThanOrEqual(150);
  });

  it('leaves nothing attached to the caller\'s signal once requests are answered', async () => {
    const client = clientFor(simulator);
    const caller = new AbortController();
    const { jobId } = await client.generateControlNet(await generateBody(), { signal: caller.signal });
    await client.waitForJob(jobId, { signal: caller.signal });
    await client.downloadAssetBytes((await client.getJob(jobId, { signal: caller.signal })).metadata?.assetIds?.[0] as string, { signal: caller.signal });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('lists jobs by page and walks every page for reconciliation', async () => {
    const client = clientFor(simulator);
    for (let index = 0; index < 3; index += 1) await client.generateControlNet(await generateBody());
    const first = await client.listJobs({ pageSize: 2 });
    expect(first.jobs).toHaveLength(2);
    expect(first.nextPaginationToken).toBeTruthy();
    const second = await client.listJobs({ pageSize: 2, paginationToken: first.nextPaginationToken });
    expect(second.jobs[0]?.jobId).not.toBe(first.jobs[0]?.jobId);

    const all: ScenarioJob[] = [];
    for await (const page of client.jobPages({ pageSize: 2 })) all.push(...page.jobs);
    const total = simulator.generateLog.filter((entry) => !entry.dryRun).length;
    expect(all).toHaveLength(total);
    expect(new Set(all.map((job) => job.jobId)).size).toBe(total);
    const canceled = await client.listJobs({ status: 'canceled' });
    expect(canceled.jobs.every((job) => job.status === 'canceled')).toBe(true);
  });
});

describe('assets and uploads', () => {
  it('uploads a small image inline and reads it back', async () => {
    const client = clientFor(simulator);
    const bytes = await controlImageBytes();
    const assetId = await client.uploadImage({ bytes, fileName: 'house.png', contentType: 'image/png' });
    expect(assetId).toMatch(/^asset_/);
    const asset = await client.getAsset(assetId);
    expect(asset.id).toBe(assetId);
    const result = await client.downloadAsset(assetId, path.join(temp.dir, 'small.png'), { expectedUrl: asset.url });
    expect(result.sha256).toBe(sha256(bytes));
    // The uploaded id works as the control image.
    const { jobId } = await client.generateControlNet(await generateBody({ image: assetId }));
    expect((await client.waitForJob(jobId)).status).toBe('success');
  });

  it(`uploads an image above ${INLINE_UPLOAD_MAX_BYTES} bytes through the multipart flow`, async () => {
    const client = clientFor(simulator);
    const width = 1500;
    const height = 1500;
    const noise = Buffer.alloc(width * height * 3);
    for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 2654435761) >>> 24;
    const bytes = await sharp(noise, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(bytes.length).toBeGreaterThan(INLINE_UPLOAD_MAX_BYTES);
    const assetId = await client.uploadImage({ bytes, fileName: 'big.png', contentType: 'image/png' });
    const result = await client.downloadAsset(assetId, path.join(temp.dir, 'big.png'));
    expect(result).toMatchObject({ bytes: bytes.length, sha256: sha256(bytes) });
  });

  it('downloads an asset into memory: the very bytes, with their sha256', async () => {
    const client = clientFor(simulator);
    const bytes = await controlImageBytes();
    const assetId = await client.uploadImage({ bytes, fileName: 'house.png', contentType: 'image/png' });
    const downloaded = await client.downloadAssetBytes(assetId);
    expect(downloaded.data.equals(bytes)).toBe(true);
    expect(downloaded.sha256).toBe(sha256(bytes));
  });

  it('fetches assets in bulk, more than 200 ids in chunks; unknown ids are left out', async () => {
    const client = clientFor(simulator);
    const assetId = await client.uploadImage({ bytes: await controlImageBytes(), fileName: 'house.png', contentType: 'image/png' });
    const ids = [...Array.from({ length: 250 }, (_, index) => `asset_missing${index}`), assetId];
    const assets = await client.getAssets(ids);
    expect(assets.map((asset) => asset.id)).toEqual([assetId]);
    await expect(client.getAsset('asset_missing')).rejects.toMatchObject({ code: 'not-found', status: 404 });
  });
});

describe('models', () => {
  it('lists models, and only those a hot folder can feed when asked (trained, controlnet or publishing an image input)', async () => {
    const client = clientFor(simulator);
    const all = await client.listModels();
    expect(all.map((model) => model.id)).toContain('model_gpt-image');
    const usable = await client.listModels({ hotFolderOnly: true });
    expect(usable.length).toBeGreaterThan(0);
    expect(usable.every(isHotFolderModel)).toBe(true);
    expect(usable.filter((model) => !isControlNetModel(model)).map((model) => model.id).sort()).toEqual(['model_reference-painter', 'model_texture-forge']);
    expect(usable.map((model) => model.id)).not.toContain('model_gpt-image');
    expect(usable.map((model) => model.id)).not.toContain('model_sdxl-in-training');
    const publicOnes = await client.listModels({ privacy: 'public' });
    expect(publicOnes.every((model) => model.privacy === 'public')).toBe(true);

    const lora = await client.getModel('model_flux-ink');
    expect(lora).toMatchObject({ id: 'model_flux-ink', type: 'flux.1-lora', compliantModelIds: ['flux.1-dev', 'flux.1-schnell'] });
    await expect(client.getModel('model_nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});
