import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/main/store';
import { storePerTest, storeWithBasics } from './fixtures';

const setup = storePerTest();

describe('generation transitions', () => {
  it('walks the happy path and stamps attempts, submission and finish', () => {
    const { store, generate, clock } = setup();
    const generation = generate();
    expect(generation.state).toBe('detected');
    store.generations.transition(generation.id, 'validated');
    store.generations.transition(generation.id, 'uploaded', { imageAssetId: 'asset_1' });
    const submitting = store.generations.transition(generation.id, 'submitting', {
      requestJson: JSON.stringify({ image: 'asset_1', seed: '42' }),
    });
    expect(submitting.submitAttempts).toBe(1);
    clock.advance(1000);
    const submitted = store.generations.setJob(generation.id, 'job_1', 5);
    expect(submitted).toMatchObject({ state: 'submitted', jobId: 'job_1', costCu: 5, submittedAt: clock.now(), imageAssetId: 'asset_1' });
    store.generations.transition(generation.id, 'downloading');
    const done = store.generations.transition(generation.id, 'done');
    expect(done.finishedAt).toBe(clock.now());
  });

  it('refuses a transition the state machine does not allow, leaving the row unchanged', () => {
    const { store, generate } = setup();
    const generation = generate();
    expect(() => store.generations.transition(generation.id, 'submitted')).toThrow(StoreError);
    try {
      store.generations.transition(generation.id, 'done');
    } catch (error) {
      expect((error as StoreError).code).toBe('invalid-transition');
    }
    expect(store.generations.get(generation.id)?.state).toBe('detected');
  });

  it('never rewrites the request after it was sent', () => {
    const { store, generate } = setup();
    const generation = generate({ state: 'submitting' });
    expect(() => store.generations.transition(generation.id, 'submitted', { requestJson: '{}' })).toThrow(/cannot change/);
  });

  it('records failures and lets a failed generation start over', () => {
    const { store, generate } = setup();
    const generation = generate();
    const failed = store.generations.recordFailure(generation.id, { code: 'http-400', message: 'width must be a multiple of 8' });
    expect(failed).toMatchObject({ state: 'failed', errorCode: 'http-400' });
    const retried = store.generations.transition(generation.id, 'detected');
    expect(retried).toMatchObject({ state: 'detected', errorCode: null, errorMessage: null, finishedAt: null });
  });

  it('lists rows to resume by state', () => {
    const { store, generate } = setup();
    const a = generate({ state: 'submitted' });
    generate({ state: 'done' });
    const c = generate({ state: 'submitting' });
    expect(store.generations.listByStates(['submitted', 'submitting']).map((g) => g.id)).toEqual([a.id, c.id]);
  });
});

describe('reproductions and variations', () => {
  it('copies the exact request for a reproduction and replaces only the seed for a variation', () => {
    const { store, generate } = setup();
    const requestJson = '{"modelId":"model_abc","prompt":"a castle","seed":"42","numSamples":4}';
    const parent = generate({ requestJson, seed: '42', state: 'done' });
    const reproduction = store.generations.createReproduction(parent.id);
    expect(reproduction).toMatchObject({ kind: 'reproduction', parentId: parent.id, requestJson, seed: '42', state: 'detected' });
    const variation = store.generations.createReproduction(parent.id, { varySeed: '7' });
    expect(variation).toMatchObject({ kind: 'variation', parentId: parent.id, seed: '7' });
    expect(variation.requestJson).toBe('{"modelId":"model_abc","prompt":"a castle","seed":"7","numSamples":4}');
    expect(store.generations.children(parent.id).map((g) => g.id)).toEqual([reproduction.id, variation.id]);
    const detail = store.generationDetail(variation.id);
    expect(detail.parent?.id).toBe(parent.id);
    expect(store.generationDetail(parent.id).children.map((c) => c.kind)).toEqual(['reproduction', 'variation']);
  });
});

