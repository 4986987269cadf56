// Deletions by other members: jobs and assets deleted in Scenario after (or before) this library
// imported them. In-process against the simulator: real SQLite, real folders, real HTTP.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library';
import { syncTeamHistory } from '../../src/main/sync';
import { useSyncRig } from './helpers';

const rig = useSyncRig('shf-sync-deleted-', 'all');
const { openLibrary, optionsFor } = rig;

describe('deletions in Scenario', () => {
  it('moves an imported generation whose assets were all deleted to the Trash with its files kept, keeps one with assets left, drops its queued tags, and never imports a job deleted before', { timeout: 120_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 4, samplesPerJob: 2, webAppEvery: 0 });
    const engine = await openLibrary('deleted');
    try {
      const first = await syncTeamHistory(optionsFor(engine));
      expect(first.imported).toBe(4);
      expect(first.imagesDownloaded).toBe(8);
      const byJob = (jobId: string) => {
        const item = engine.store.galleryPage({ limit: 50, filters: { trashed: false } }).items.find((entry) => engine.store.generations.get(entry.id)?.jobId === jobId);
        return engine.store.generations.get(item?.id ?? -1) ?? engine.store.generations.get(engine.store.galleryPage({ limit: 50, filters: { trashed: true } }).items.find((entry) => engine.store.generations.get(entry.id)?.jobId === jobId)?.id ?? -1);
      };
      const whole = byJob(made.jobIds[0]!)!;
      const partly = byJob(made.jobIds[1]!)!;
      const wholeFiles = engine.store.generationDetail(whole.id)!.images.map((image) => absoluteLibraryPath(engine.libraryRoot, image.relPath));
      // A tag set here, not yet sent when the job is deleted there.
      engine.store.organise.tag([whole.id], ['keeper']);

      // A member deletes one job (with its outputs), one output of another, and a job made after our last sync.
      const later = await rig.sim.seedTeamHistory({ jobs: 2, samplesPerJob: 2, webAppEvery: 0 });
      const partlyAsset = engine.store.generationDetail(partly.id)!.images[1]!.assetId!;
      rig.sim.deleteForTeam({ jobIds: [made.jobIds[0]!, later.jobIds[0]!], assetIds: [partlyAsset] });

      const second = await syncTeamHistory(optionsFor(engine));
      expect(second).toMatchObject({ imported: 1, deletedInScenario: 1, movedToTrash: 1, tagChangesDropped: 1, tagChangesSent: 0 });
      // In the Trash, marked, its files kept; out of the default gallery.
      const trashed = engine.store.generations.get(whole.id)!;
      expect(trashed.deletedInScenarioAt).not.toBeNull();
      expect(trashed.deletedAt).not.toBeNull();
      expect(engine.store.galleryPage({ limit: 50 }).items.map((item) => item.id)).not.toContain(whole.id);
      const inTrash = engine.store.galleryPage({ limit: 50, filters: { trashed: true } }).items.find((item) => item.id === whole.id);
      expect(inTrash?.deletedInScenario).toBe(true);
      for (const file of wholeFiles) expect(existsSync(file)).toBe(true);
      // One output left: it stays in the gallery, not marked; the deleted output's file is kept too.
      const kept = engine.store.galleryPage({ limit: 50 }).items.find((item) => item.id === partly.id);
      expect(kept?.deletedInScenario).toBe(false);
      expect(engine.store.sync.assetIdsOf(partly.id)).not.toContain(partlyAsset);
      expect(engine.store.generationDetail(partly.id)!.images).toHaveLength(2);
      // The job deleted before it was imported never arrives.
      expect(engine.store.galleryPage({ limit: 50, filters: { trashed: false } }).items.concat(engine.store.galleryPage({ limit: 50, filters: { trashed: true } }).items).map((item) => engine.store.generations.get(item.id)?.jobId)).not.toContain(later.jobIds[0]);
      expect(engine.store.sync.unsentCount()).toBe(0);

      // Restored by the person: it stays (still marked), and the next syncs neither trash it again nor send anything.
      engine.store.trash.undo(trashed.trashBatchId!);
      const third = await syncTeamHistory(optionsFor(engine));
      expect(third).toMatchObject({ imported: 0, deletedInScenario: 0, movedToTrash: 0, tagChangesDropped: 0, tagChangesSent: 0, imagesDownloaded: 0 });
      expect(engine.store.generations.get(whole.id)?.deletedAt).toBeNull();
      // A tag added to it now has nowhere to go: dropped with its note, never retried.
      engine.store.organise.tag([whole.id], ['later']);
      const fourth = await syncTeamHistory(optionsFor(engine));
      expect(fourth).toMatchObject({ tagChangesSent: 0, tagChangesDropped: 1 });
      expect(engine.store.sync.unsentCount()).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('an output deleted before its file was downloaded stays a placeholder and is not asked for again', { timeout: 60_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 1, samplesPerJob: 3, webAppEvery: 0 });
    const engine = await openLibrary('placeholder');
    try {
      expect((await syncTeamHistory(optionsFor(engine, { images: 'none' }))).imported).toBeGreaterThanOrEqual(1);
      const generation = engine.store.galleryPage({ limit: 50 }).items.map((item) => engine.store.generations.get(item.id)!).find((row) => row.jobId === made.jobIds[0])!;
      const deletedAsset = engine.store.generationDetail(generation.id)!.images[0]!.assetId!;
      rig.sim.deleteForTeam({ assetIds: [deletedAsset] });
      const downloaded = await syncTeamHistory(optionsFor(engine, { images: 'all' }));
      const images = engine.store.generationDetail(generation.id)!.images;
      expect(images.find((image) => image.assetId === deletedAsset)?.missing).toBe(true);
      expect(images.filter((image) => image.assetId !== deletedAsset).every((image) => !image.missing)).toBe(true);
      expect(downloaded.deletedInScenario).toBe(0);
      const again = await syncTeamHistory(optionsFor(engine, { images: 'all' }));
      expect(again.imagesDownloaded).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
