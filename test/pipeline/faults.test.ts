// Reliability: a flaky Scenario (5xx, 429, lost generate answers, failed jobs, short-lived
// download URLs). Every input ends done or failed with a reason; nothing is submitted twice.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rig } from './helpers';
import { controlPng, startRig, waitForStates } from './helpers';

const FILES = 40;
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a flaky Scenario', () => {
  it('ends every input done or failed with a reason, with zero duplicate submissions', { timeout: 90_000 }, async () => {
    rig = await startRig({
      sim: { latencyMs: 30, urlTtlMs: 500, faults: { '5xx': 0.1, '429': 0.05, drop: 0.02, fail: 0.05, retryAfterSeconds: 0.2 }, faultSeed: 7 },
      engine: { concurrency: 4 },
    });
    for (let n = 0; n < FILES; n += 1) await writeFile(path.join(rig.inbox, `flaky-${n}.png`), await controlPng(2000 + n));
    await waitForStates(rig.engine, FILES, ['done', 'failed'], 80_000);

    const rows = rig.engine.store.generations.listByStates(['done', 'failed']);
    expect(rows).toHaveLength(FILES);
    for (const row of rows.filter((item) => item.state === 'failed')) expect(row.errorMessage ?? '').not.toBe('');
    expect(rows.filter((row) => row.state === 'done').length).toBeGreaterThan(FILES / 2);

    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(new Set(posts.map((entry) => entry.controlImageSha256)).size).toBe(posts.length);
    // Each generation that got a job owns exactly one POST.
    const jobs = rows.map((row) => row.jobId).filter((jobId) => jobId !== null);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(posts.length).toBe(jobs.length);
  });
});
