import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { api, controlPng, dataUrl, waitForJob } from './helpers';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 150 });
});
afterAll(async () => {
  await sim.close();
});

describe('job lifecycle', () => {
  it('goes queued → in-progress → success and its assets download as PNGs of the requested size', async () => {
    const created = await api(sim, 'POST', '/generate/controlnet', {
      modelId: 'model_sd15-realistic',
      prompt: 'a glass sphere',
      modality: 'depth',
      image: dataUrl(controlPng()),
      numSamples: 2,
      width: 512,
      height: 384,
      seed: '42',
    });
    expect(created.status).toBe(200);
    const job = created.body.job as { jobId: string; status: string };
    expect(job.jobId).toMatch(/^job_/);
    expect(job.status).toBe('queued');

    const seen = new Set<string>();
    let progress = -1;
    for (;;) {
      const { body } = await api(sim, 'GET', `/jobs/${job.jobId}`);
      const current = body.job as { status: string; progress: number };
      seen.add(current.status);
      expect(current.progress).toBeGreaterThanOrEqual(progress);
      progress = current.progress;
      if (current.status === 'success') break;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(seen.has('in-progress')).toBe(true);

    const done = await waitForJob(sim, job.jobId);
    const assetIds = (done.metadata as { assetIds: string[] }).assetIds;
    expect(assetIds).toHaveLength(2);
    for (const assetId of assetIds) {
      const { body } = await api(sim, 'GET', `/assets/${assetId}`);
      const asset = body.asset as { url: string; mimeType: string };
      const download = await fetch(asset.url);
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.readUInt32BE(16)).toBe(512);
      expect(bytes.readUInt32BE(20)).toBe(384);
    }
  });
});
