import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock';
import { parseFaultSpec, startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { api, controlPng, dataUrl, waitForJob } from './helpers';

let sim: RunningSimulator;
const generateBody = (): Record<string, unknown> => ({ modelId: 'model_sd15-realistic', prompt: 'p', modality: 'depth', image: dataUrl(controlPng()), numSamples: 1, width: 64, height: 64 });

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 20, faultSeed: 3 });
});
afterAll(async () => {
  await sim.close();
});

describe('parseFaultSpec', () => {
  it('parses the CLI syntax', () => {
    expect(parseFaultSpec('429=0.05,5xx=0.1,reset=0.02,drop=0.02,fail=0.05,slow=0.1,slowMs=800')).toEqual({ '429': 0.05, '5xx': 0.1, reset: 0.02, drop: 0.02, fail: 0.05, slow: 0.1, slowMs: 800 });
    expect(parseFaultSpec('')).toEqual({});
  });
  it.each(['429=2', 'boom=0.1', '5xx', 'slow=-1', 'reset=0.1=2'])('rejects %s with a message saying what to write', (text) => {
    expect(() => parseFaultSpec(text)).toThrow(/must|Unknown|form/);
  });
});

describe('injected faults', () => {
  it('429 carries remainingSeconds and {reason, name, details}', async () => {
    sim.setFaults('429=1,retryAfterSeconds=7');
    const answer = await api(sim, 'GET', '/models');
    sim.setFaults('');
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ remainingSeconds: 7, name: expect.any(String), reason: expect.any(String), details: expect.any(Object) });
  });

  it('5xx answers 500, 502 or 503 with a Scenario-shaped body', async () => {
    sim.setFaults({ '5xx': 1 });
    const answer = await api(sim, 'GET', '/models');
    sim.setFaults('');
    expect([500, 502, 503]).toContain(answer.status);
    expect(answer.body).toMatchObject({ apiError: expect.any(String), error: expect.any(String), id: expect.any(String), infos: {} });
  });

  it('reset destroys the connection', async () => {
    sim.setFaults('reset=1');
    await expect(api(sim, 'GET', '/models')).rejects.toThrow();
    sim.setFaults('');
    expect((await api(sim, 'GET', '/models')).status).toBe(200);
  });

  it('drop creates the job but loses the response; the job is then found in GET /jobs', async () => {
    sim.setFaults('drop=1');
    await expect(api(sim, 'POST', '/generate/controlnet', generateBody())).rejects.toThrow();
    sim.setFaults('');
    const entry = sim.generateLog.at(-1);
    expect(entry).toMatchObject({ responseDropped: true, dryRun: false });
    const jobs = (await api(sim, 'GET', '/jobs')).body.jobs as { jobId: string }[];
    expect(jobs[0]?.jobId).toBe(entry?.jobId);
    expect((await waitForJob(sim, String(entry?.jobId))).status).toBe('success');
  });

  it('fail ends the job in failure with a reason', async () => {
    sim.setFaults('fail=1');
    const created = await api(sim, 'POST', '/generate/controlnet', generateBody());
    sim.setFaults('');
    expect(created.status).toBe(200);
    const job = await waitForJob(sim, (created.body.job as { jobId: string }).jobId);
    expect(job.status).toBe('failure');
    expect((job.metadata as { output: { error: string }; assetIds: string[] }).output.error).toMatch(/failed/);
    expect((job.metadata as { assetIds: string[] }).assetIds).toEqual([]);
  });

  it('slow delays the answer by slowMs', async () => {
    sim.setFaults('slow=1,slowMs=300');
    const start = Date.now();
    expect((await api(sim, 'GET', '/models')).status).toBe(200);
    sim.setFaults('');
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
  });

  it('is reproducible: the same seed and spec inject the same faults in the same order', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const other = await startSimulator({ faults: '429=0.2,5xx=0.3', faultSeed: seed });
      try {
        const out: number[] = [];
        for (let index = 0; index < 30; index++) out.push((await api(other, 'GET', '/models/flux.1-dev')).status);
        return out;
      } finally {
        await other.close();
      }
    };
    const first = await statuses(11);
    expect(await statuses(11)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
    expect(await statuses(12)).not.toEqual(first);
  });

  it('keyed: a run replayed from its seed sees the same ids, download URLs and faults, whatever the order requests arrive in', async () => {
    // Keyed draws hash the request's path: with random job ids or URL signatures in it, the same
    // seed drew other faults each run (the seeded simulation found it: the same seed, two runs).
    const run = async (): Promise<{ jobIds: string[]; urls: string[]; statuses: number[] }> => {
      // A clock that stands still: URL expiries are part of what must be the same.
      const clock: Clock = { now: () => Date.UTC(2026, 0, 1), sleep: () => new Promise((resolve) => setImmediate(resolve)) };
      const other = await startSimulator({ latencyMs: 0, faultSeed: 5, keyedFaults: true, clock });
      try {
        const jobIds: string[] = [];
        for (let index = 0; index < 3; index++) jobIds.push(((await api(other, 'POST', '/generate/controlnet', generateBody())).body.job as { jobId: string }).jobId);
        // Each key's draws count its requests: wait on the job list, so no job's own key is read before the faults.
        let listed: { jobId: string; status: string; metadata: { assetIds?: string[] } }[] = [];
        while (listed.filter((job) => job.status === 'success').length < jobIds.length) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          listed = (await api(other, 'GET', '/jobs')).body.jobs as typeof listed;
        }
        const urls: string[] = [];
        for (const jobId of jobIds) {
          for (const assetId of listed.find((job) => job.jobId === jobId)?.metadata.assetIds ?? []) {
            urls.push(((await api(other, 'GET', `/assets/${assetId}`)).body.asset as { url: string }).url.replace(/^http:\/\/[^/]+/, ''));
          }
        }
        other.setFaults('429=0.5,5xx=0.3');
        const statuses: number[] = [];
        for (const jobId of [...jobIds].reverse()) for (let poll = 0; poll < 4; poll++) statuses.push((await api(other, 'GET', `/jobs/${jobId}`)).status);
        return { jobIds, urls, statuses };
      } finally {
        await other.close();
      }
    };
    const first = await run();
    expect(first.urls).toHaveLength(3);
    expect(new Set(first.statuses).size).toBeGreaterThan(1);
    expect(await run()).toEqual(first);
  });
});

describe('suspend and resume', () => {
  it('stops answering while suspended and keeps jobs across resume on the same port', async () => {
    const created = await api(sim, 'POST', '/generate/controlnet', generateBody());
    const jobId = (created.body.job as { jobId: string }).jobId;
    const baseUrl = sim.baseUrl;
    await sim.suspend();
    await expect(api(sim, 'GET', `/jobs/${jobId}`)).rejects.toThrow();
    await sim.resume();
    expect(sim.baseUrl).toBe(baseUrl);
    expect((await waitForJob(sim, jobId)).status).toBe('success');
  });
});
