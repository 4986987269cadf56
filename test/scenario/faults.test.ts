import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioJob } from '../../src/main/scenario/index.js';
import { ScenarioError, jobFailureReason } from '../../src/main/scenario/index.js';
import type { RunningSimulator } from '../../src/main/simulator/index.js';
import { clientFor, controlImageBytes, generateBody, makeTempDir, startTestSimulator, timed } from './helpers.js';

let simulator: RunningSimulator;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let jobId: string;
let assetId: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  temp = await makeTempDir();
  const client = clientFor(simulator);
  jobId = (await client.generateControlNet(await generateBody())).jobId;
  assetId = await client.uploadImage({ bytes: await controlImageBytes(), fileName: 'house.png', contentType: 'image/png' });
});
afterEach(() => {
  simulator.setFaults('');
  simulator.setUrlTtl(24 * 60 * 60 * 1000);
});
afterAll(async () => {
  await simulator.close();
  await temp.cleanup();
});

const submissions = () => simulator.generateLog.filter((entry) => !entry.dryRun);

/** Many reads in a row: with faults at 50 %, they all succeed only if failures are retried. */
async function readManyTimes(times: number): Promise<ScenarioJob[]> {
  const client = clientFor(simulator, { retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
  const jobs: ScenarioJob[] = [];
  for (let index = 0; index < times; index += 1) jobs.push(await client.getJob(jobId));
  return jobs;
}

describe('429', () => {
  it('on a read waits exactly as long as the server says, each time', async () => {
    simulator.setFaults('429=1,retryAfterSeconds=0.3');
    const client = clientFor(simulator, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const { ms, error } = await timed(() => client.getJob(jobId));
    expect(error).toMatchObject({ code: 'rate-limited', status: 429, retryAfterMs: 300 });
    // Two waits of 300 ms between three attempts; the backoff alone would be a few ms.
    expect(ms).toBeGreaterThanOrEqual(590);
    expect(ms).toBeLessThan(3000);
  });

  it('on reads is recovered from', async () => {
    simulator.setFaults('429=0.5,retryAfterSeconds=0.01');
    expect(await readManyTimes(10)).toHaveLength(10);
  });

  it('on generate is not retried and tells the queue how long to pause', async () => {
    simulator.setFaults('429=1,retryAfterSeconds=20');
    const before = submissions().length;
    const { ms, error } = await timed(async () => clientFor(simulator).generateControlNet(await generateBody()));
    expect(error).toMatchObject({ code: 'rate-limited', retryAfterMs: 20_000 });
    expect((error as ScenarioError).userMessage).toContain('20 s');
    expect(ms).toBeLessThan(1000);
    expect(submissions()).toHaveLength(before);
  });

  it('on a read asking for a longer pause than allowed goes straight to the caller', async () => {
    simulator.setFaults('429=1,retryAfterSeconds=600');
    const { ms, error } = await timed(() => clientFor(simulator).getJob(jobId));
    expect(error).toMatchObject({ code: 'rate-limited', retryAfterMs: 600_000 });
    expect(ms).toBeLessThan(1000);
  });
});

describe('5xx', () => {
  it('on reads is retried with backoff, then reported', async () => {
    simulator.setFaults('5xx=1');
    const client = clientFor(simulator, { retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 1000 } });
    const { ms, error } = await timed(() => client.getJob(jobId));
    expect(error).toMatchObject({ code: 'server' });
    expect([500, 502, 503]).toContain((error as ScenarioError).status);
    // Equal jitter: at least 20 ms then 40 ms.
    expect(ms).toBeGreaterThanOrEqual(60);
  });

  it('on reads and bulk reads is recovered from', async () => {
    simulator.setFaults('5xx=0.5');
    expect(await readManyTimes(10)).toHaveLength(10);
    const client = clientFor(simulator, { retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
    for (let index = 0; index < 5; index += 1) expect(await client.getAssets([assetId])).toHaveLength(1);
  });

  it('on generate is a definite answer: no retry, no job', async () => {
    simulator.setFaults('5xx=1');
    const before = submissions().length;
    const error = await clientFor(simulator).generateControlNet(await generateBody()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'server' });
    expect(submissions()).toHaveLength(before);
  });
});

describe('connection reset', () => {
  it('on reads is retried, then reported as a network error', async () => {
    simulator.setFaults('reset=0.5');
    expect(await readManyTimes(10)).toHaveLength(10);
    simulator.setFaults('reset=1');
    const error = await clientFor(simulator, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } })
      .getJob(jobId)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network' });
  });

  it('on generate makes the outcome unknown', async () => {
    simulator.setFaults('reset=1');
    const error = await clientFor(simulator).generateControlNet(await generateBody()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'outcome-unknown' });
  });
});

