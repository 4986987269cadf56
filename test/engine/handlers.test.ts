/**
 * Every channel of the contract, through the real dispatcher, on a real engine (temp home, SQLite,
 * library folder) talking to the in-process simulator. The tests build on each other in order: a
 * preset, files generated with it, runs reproduced and varied, organised, exported and trashed.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, contract, type GenerationDetail } from '../../src/shared/ipc/contract';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const PRESET = {
  name: 'Clay houses',
  modelId: 'model_sd15-realistic',
  prompt: 'a house made of clay',
  modality: 'canny',
  width: 512,
  height: 512,
  numSamples: 1,
};

describe('contract handlers on a real engine', () => {
  let t: EngineUnderTest;
  let dropFolder: string;
  let presetId: string;
  let firstId: string;

  beforeAll(async () => {
    t = await startEngine();
    dropFolder = mkdtempSync(path.join(os.tmpdir(), 'engine-drop-'));
  });

  afterAll(async () => {
    await t?.close();
    if (dropFolder) rmSync(dropFolder, { recursive: true, force: true });
  });

  async function detail(id: string): Promise<GenerationDetail> {
    return t.call('generations.detail', { id });
  }

  async function whenDone(id: string): Promise<GenerationDetail> {
    return eventually(`generation ${id} done`, async () => {
      const current = await detail(id);
      if (current.state === 'failed') throw new Error(`generation ${id} failed: ${current.error?.userMessage}`);
      return current.state === 'done' ? current : undefined;
    });
  }

  /** The decoded pixels of each image: the files themselves differ by the generation id embedded in them. */
  async function pixelHashes(generation: GenerationDetail): Promise<string[]> {
    return Promise.all(
      generation.images.map(async (image) => sha256(await sharp(path.join(t.engine.libraryRoot, image.relPath)).raw().toBuffer())),
    );
  }

  it('answers app, settings and credential channels', async () => {
    const info = await t.call('app.info');
    expect(info).toMatchObject({ usingSimulator: true, dataFolder: t.home, nativeFolderPicker: true });
    // The host's picker answers through the contract (this test's host picks the home folder).
    expect(await t.call('app.pickFolder')).toEqual({ path: t.home });

    expect(await t.call('settings.get')).toMatchObject({ concurrency: 2, dailyBudget: null, libraryLocation: t.engine.libraryRoot });
    const updated = await t.call('settings.update', { concurrency: 3, monthlyBudget: 1000, defaultProcessedAction: 'leave' });
    expect(updated).toMatchObject({ concurrency: 3, monthlyBudget: 1000 });
    expect((await t.call('settings.get')).concurrency).toBe(3);
    expect(await t.failure('settings.update', { libraryLocation: '/elsewhere' })).toMatchObject({ code: 'settings.library-location' });
    await t.call('settings.update', { monthlyBudget: null });

    expect(await t.call('credentials.status')).toMatchObject({ stored: false, apiKeyHint: null });
    const refused = await t.failure('credentials.save', { apiKey: 'key-1234', apiSecret: 'very-secret-value' });
    expect(refused.code).toBe('credentials.env-only');
    expect(refused.userMessage).toContain('SCENARIO_API_KEY');
    expect(JSON.stringify(refused)).not.toContain('very-secret-value');
    expect((await t.failure('credentials.clear')).code).toBe('credentials.env-only');
    t.called.add('credentials.save').add('credentials.clear');

    const connection = await t.call('credentials.testConnection');
    expect(connection.ok).toBe(true);
    expect(connection.latencyMs).not.toBeNull();

    // Already on the simulator; Scenario needs a key, and the environment gives none here.
    await t.call('app.useSimulator', { simulator: true });
    expect((await t.failure('app.useSimulator', { simulator: false })).code).toBe('connection.no-credentials');
    expect(t.engine.simulated).toBe(true);
  });

  it('lists ControlNet models from the simulator with their family', async () => {
    const list = await t.call('models.list', { refresh: true });
    expect(list.fromCache).toBe(false);
    const ids = list.models.map((model) => model.id);
    expect(ids).toContain('model_sd15-realistic');
    expect(ids).not.toContain('model_gpt-image');
    expect(list.models.find((model) => model.id === 'model_sdxl-base')?.family).toBe('sd-xl');
  });

  it('explains a bad preset by field and refuses to save it', async () => {
    const bad = { ...PRESET, modelId: 'model_sdxl-base', width: 100, guidance: 50 };
    const { issues } = await t.call('presets.validate', { preset: bad });
    const fields = issues.map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['width', 'guidance']));
    // SDXL's own size rule, known only from the model's family.
    expect(issues.find((issue) => issue.field === 'width')?.message).toMatch(/SDXL|512/);
    expect((await t.call('presets.validate', { preset: PRESET })).issues).toEqual([]);

    const refused = await t.failure('presets.create', { preset: { ...PRESET, modelId: 'model_sdxl-base', width: 256 } });
    expect(refused.code).toBe('preset.invalid');
    expect(refused.userMessage).toContain('width');
  });

  it('creates, versions, duplicates, prices, exports, imports and deletes presets', async () => {
    const created = await t.call('presets.create', { preset: PRESET });
    presetId = created.id;
    expect(created).toMatchObject({ version: 1, preset: { name: PRESET.name, modality: 'canny' } });

    const updated = await t.call('presets.update', { id: presetId, preset: { ...PRESET, prompt: 'a cottage made of clay' } });
    expect(updated.version).toBe(2);
    expect(updated.versions.map((version) => version.version)).toEqual([2, 1]);
    expect((await t.call('presets.get', { id: presetId })).preset.prompt).toBe('a cottage made of clay');
    expect((await t.call('presets.version', { id: presetId, version: 1 })).preset.prompt).toBe(PRESET.prompt);
    // Restoring never rewrites a version: the old values come back as version 3, then 2's as version 4.
    expect(await t.call('presets.restoreVersion', { id: presetId, version: 1 })).toMatchObject({ version: 3, preset: { prompt: PRESET.prompt } });
    expect(await t.call('presets.restoreVersion', { id: presetId, version: 2 })).toMatchObject({ version: 4, preset: { prompt: 'a cottage made of clay' } });

    const copy = await t.call('presets.duplicate', { id: presetId });
    expect(copy.preset.name).toBe(`${PRESET.name} (copy)`);
    const summaries = await t.call('presets.list');
    expect(summaries.map((summary) => summary.name).sort()).toEqual([PRESET.name, `${PRESET.name} (copy)`]);
    expect(summaries.find((summary) => summary.id === presetId)).toMatchObject({ family: 'sd-1_5', version: 4 });

    const cost = await t.call('presets.dryRunCost', { preset: updated.preset });
    expect(cost.creativeUnitsCost).toBeGreaterThan(0);
    const dryRuns = t.engine.simulator?.generateLog.filter((entry) => entry.dryRun).length;
    // The same version again is answered from the price kept in the store.
    expect(await t.call('presets.dryRunCost', { preset: updated.preset })).toMatchObject({ creativeUnitsCost: cost.creativeUnitsCost });
    expect(t.engine.simulator?.generateLog.filter((entry) => entry.dryRun).length).toBe(dryRuns);

    const exported = await t.call('presets.export', { id: copy.id });
    expect(exported.fileName).toBe('clay-houses-copy.preset.json');
    await t.call('presets.delete', { id: copy.id });
    expect((await t.call('presets.list')).map((summary) => summary.id)).toEqual([presetId]);
    const imported = await t.call('presets.import', { json: exported.json });
    expect(imported.preset.name).toBe(`${PRESET.name} (copy)`);
    expect(imported.id).not.toBe(copy.id);
    await t.call('presets.delete', { id: imported.id });
    expect((await t.failure('presets.import', { json: '{"presets": [{"name": "x", "family": "sd-1_5", "preset": {"name": "x"}}]}' })).code).toBe('preset.invalid-import');
  });

  it('watches, edits, pauses and removes folders', async () => {
    const added = await t.call('folders.add', { path: dropFolder, presetIds: [presetId], options: { extensions: ['PNG', 'jpg'] } });
    expect(added).toMatchObject({ state: 'watching', presetIds: [presetId], options: { extensions: ['png', 'jpg'], processedAction: 'leave' } });
    expect(t.engine.folders.watching()).toContain(Number(added.id));

    const updated = await t.call('folders.update', { id: added.id, options: { recursive: true } });
    expect(updated.options.recursive).toBe(true);
    expect((await t.call('folders.pause', { id: added.id })).state).toBe('paused');
    expect(t.engine.folders.watching()).not.toContain(Number(added.id));
    expect((await t.call('folders.resume', { id: added.id })).state).toBe('watching');
    expect((await t.call('folders.list')).map((folder) => folder.path)).toEqual([dropFolder]);
    expect((await t.call('presets.get', { id: presetId })).folders).toEqual([{ id: added.id, path: dropFolder }]);

    await t.call('folders.remove', { id: added.id });
    expect(await t.call('folders.list')).toEqual([]);
    expect(t.engine.folders.watching()).toEqual([]);
    expect((await t.failure('folders.add', { path: path.join(dropFolder, 'nope'), presetIds: [presetId] })).code).toBe('folder.not-found');
  });

  it('generates dropped files to done and shows them in the gallery', async () => {
    const missing = path.join(dropFolder, 'not-there.png');
    const result = await t.call('generations.generateFromFiles', { paths: [path.join(CONTROL_IMAGES, 'canny-house-768x512.png'), missing], presetId });
    expect(result.generationIds).toHaveLength(1);
    expect(result.skipped).toEqual([{ path: missing, reason: expect.stringContaining('not-there.png') }]);
    firstId = result.generationIds[0] as string;

    const done = await whenDone(firstId);
    expect(done).toMatchObject({ kind: 'manual', presetId, simulated: true, imageCount: 1, presetVersion: 4 });
    expect(done.request).toMatchObject({ modelId: PRESET.modelId, seed: done.seed, width: 512 });
    expect(existsSync(path.join(t.engine.libraryRoot, done.images[0]?.relPath ?? 'none'))).toBe(true);

    const page = await t.call('generations.page', { limit: 10 });
    expect(page.items.map((item) => item.id)).toContain(firstId);
    expect(page.items.find((item) => item.id === firstId)?.cover?.relPath).toBe(done.images[0]?.relPath);
    const facets = await t.call('generations.facets', { filters: { presetId } });
    expect(facets.presets).toEqual([{ value: presetId, label: PRESET.name, count: 1 }]);

    // The window heard about it: the summary, and queue changes at no more than ten a second.
    await eventually('generation.done event', () => t.events.find((event) => event.name === 'generation.done') ?? undefined);
    for (const event of t.events) expect(contract.events[event.name].payload.safeParse(event.payload).success).toBe(true);
    expect(t.events.some((event) => event.name === 'library.changed')).toBe(true);
  });

  it('reproduces a run byte for byte and varies it with another seed', async () => {
    const original = await detail(firstId);
    const { generationId: reproducedId } = await t.call('generations.reproduce', { id: firstId });
    const { generationId: variedId } = await t.call('generations.vary', { id: firstId });
    const { generationId: seededId } = await t.call('generations.vary', { id: firstId, seed: '12345' });
    const [reproduced, varied, seeded] = await Promise.all([whenDone(reproducedId), whenDone(variedId), whenDone(seededId)]);

    expect(reproduced).toMatchObject({ kind: 'reproduction', seed: original.seed, parent: { id: firstId } });
    // The very same body, control image asset included (it is uploaded once per content hash).
    expect(t.engine.store.generations.get(Number(reproducedId))?.requestJson).toBe(t.engine.store.generations.get(Number(firstId))?.requestJson);
    // Scenario (the deterministic simulator) delivered byte-identical images; our files differ only by the parameters chunk naming each generation.
    const deliveredHashes = (id: string) => t.engine.store.images.listForGeneration(Number(id)).map((image) => image.sha256);
    expect(deliveredHashes(reproducedId)).toEqual(deliveredHashes(firstId));
    expect(deliveredHashes(variedId)).not.toEqual(deliveredHashes(firstId));
    const controlSent = (jobId: string | null) => t.engine.simulator?.generateLog.find((entry) => entry.jobId === jobId)?.controlImageSha256;
    expect(controlSent(original.jobId)).toBeDefined();
    expect(controlSent(reproduced.jobId)).toBe(controlSent(original.jobId));
    expect(await pixelHashes(reproduced)).toEqual(await pixelHashes(original));
    expect(varied.kind).toBe('variation');
    expect(varied.seed).not.toBe(original.seed);
    expect(await pixelHashes(varied)).not.toEqual(await pixelHashes(original));
    expect(seeded).toMatchObject({ kind: 'variation', seed: '12345', request: { seed: '12345' } });
    expect((await detail(firstId)).children.map((child) => child.id)).toEqual([reproducedId, variedId, seededId]);
  });

  it('organises generations and recalls a PNG', async () => {
    await t.call('generations.setFavourite', { id: firstId, favourite: true });
    await t.call('generations.setRating', { id: firstId, rating: 4 });
    await t.call('generations.tag', { ids: [firstId], tag: 'keeper' });
    const favourites = await t.call('generations.page', { limit: 10, filters: { favourite: true, minRating: 4, tag: 'keeper' } });
    expect(favourites.items.map((item) => item.id)).toEqual([firstId]);
    await t.call('generations.untag', { ids: [firstId], tag: 'keeper' });
    expect((await detail(firstId)).tags).toEqual([]);

    const image = path.join(t.engine.libraryRoot, (await detail(firstId)).images[0]?.relPath ?? 'none');
    const fromPath = await t.call('generations.recallFromPng', { path: image });
    expect(fromPath.generationId).toBe(firstId);
    expect(fromPath.parameters).toMatchObject({ modelId: PRESET.modelId });
    const fromBytes = await t.call('generations.recallFromPng', { bytesBase64: (await readFile(image)).toString('base64') });
    expect(fromBytes.generationId).toBe(firstId);
    // A PNG that names this generation but is not one of its images is not claimed.
    const other = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    expect(await t.call('generations.recallFromPng', { bytesBase64: other.toString('base64') })).toEqual({ parameters: null, generationId: null });
  });

  it('exports a zip and opens library files through the shell', async () => {
    const byIds = await t.call('generations.export', { ids: [firstId] });
    expect(byIds.count).toBe(1);
    expect(path.dirname(byIds.zipPath)).toBe(path.join(t.home, 'exports'));
    expect(readFileSync(byIds.zipPath).subarray(0, 2).toString('latin1')).toBe('PK');
    const byFilter = await t.call('generations.export', { filters: { presetId } });
    expect(byFilter.count).toBe(4);

    const relPath = (await detail(firstId)).images[0]?.relPath ?? 'none';
    await t.call('library.openFile', { relPath });
    await t.call('library.revealFile', { relPath });
    await t.call('library.startDrag', { relPath });
    expect(t.shellRequests).toEqual([relPath, relPath, relPath].map((file) => path.join(t.engine.libraryRoot, file)));
    expect((await t.failure('library.openFile', { relPath: '../history.sqlite' })).code).toBe('outside-library');
    expect((await t.failure('library.startDrag', { relPath: '../history.sqlite' })).code).toBe('outside-library');
  });

  it('trashes generations with their files and undoes it', async () => {
    const relPath = (await detail(firstId)).images[0]?.relPath ?? 'none';
    const trashed = await t.call('generations.trash', { ids: [firstId] });
    expect(trashed.count).toBe(1);
    expect(existsSync(path.join(t.engine.libraryRoot, relPath))).toBe(false);
    expect((await t.call('generations.page', { limit: 10 })).items.map((item) => item.id)).not.toContain(firstId);
    expect((await t.call('generations.page', { limit: 10, filters: { trashed: true } })).items.map((item) => item.id)).toEqual([firstId]);

    expect(await t.call('generations.undoTrash', { batchId: trashed.batchId })).toEqual({ restored: 1 });
    expect(existsSync(path.join(t.engine.libraryRoot, relPath))).toBe(true);
    expect((await t.call('generations.page', { limit: 10 })).items.map((item) => item.id)).toContain(firstId);

    const [image] = (await detail(firstId)).images;
    if (image === undefined) throw new Error('the restored generation has no image');
    const imageBatch = await t.call('images.trash', { imageIds: [image.id] });
    expect(imageBatch.count).toBe(1);
    expect(existsSync(path.join(t.engine.libraryRoot, image.relPath))).toBe(false);
    // The trash view lists the batch; emptying it of batches older than the retention keeps it.
    const { batches } = await t.call('trash.list');
    expect(batches).toEqual([expect.objectContaining({ id: imageBatch.batchId, generations: 1, images: 1 })]);
    expect(await t.call('trash.setRetention', { days: 7 })).toEqual({ retentionDays: 7 });
    expect(await t.call('trash.empty', {})).toEqual({ generations: 0, images: 0 });
    expect(await t.call('generations.undoTrash', { batchId: imageBatch.batchId })).toMatchObject({ restored: 1 });
    expect((await detail(firstId)).images.map((restored) => restored.relPath)).toEqual([image.relPath]);
  });

  it('pauses, cancels, retries and reports the queue', async () => {
    await t.call('queue.pauseAll');
    const paused = await t.call('queue.status');
    expect(paused).toMatchObject({ paused: true, waiting: { reason: 'paused' } });
    const { generationIds } = await t.call('generations.generateFromFiles', { paths: [path.join(CONTROL_IMAGES, 'depth-sphere-512.png')], presetId });
    const id = generationIds[0] as string;
    expect((await t.call('queue.status')).counts.waiting).toBeGreaterThanOrEqual(1);

    await t.call('queue.cancel', { generationId: id });
    expect((await detail(id)).state).toBe('canceled');
    await t.call('queue.resumeAll');
    await t.call('queue.retry', { generationId: id });
    await whenDone(id);
    const status = await t.call('queue.status');
    expect(status).toMatchObject({ paused: false, waiting: null, counts: { active: 0 } });
    expect(status.counts.doneToday).toBeGreaterThanOrEqual(5);
    expect(t.events.some((event) => event.name === 'queue.paused')).toBe(true);
    expect(t.events.some((event) => event.name === 'queue.resumed')).toBe(true);
    // Many state changes happened by now; the window heard of them at most ten times a second.
    // Gaps are taken where the events arrive, so a loaded machine's delivery jitter shortens one
    // (by 34 ms under a load of 37); an unthrottled forwarder would show gaps of 0-2 ms.
    const gaps = t.queueChangedAt.slice(1).map((at, index) => at - (t.queueChangedAt[index] as number));
    expect(gaps.length).toBeGreaterThan(3);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
  });

  it('serves the model list from the cache while Scenario cannot be reached', async () => {
    const simulator = t.engine.simulator;
    if (simulator === null) throw new Error('the engine runs no simulator');
    const online = await t.call('models.list', { refresh: true });
    await simulator.suspend();
    try {
      const offline = await t.call('models.list', { refresh: true });
      expect(offline.fromCache).toBe(true);
      expect(offline.models).toEqual(online.models);
      expect(offline.fetchedAt).toBe(online.fetchedAt);
      expect((await t.call('credentials.testConnection')).ok).toBe(false);
    } finally {
      await simulator.resume();
    }
  });

  it('tells the window of a file a watched folder did not take, not of one a person was answered about', async () => {
    const inbox = mkdtempSync(path.join(os.tmpdir(), 'engine-inbox-'));
    try {
      const folder = await t.call('folders.add', { path: inbox, presetIds: [presetId] });
      // The same bytes as the first generation: the folder does not allow duplicates.
      const again = path.join(inbox, 'house again.png');
      copyFileSync(path.join(CONTROL_IMAGES, 'canny-house-768x512.png'), again);
      const notice = await eventually('engine.notice event', () =>
        t.events.flatMap((event) => (event.name === 'engine.notice' && event.payload.path === again ? [event.payload] : []))[0],
      );
      expect(notice).toMatchObject({ kind: 'skipped', reason: 'duplicate', message: expect.stringContaining('house again.png') });
      const listed = await t.call('queue.notices');
      expect(listed).toContainEqual(notice);
      // The dropped file that was missing earlier was answered in generateFromFiles' reply: no notice.
      expect(listed.filter((notice) => notice.path?.endsWith('not-there.png'))).toEqual([]);
      await t.call('queue.clearNotices', { throughId: notice.id });
      expect((await t.call('queue.notices')).filter((kept) => kept.id <= notice.id)).toEqual([]);
      await t.call('folders.remove', { id: folder.id });
    } finally {
      rmSync(inbox, { recursive: true, force: true });
    }
  });

  it('syncs the team history on the engine, tells its waits and stops on request', async () => {
    const simulator = t.engine.simulator;
    if (simulator === null) throw new Error('the engine runs no simulator');
    const made = await simulator.seedTeamHistory({ jobs: 3, samplesPerJob: 1 });
    const report = await t.call('sync.run', { images: 'none', waitMs: 0 });
    expect(report).toMatchObject({ imported: 3, imagesDownloaded: 0 });
    expect(t.events.some((event) => event.name === 'sync.progress' && event.payload?.phase === 'importing')).toBe(true);
    expect(t.events.some((event) => event.name === 'library.changed' && event.payload.generationIds === null)).toBe(true);
    const imported = t.engine.store.galleryPage({ limit: 50, filters: { imported: true } }).items.map((item) => t.engine.store.generations.get(item.id)?.jobId);
    expect(new Set(imported)).toEqual(new Set(made.jobIds));
    // By the setting (on demand): thumbnails now, a full image when the window opens it.
    expect(await t.call('sync.run', { waitMs: 0 })).toMatchObject({ imported: 0, thumbnailsDownloaded: 3, imagesDownloaded: 0 });
    const [cover] = (await t.call('generations.detail', { id: String(t.engine.store.galleryPage({ limit: 1, filters: { imported: true } }).items[0]?.id) })).images;
    expect(cover).toMatchObject({ missing: true, thumbnailOnly: true });
    expect(await t.call('images.fetchFull', { imageId: cover!.id })).toMatchObject({ id: cover!.id, missing: false, thumbnailOnly: false });
    expect((await t.failure('images.fetchFull', { imageId: '999999' })).code).toBe('image.not-found');

    await simulator.suspend();
    try {
      const stopped = t.failure('sync.run', { images: 'none', waitMs: 60_000 });
      await eventually('the sync waits for Scenario', async () => (t.events.some((event) => event.name === 'sync.waiting') ? true : undefined));
      await t.call('sync.stop');
      expect(await stopped).toMatchObject({ code: 'interrupted' });
    } finally {
      await simulator.resume();
    }
  });

  it('called every channel of the contract', () => {
    expect(channelNames.filter((channel) => !t.called.has(channel))).toEqual([]);
  });
});