describe('presets', () => {
  it('keeps every edit as a new version and generations on the exact version', () => {
    const { store, preset, generate } = setup();
    const first = generate();
    const edited = store.presets.update(preset.id, { name: 'Sketch to render v2', family: 'sd-xl', preset: { prompt: 'a tower' } });
    expect(edited.currentVersion.version).toBe(2);
    expect(store.presets.update(preset.id, { name: 'Sketch to render v2', family: 'sd-xl', preset: { prompt: 'a tower' } }).currentVersion.id).toBe(
      edited.currentVersion.id,
    );
    expect(store.presets.versions(preset.id).map((v) => v.version)).toEqual([2, 1]);
    expect(store.generationDetail(first.id).presetVersion).toMatchObject({ version: 1, name: 'Sketch to render', preset: { prompt: 'a castle', modality: 'canny' } });

    store.presets.setDryRunCost(edited.currentVersion.id, 12.5);
    expect(store.presets.get(preset.id)?.currentVersion.dryRunCost?.costCu).toBe(12.5);
  });

  it('archives a preset that generations still reference, unbinding it from folders', () => {
    const { store, preset, generate } = setup();
    const generation = generate();
    const folder = store.folders.add({ path: '/watch', presetIds: [preset.id] });
    store.presets.archive(preset.id);
    expect(store.presets.list()).toEqual([]);
    expect(store.presets.list({ includeArchived: true })[0]?.archivedAt).not.toBeNull();
    expect(store.folders.get(folder.id)?.presetIds).toEqual([]);
    expect(store.generationDetail(generation.id).presetVersion.presetId).toBe(preset.id);
    // The name is free again for a new preset.
    expect(store.presets.create({ name: 'Sketch to render', family: 'flux', preset: {} }).id).not.toBe(preset.id);
  });

  it('refuses a duplicate live name', () => {
    const { store } = setup();
    expect(() => store.presets.create({ name: 'sketch TO render', family: 'sd-xl', preset: {} })).toThrow(
      expect.objectContaining({ code: 'name-taken' }),
    );
  });

  it('round-trips presets through export and import', () => {
    const { store } = setup();
    store.presets.create({ name: 'Depth flux', family: 'flux', preset: { modality: 'depth', guidance: 3.5, nested: { a: [1, 2] } } });
    const exported = JSON.parse(JSON.stringify(store.presets.exportPresets())) as unknown;
    const contents = (presets: ReturnType<typeof store.presets.list>) => presets.map((p) => [p.name, p.currentVersion.family, p.currentVersion.preset]);

    const other = storeWithBasics();
    try {
      other.store.presets.archive(other.preset.id);
      expect(other.store.presets.importPresets(exported).map((r) => r.outcome)).toEqual(['created', 'created']);
      expect(contents(other.store.presets.list())).toEqual(contents(store.presets.list()));
      expect(other.store.presets.importPresets(exported).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);

      // A different preset under the same name is kept beside the local one, never overwritten.
      const local = other.store.presets.getByName('Depth flux')!;
      other.store.presets.update(local.id, { name: 'Depth flux', family: 'flux', preset: { modality: 'canny' } });
      const clash = other.store.presets.importPresets(exported);
      expect(clash.map((r) => [r.name, r.outcome])).toEqual([
        ['Depth flux (2)', 'renamed'],
        ['Sketch to render', 'unchanged'],
      ]);
    } finally {
      other.close();
    }
    expect(() => store.presets.importPresets({ format: 'something else' })).toThrow(expect.objectContaining({ code: 'invalid-import' }));
  });
});

describe('folders, inputs, settings, models, budget', () => {
  it('manages watched folders', () => {
    const { store, preset } = setup();
    const folder = store.folders.add({ path: '/watch/a', options: { recursive: true }, presetIds: [preset.id] });
    expect(folder.options).toMatchObject({ recursive: true, processedAction: 'leave', allowDuplicates: false });
    expect(() => store.folders.add({ path: '/watch/a' })).toThrow(expect.objectContaining({ code: 'name-taken' }));
    expect(store.folders.setPaused(folder.id, true).paused).toBe(true);
    expect(store.folders.updateOptions(folder.id, { processedAction: 'move' }).options).toMatchObject({ recursive: true, processedAction: 'move' });
    const second = store.presets.create({ name: 'Other', family: 'flux', preset: {} });
    expect(store.folders.setPresets(folder.id, [second.id, preset.id]).presetIds).toEqual([second.id, preset.id]);
    store.folders.remove(folder.id);
    expect(store.folders.list()).toEqual([]);
  });

  it('deduplicates inputs by content hash', () => {
    const { store, input } = setup();
    const again = store.inputs.upsertBySha256({ sha256: input.sha256, originalPath: '/elsewhere/copy.png', fileName: 'copy.png', libraryRelPath: 'x', bytes: 1 });
    expect(again).toEqual({ input, created: false });
  });

  it('stores settings and the model cache', () => {
    const { store } = setup();
    expect(store.settings.get('theme')).toBeUndefined();
    store.settings.set('theme', { mode: 'dark' });
    expect(store.settings.get('theme')).toEqual({ mode: 'dark' });
    store.models.put('model_a', { name: 'A' });
    store.models.replaceAll([{ modelId: 'model_b', model: { name: 'B' } }]);
    expect(store.models.list().map((m) => m.modelId)).toEqual(['model_b']);
  });

  it('sums spending since a time, leaving out simulated runs', () => {
    const { store, generate, clock } = setup();
    const real = generate({ state: 'submitting' });
    const simulated = generate({ state: 'submitting', simulated: true });
    store.generations.setJob(real.id, 'job_r', 10);
    store.generations.setJob(simulated.id, 'job_s', 4);
    expect(store.budget.spentToday()).toBe(10);
    expect(store.budget.spentThisMonth({ includeSimulated: true })).toBe(14);
    expect(store.budget.spentSince(clock.now() + 1)).toBe(0);
  });
});