describe('dropped generate response', () => {
  it('becomes outcome-unknown with a trace that finds the one job created', async () => {
    simulator.setFaults('drop=1');
    const client = clientFor(simulator);
    const body = await generateBody({ prompt: 'dropped answer' });
    const before = submissions().length;
    const error = await client.generateControlNet(body).catch((caught: unknown) => caught);
    simulator.setFaults('');

    expect(error).toBeInstanceOf(ScenarioError);
    const { code, submission } = error as ScenarioError;
    expect(code).toBe('outcome-unknown');
    expect(submission?.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(Date.parse(submission?.sentAt ?? '')).toBeLessThanOrEqual(Date.now());

    const created = submissions().slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ responseDropped: true, bodySha256: submission?.bodySha256 });

    // Reconciliation: the job is in the list, so it must not be sent again.
    const listed: string[] = [];
    for await (const page of client.jobPages({ pageSize: 2 })) listed.push(...page.jobs.map((job) => job.jobId));
    expect(listed).toContain(created[0]?.jobId);
  });
});

describe('failed job', () => {
  it('is returned with its reason, not thrown', async () => {
    simulator.setFaults('fail=1');
    const client = clientFor(simulator);
    const started = await client.generateControlNet(await generateBody());
    simulator.setFaults('');
    const job = await client.waitForJob(started.jobId);
    expect(job.status).toBe('failure');
    expect(jobFailureReason(job)).toMatch(/failed/);
  });
});

describe('downloads', () => {
  it('refresh an expired signed URL through the asset', async () => {
    const client = clientFor(simulator);
    simulator.setUrlTtl(20);
    const stale = await client.getAsset(assetId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    simulator.setUrlTtl(60_000);
    const staleAnswer = await fetch(stale.url);
    expect(staleAnswer.status).toBe(403);
    await staleAnswer.body?.cancel();

    const destPath = path.join(temp.dir, 'refreshed.png');
    const result = await client.downloadAsset(assetId, destPath, { expectedUrl: stale.url });
    expect(result.sha256).toBe(createHash('sha256').update(await controlImageBytes()).digest('hex'));
    expect(await readdir(temp.dir)).not.toContain('refreshed.png.part');
  });

  it('refresh an expired signed URL for a download into memory too', async () => {
    const client = clientFor(simulator);
    simulator.setUrlTtl(20);
    const stale = await client.getAsset(assetId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    simulator.setUrlTtl(60_000);
    const downloaded = await client.downloadAssetBytes(assetId, { expectedUrl: stale.url });
    expect(downloaded.data.equals(await controlImageBytes())).toBe(true);
  });

  it('refused for good fail without leaving a .part file', async () => {
    const client = clientFor(simulator);
    simulator.setUrlTtl(0);
    const destPath = path.join(temp.dir, 'refused.png');
    const error = await client.downloadAsset(assetId, destPath).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await readdir(temp.dir)).not.toContain('refused.png.part');
    expect(await readdir(temp.dir)).not.toContain('refused.png');
  });

  it('survive resets and server errors on the way', async () => {
    simulator.setFaults('reset=0.3,5xx=0.3');
    const client = clientFor(simulator, { retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
    for (let index = 0; index < 4; index += 1) {
      const destPath = path.join(temp.dir, `flaky-${index}.png`);
      await client.downloadAsset(assetId, destPath);
      expect((await readFile(destPath)).equals(await controlImageBytes())).toBe(true);
    }
    expect((await readdir(temp.dir)).filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});

describe('slow answers', () => {
  it('within the request timeout are waited for', async () => {
    simulator.setFaults('slow=1,slowMs=250');
    const { ms, value, error } = await timed(() => clientFor(simulator, { requestTimeoutMs: 2000 }).getJob(jobId));
    expect(error).toBeUndefined();
    expect(value?.jobId).toBe(jobId);
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  it('past the request timeout are a timeout error after the retries', async () => {
    simulator.setFaults('slow=1,slowMs=400');
    const client = clientFor(simulator, { requestTimeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const { ms, error } = await timed(() => client.getJob(jobId));
    expect(error).toMatchObject({ code: 'timeout' });
    expect(ms).toBeGreaterThanOrEqual(190);
    // Two slow answers awaited in full would take 800 ms; the timeouts cut each at 100 ms.
    expect(ms).toBeLessThan(780);
  });
});
