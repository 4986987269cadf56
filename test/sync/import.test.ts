// The team's history brought into one library: in-process against the simulator, real SQLite,
// real folders, real HTTP.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine/engine';
import { absoluteLibraryPath } from '../../src/main/library';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { SyncError, syncTeamHistory, type SyncOptions } from '../../src/main/sync';
import { FAST_CLIENT, tempDir } from '../pipeline/helpers';

let sim: RunningSimulator;
let folder: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  folder = await tempDir('shf-sync-');
  sim = await startSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
  await folder.cleanup();
});

async function openLibrary(name: string): Promise<Engine> {
  return createEngine({ home: path.join(folder.dir, name), scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, client: FAST_CLIENT, run: false, lock: true });
}

function optionsFor(engine: Engine, extra: Partial<SyncOptions> = {}): SyncOptions {
  if (engine.client === null) throw new Error('no client');
  return { store: engine.store, client: engine.client, libraryRoot: engine.libraryRoot, simulated: false, resolveFamily: (id) => engine.resolveFamily(id), images: 'none', appVersion: 'test', ...extra };
}

describe('sync imports the team history', () => {
  it('brings in every finished job once, oldest first, with author, origin, lineage and reproducibility; an interrupted sync resumes without duplicates', async () => {
    const made = await sim.seedTeamHistory({ jobs: 30, samplesPerJob: 2, tags: ['hero', 'favourite'], tagEvery: 7 });
    const engine = await openLibrary('interrupted');
    try {
      await expect(syncTeamHistory(optionsFor(engine, { stopAfterImports: 11 }))).rejects.toBeInstanceOf(SyncError);
      expect(engine.store.sync.importedCount()).toBe(11);
      const report = await syncTeamHistory(optionsFor(engine));
      expect(report.imported).toBe(19);
      const again = await syncTeamHistory(optionsFor(engine));
      expect(again.imported).toBe(0);
      const page = engine.store.galleryPage({ limit: 500 });
      expect(page.items).toHaveLength(30);
      const jobIds = page.items.map((item) => engine.store.generations.get(item.id)?.jobId);
      expect(new Set(jobIds).size).toBe(30);
      expect(new Set(jobIds)).toEqual(new Set(made.jobIds));
      // Oldest first: ids follow Scenario's order.
      const byId = [...page.items].sort((a, b) => a.id - b.id).map((item) => engine.store.generations.get(item.id)?.remoteCreatedAt ?? 0);
      expect(byId).toEqual([...byId].sort((a, b) => a - b));
      const first = engine.store.generations.get(Math.min(...page.items.map((item) => item.id)));
      expect(first?.jobId).toBe(made.jobIds[0]);
      // Every third job is sent as the web app sends it (defaults left to Scenario): not reproducible here.
      expect(first?.origin).toBe('web-app-or-plugin');
      expect(first?.notReproducible).toMatch(/numInferenceSteps/);
      const second = engine.store.generations.get(Math.min(...page.items.map((item) => item.id)) + 1);
      expect(second?.origin).toBe('another-machine');
      expect(second?.notReproducible).toBeNull();
      expect(second?.authorId).toMatch(/^user_team-/);
      expect(first?.favourite).toBe(true);
      expect(page.items.find((item) => item.id === first?.id)?.tags).toEqual(['hero']);
      // Metadata first: the images are placeholders until downloaded; the control image is here.
      const detail = engine.store.generationDetail(second!.id);
      expect(detail?.images.every((image) => image.missing)).toBe(true);
      expect(existsSync(absoluteLibraryPath(engine.libraryRoot, detail!.input.libraryRelPath))).toBe(true);
      expect(engine.store.galleryPage({ limit: 50, search: 'robes' }).items.length).toBeGreaterThan(0);
      expect(engine.store.galleryPage({ limit: 50, filters: { imported: true } }).items).toHaveLength(30);

      const downloaded = await syncTeamHistory(optionsFor(engine, { images: 'all' }));
      expect(downloaded.imagesDownloaded).toBe(60);
      const whole = engine.store.generationDetail(second!.id);
      expect(whole?.images.every((image) => !image.missing && image.thumbRelPath !== null)).toBe(true);
      for (const image of whole!.images) expect(existsSync(absoluteLibraryPath(engine.libraryRoot, image.relPath))).toBe(true);
    } finally {
      await engine.close();
    }
  });
});
