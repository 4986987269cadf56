// The team's history brought into one library: in-process against the simulator, real SQLite,
// real folders, real HTTP.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library';
import { SyncError, syncTeamHistory } from '../../src/main/sync';
import { TEST_PRESET, controlPng } from '../pipeline/helpers';
import { api, dataUrl, waitForJob } from '../simulator/helpers';
import { useSyncRig } from './helpers';

const rig = useSyncRig('shf-sync-', 'none');
const { openLibrary, optionsFor } = rig;

describe('sync imports the team history', () => {
  it('brings in every finished job once, oldest first, with author, origin, lineage and reproducibility; an interrupted sync resumes without duplicates', { timeout: 120_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 30, samplesPerJob: 2, tags: ['hero', 'favourite'], tagEvery: 7 });
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

  it('leaves a job that may be a lost answer of ours to the pipeline, and never imports it once ours', { timeout: 30_000 }, async () => {
    const engine = await openLibrary('lost-answer');
    try {
      // Ours, as a kill between the POST and its answer leaves it: outcome-unknown, no job id.
      const { store } = engine;
      const preset = store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
      const { input } = store.inputs.upsertBySha256({ sha256: 'ab'.repeat(32), originalPath: '/in/pose.png', fileName: 'pose.png', libraryRelPath: 'controls/ab/pose.png', bytes: 10 });
      const ours = store.generations.create({ inputId: input.id, presetVersionId: preset.currentVersion.id, kind: 'manual', requestJson: '{}', modelId: TEST_PRESET.modelId, family: 'sd-1_5', modality: 'canny', prompt: TEST_PRESET.prompt });
      for (const state of ['validated', 'uploaded', 'submitting'] as const) store.generations.transition(ours.id, state);
      store.generations.transition(ours.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
      const created = await api(rig.sim, 'POST', '/generate/controlnet', { ...TEST_PRESET, name: undefined, image: dataUrl(await controlPng(3)), seed: '5' });
      const jobId = (created.body.job as { jobId: string }).jobId;
      await waitForJob(rig.sim, jobId);

      const first = await syncTeamHistory(optionsFor(engine));
      expect(store.sync.holdsJob(jobId)).toBe(false);
      expect(first.leftStaged).toBeGreaterThanOrEqual(1);
      expect(store.generations.listByStates(['done']).some((generation) => generation.jobId === jobId)).toBe(false);

      // The pipeline finds it as ours: the next sync has nothing left to import.
      store.generations.transition(ours.id, 'submitted', { jobId });
      const second = await syncTeamHistory(optionsFor(engine));
      expect(second.leftStaged).toBe(0);
      expect(store.galleryPage({ limit: 500, filters: { imported: true } }).items.every((item) => store.generations.get(item.id)?.jobId !== jobId)).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('never imports the job a generation left when it was canceled and sent again', { timeout: 30_000 }, async () => {
    // Found by the seeded simulation (seed 1): a submitted job canceled, the generation retried,
    // and the next sync brought the first job in as another machine's.
    const engine = await openLibrary('left-job');
    try {
      const { store } = engine;
      const preset = store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
      const { input } = store.inputs.upsertBySha256({ sha256: 'cd'.repeat(32), originalPath: '/in/pose.png', fileName: 'pose.png', libraryRelPath: 'controls/cd/pose.png', bytes: 10 });
      const ours = store.generations.create({ inputId: input.id, presetVersionId: preset.currentVersion.id, kind: 'manual', requestJson: '{}', modelId: TEST_PRESET.modelId, family: 'sd-1_5', modality: 'canny', prompt: TEST_PRESET.prompt });
      const jobs: string[] = [];
      for (const attempt of [0, 1]) {
        const created = await api(rig.sim, 'POST', '/generate/controlnet', { ...TEST_PRESET, name: undefined, image: dataUrl(await controlPng(40 + attempt)), seed: '5' });
        jobs.push((created.body.job as { jobId: string }).jobId);
        for (const state of ['validated', 'uploaded', 'submitting'] as const) store.generations.transition(ours.id, state);
        store.generations.transition(ours.id, 'submitted', { jobId: jobs[attempt] as string });
        if (attempt === 0) {
          store.generations.transition(ours.id, 'canceled', { errorCode: 'canceled', errorMessage: 'Canceled by you.' });
          store.generations.transition(ours.id, 'detected');
        }
      }
      for (const jobId of jobs) await waitForJob(rig.sim, jobId);

      const report = await syncTeamHistory(optionsFor(engine));
      expect(store.sync.holdsJob(jobs[0] as string)).toBe(true);
      expect(store.galleryPage({ limit: 500, filters: { imported: true } }).items.map((item) => store.generations.get(item.id)?.jobId)).not.toContain(jobs[0]);
      expect(report.leftStaged).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
