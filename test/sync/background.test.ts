// The app's engine brings the team's history in by itself on a real connection, and never from
// its built-in simulator.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine/engine';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { startBackgroundSync } from '../../src/main/sync/background';
import { FAST_CLIENT, tempDir } from '../pipeline/helpers';

let sim: RunningSimulator;
let folder: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  folder = await tempDir('shf-sync-background-');
  sim = await startSimulator({ latencyMs: 0 });
  await sim.seedTeamHistory({ jobs: 12, samplesPerJob: 1 });
});
afterAll(async () => {
  await sim.close();
  await folder.cleanup();
});

describe('background sync', () => {
  it('runs at start on a real connection, reports its progress, and the gallery is told to reload', { timeout: 30_000 }, async () => {
    const engine = await createEngine({ home: path.join(folder.dir, 'real'), scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, client: FAST_CLIENT, watchFolders: false, teamSync: { intervalMs: 60_000 } });
    const progress: unknown[] = [];
    engine.events.on('sync.progress', (event) => progress.push(event));
    const done = new Promise<{ imported: number }>((resolve) => engine.events.on('sync.done', resolve));
    try {
      expect((await done).imported).toBe(12);
      expect(engine.store.sync.importedCount()).toBe(12);
      await expect.poll(() => progress.at(-1)).toBeNull();
      expect(progress.some((event) => (event as { phase?: string } | null)?.phase === 'importing')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('stops at once while a model lookup is under way (the lookup is told to stop too)', { timeout: 30_000 }, async () => {
    // The seeded simulation found a stop that never ended: the lookup waited on a clock that,
    // with the engine closing, would not move again.
    const engine = await createEngine({ home: path.join(folder.dir, 'stopping'), scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, client: FAST_CLIENT, watchFolders: false, run: false });
    let lookups = 0;
    const sync = startBackgroundSync({
      store: engine.store,
      libraryRoot: engine.libraryRoot,
      connection: () => ({ client: engine.client, simulated: false }),
      // A lookup that ends only when it is told to stop.
      resolveFamily: (_modelId, signal) => {
        lookups += 1;
        return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
      },
      networkHeld: () => false,
      onProgress: () => undefined,
      onDone: () => undefined,
    });
    try {
      await expect.poll(() => lookups).toBeGreaterThan(0);
      await sync.stop();
    } finally {
      await engine.close();
    }
  });

  it('never syncs with the built-in simulator', { timeout: 30_000 }, async () => {
    const engine = await createEngine({ home: path.join(folder.dir, 'simulated'), scenario: { simulator: true, latencyMs: 0 }, watchFolders: false, teamSync: { intervalMs: 50 } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(engine.store.sync.state('jobs.mark')).toBeNull();
      expect(engine.store.sync.importedCount()).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