describe('images', () => {
  it('lists every image with where its files are, trashed generations included, in one query', () => {
    const { store, generate } = setup();
    const live = generate({ state: 'done' });
    const trashed = generate({ state: 'done' });
    const first = store.images.add(live.id, { idx: 0, relPath: 'outputs/a-1-0.png' });
    store.images.setThumbnail(first.id, 'thumbs/outputs/a-1-0.webp');
    const second = store.images.add(trashed.id, { idx: 0, relPath: 'outputs/a-2-0.png' });
    store.images.markMissing([second.id]);
    const { batchId } = store.trash.softDelete([trashed.id]);
    expect(store.images.listFiles()).toEqual([
      { id: first.id, relPath: 'outputs/a-1-0.png', thumbRelPath: 'thumbs/outputs/a-1-0.webp', missing: false, trashBatchId: null },
      { id: second.id, relPath: 'outputs/a-2-0.png', thumbRelPath: null, missing: true, trashBatchId: batchId },
    ]);
  });

  it('pages images without a thumbnail oldest first, after a cursor and up to a bound, leaving out missing and trashed ones', () => {
    const { store, generate } = setup();
    const live = generate({ state: 'done' });
    const trashed = generate({ state: 'done' });
    const [a, b, c, d] = [0, 1, 2, 3].map((idx) => store.images.add(live.id, { idx, relPath: `outputs/a-1-${idx}.png` }));
    store.images.setThumbnail(b!.id, 'thumbs/outputs/a-1-1.webp');
    store.images.markMissing([c!.id]);
    const inTrash = store.images.add(trashed.id, { idx: 0, relPath: 'outputs/a-2-0.png' });
    store.trash.softDelete([trashed.id]);
    const after = store.images.add(live.id, { idx: 4, relPath: 'outputs/a-1-4.png' });

    const ids = (images: { id: number }[]) => images.map((image) => image.id);
    expect(ids(store.images.listWithoutThumbnail(10))).toEqual([a!.id, d!.id, after.id]);
    expect(ids(store.images.listWithoutThumbnail(1))).toEqual([a!.id]);
    // A thumbnail that failed leaves its row without one: the next page starts after it.
    expect(ids(store.images.listWithoutThumbnail(10, { afterId: a!.id }))).toEqual([d!.id, after.id]);
    expect(ids(store.images.listWithoutThumbnail(10, { throughId: inTrash.id }))).toEqual([a!.id, d!.id]);
    expect(store.images.lastId()).toBe(after.id);
  });
});

describe('trash', () => {
  it('moves single images out of the live tables and back, refusing a restore whose places were filled again', () => {
    const { store, generate } = setup();
    const generation = generate({ state: 'done' });
    const [a, b] = [0, 1].map((idx) => store.images.add(generation.id, { idx, relPath: `outputs/g-${idx}.png` }));
    const batch = store.trash.trashImages([a!.id]);
    expect(store.images.listForGeneration(generation.id)).toEqual([b]);
    expect(store.images.listByIds([a!.id, b!.id])).toEqual([b]);
    expect(store.generationDetail(generation.id).images).toEqual([b]);

    // The generation is downloaded again (a retry after a failure) and fills index 0 anew.
    store.images.add(generation.id, { idx: 0, relPath: 'outputs/g-0-again.png' });
    expect(() => store.trash.undo(batch.batchId)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(store.trash.list()).toMatchObject([{ id: batch.batchId, images: 1 }]);
  });

  it('never hands out the id of an undone or purged batch again', () => {
    const { store, generate, clock } = setup();
    const [a, b, c] = [generate(), generate(), generate()];
    const first = store.trash.softDelete([a.id]);
    const second = store.trash.softDelete([b.id]);
    store.trash.undo(second.batchId);
    const third = store.trash.softDelete([c.id]);
    expect(third.batchId).toBeGreaterThan(second.batchId);
    clock.advance(31 * 24 * 3600 * 1000);
    expect(store.trash.purge(30).generations).toBe(2);
    expect(store.trash.list()).toEqual([]);
    const fourth = store.trash.softDelete([b.id]);
    expect(fourth.batchId).toBeGreaterThan(third.batchId);
    expect(new Set([first.batchId, second.batchId, third.batchId, fourth.batchId]).size).toBe(4);
  });
});
