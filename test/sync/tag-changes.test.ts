// Tags changed in Scenario come in with the next sync, even when two assets change in the same
// millisecond: the seeded simulation lost a member's tag put on an asset in the very millisecond
// of the last change the previous sync had seen (listings are "updated after" that mark).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/shared/clock';
import { createEngine } from '../../src/main/engine/engine';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { syncTeamHistory } from '../../src/main/sync';
import { FAST_CLIENT, tempDir } from '../pipeline/helpers';
import { api } from '../simulator/helpers';

/** Scenario's clock standing still: every change happens in one millisecond. */
const STANDING: Clock = { now: () => Date.UTC(2026, 11, 5, 12), sleep: systemClock.sleep };

let sim: RunningSimulator;
let folder: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await tempDir('shf-sync-tag-changes-');
  sim = await startSimulator({ latencyMs: 0, clock: STANDING });
});
afterAll(async () => {
  await sim.close();
  await folder.cleanup();
});

describe('tag changes from Scenario', () => {
  it('come in with the next sync, also when made in the millisecond of the last change seen', { timeout: 60_000 }, async () => {
    const made = await sim.seedTeamHistory({ jobs: 2, samplesPerJob: 1, webAppEvery: 0 });
    const engine = await createEngine({ home: path.join(folder.dir, 'home'), scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, client: FAST_CLIENT, run: false, lock: true });
    try {
      if (engine.client === null) throw new Error('no client');
      const sync = () => syncTeamHistory({ store: engine.store, client: engine.client!, libraryRoot: engine.libraryRoot, simulated: false, resolveFamily: (id) => engine.resolveFamily(id), images: 'none', appVersion: 'test', clock: STANDING });
      expect((await sync()).imported).toBe(2);
      const [first, second] = await Promise.all(made.jobIds.map(async (jobId) => {
        const job = (await api(sim, 'GET', `/jobs/${jobId}`)).body.job as { metadata: { assetIds: string[] } };
        return { assetId: job.metadata.assetIds[0]!, generationId: engine.store.generations.idForJob(jobId)! };
      }));
      const tagsOf = (generationId: number) => engine.store.generationDetail(generationId).tags;

      expect((await api(sim, 'PUT', `/assets/${first!.assetId}/tags`, { add: ['hero'], strict: false })).status).toBe(200);
      await sync();
      expect(tagsOf(first!.generationId)).toEqual(['hero']);
      // The same millisecond as the change the last sync saw.
      expect((await api(sim, 'PUT', `/assets/${second!.assetId}/tags`, { add: ['villain'], strict: false })).status).toBe(200);
      await sync();
      expect(tagsOf(second!.generationId)).toEqual(['villain']);
      expect(tagsOf(first!.generationId)).toEqual(['hero']);
    } finally {
      await engine.close();
    }
  });
});
