/**
 * The person's actions race the engine's own work: a cancel or a retry lands while a drive of the
 * same generation is between two steps. The drive must notice that the row moved under it and
 * leave it to the next drive, never fail it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rig } from './helpers';
import { controlPng, startRig, waitForStates } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a generation canceled and retried while its job is polled', () => {
  it('is sent again and ends done: the old drive does not fail the retried row', async () => {
    // A job that takes a while on Scenario: the first drive is still polling when the person acts.
    rig = await startRig({ sim: { latencyMs: 1500 } });
    const engine = rig.engine;
    await writeFile(path.join(rig.inbox, 'again.png'), await controlPng(90));
    await waitForStates(engine, 1, ['submitted']);
    const [submitted] = engine.store.generations.listByStates(['submitted']);
    engine.pipeline.cancel(submitted!.id);
    engine.pipeline.retry(submitted!.id);
    await waitForStates(engine, 1, ['done', 'failed']);
    const ended = engine.store.generations.get(submitted!.id);
    expect(ended?.errorMessage ?? null).toBeNull();
    expect(ended?.state).toBe('done');
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(2);
  });
});
