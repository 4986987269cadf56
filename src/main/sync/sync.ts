/**
 * One history for a whole team (issue 19): Scenario keeps every job and asset of the project for
 * every member, and the library is its offline copy. A sync, in this order:
 *
 * 1. sends the tag changes made here that Scenario has not taken (the queue survives a crash);
 * 2. learns the team's collections;
 * 3. lists `GET /jobs` newest first down to the previous sync's mark, staging every finished job
 *    this library does not hold; the page token is saved with each page, so a crash or a lost
 *    network resumes the listing where it stopped;
 * 4. imports the staged jobs oldest first (ids keep Scenario's order), one transaction per job
 *    keyed by its id: metadata first, the outputs' files later (step 6), never twice;
 * 5. brings in tag and collection changes made elsewhere (`GET /assets` by `updatedAfter`);
 * 6. downloads the outputs' files, when asked, with the same atomic writes and thumbnails as ours.
 *
 * A problem of the network, a 5xx or a 429 waits and tries again (a 429's own pause first) for
 * up to `waitMs`, then stops with everything done so far kept: the next sync goes on from there.
 */
import type { Clock } from '../../shared/clock';
import { systemClock } from '../../shared/clock';
import type { ModelFamily } from '../../shared/preset';
import { asModelFamily } from '../../shared/preset';
import { absoluteLibraryPath, makeThumbnail, outputImageRelPath, storeControlImageBytes, storeOutputImage, thumbnailRelPath } from '../library';
import type { GenerationParameters } from '../library';
import { ScenarioError } from '../scenario';
import type { ScenarioClient, ScenarioJob, TeamAsset } from '../scenario';
import { IMPORTED_PRESET_NAME } from '../store';
import type { ImportedGenerationDraft, Store } from '../store';
import { readImportedParameters } from './parameters';
import { SyncError } from './errors';

export type SyncPhase = 'sending' | 'collections' | 'listing' | 'importing' | 'changes' | 'images';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  /** Null while the total is not known yet (the listing). */
  total: number | null;
}

export interface SyncReport {
  /** Jobs listed this time that this library did not hold. */
  listed: number;
  imported: number;
  /** Imported jobs whose parameters cannot be sent again through this app. */
  notReproducible: number;
  /** Staged jobs left for the next sync (a submission of ours still waits for its answer). */
  leftStaged: number;
  tagChangesSent: number;
  /** Assets whose tags or collections changed elsewhere and were brought in. */
  assetsChanged: number;
  imagesDownloaded: number;
}

export interface SyncOptions {
  store: Store;
  client: ScenarioClient;
  libraryRoot: string;
  /** Rows are labelled "simulated" when the connection is the simulator. */
  simulated: boolean;
  /** The family of a model (the engine's resolver: cache, then GET /models/{id}); 'unknown' when not known. */
  resolveFamily: (modelId: string) => Promise<string>;
  /** 'none': metadata only (images on demand); 'all': every output's file too. */
  images: 'none' | 'all';
  appVersion: string;
  /** How long Scenario may stay unreachable before the sync stops (its work kept). Default 10 minutes. */
  waitMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Scenario cannot be reached (or asks to slow down): the sync waits, then tries again. */
  onWaiting?: (reason: string) => void;
  /** Stop after this many imports (an interrupted sync, for tests and the simulation). */
  stopAfterImports?: number;
}

const JOBS_PAGE = 100;
const IMPORT_BATCH = 50;
const ASSETS_PAGE = 100;
/** A job listed this close to an unanswered submission of ours may be that submission: it waits for the pipeline to claim it. */
const UNSETTLED_MARGIN_MS = 60_000;
/** Changes listed again are harmless; missing one is not: the first `updatedAfter` starts this long before the first sync. */
const CLOCK_SKEW_MS = 60_000;
const TRANSIENT: ReadonlySet<string> = new Set(['network', 'timeout', 'server', 'rate-limited']);

interface Listing {
  token: string | null;
  /** The newest job seen in this pass, and the oldest not finished yet: the next mark. */
  newest: number | null;
  oldestUnfinished: number | null;
  /** The previous pass's mark: jobs older than this are known. */
  stopBefore: number | null;
}

const STATE = { listing: 'jobs.listing', jobsMark: 'jobs.mark', assetsMark: 'assets.mark' } as const;

function timeOf(iso: string | undefined, fallback: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : fallback;
}

export async function syncTeamHistory(options: SyncOptions): Promise<SyncReport> {
  const { store, client, libraryRoot, signal } = options;
  const clock = options.clock ?? systemClock;
  const waitMs = options.waitMs ?? 10 * 60_000;
  const report: SyncReport = { listed: 0, imported: 0, notReproducible: 0, leftStaged: 0, tagChangesSent: 0, assetsChanged: 0, imagesDownloaded: 0 };
  const progress = (phase: SyncPhase, done: number, total: number | null) => options.onProgress?.({ phase, done, total });
  const families = new Map<string, ModelFamily | undefined>();

  /** Runs a request until it answers, waiting through network problems for up to `waitMs`. */
  async function reach<T>(request: () => Promise<T>): Promise<T> {
    let since: number | null = null;
    let pauseMs = 1000;
    for (;;) {
      if (signal?.aborted) throw new SyncError('interrupted', 'The sync was stopped; the next sync goes on from where it stopped.');
      try {
        return await request();
      } catch (error) {
        if (signal?.aborted) throw new SyncError('interrupted', 'The sync was stopped; the next sync goes on from where it stopped.');
        if (!(error instanceof ScenarioError) || !TRANSIENT.has(error.code)) throw error;
        since ??= clock.now();
        const left = since + waitMs - clock.now();
        if (left <= 0) {
          throw new SyncError('unreachable', `${error.userMessage} The sync stopped; what it brought in is kept, and the next sync goes on from where it stopped.`);
        }
        options.onWaiting?.(error.userMessage);
        await clock.sleep(Math.min(left, Math.max(pauseMs, error.retryAfterMs ?? 0)), signal).catch(() => undefined);
        pauseMs = Math.min(pauseMs * 2, 30_000);
      }
    }
  }

  async function familyOf(modelId: string): Promise<ModelFamily | undefined> {
    if (!families.has(modelId)) {
      let family: ModelFamily | undefined;
      try {
        family = asModelFamily(await reach(() => options.resolveFamily(modelId)));
      } catch (error) {
        // A model this key cannot see: the job is still imported, and says it cannot be reproduced.
        if (!(error instanceof ScenarioError && (error.code === 'not-found' || error.code === 'forbidden'))) throw error;
      }
      families.set(modelId, family);
    }
    return families.get(modelId);
  }

  // 1. Our tag changes first: Scenario then holds them when its changes are read back.
  await sendTagChanges();

  // 2. The team's collections (names for the gallery's filter).
  progress('collections', 0, null);
  for (const collection of await reach(() => client.listCollections({ signal }))) store.sync.rememberCollection(collection);

  // 3. List what is new since the last mark.
  const firstSync = store.sync.state<number>(STATE.jobsMark) === null && store.sync.state<Listing>(STATE.listing) === null;
  const startedAt = clock.now();
  await listJobs();

  // 4. Import, oldest first.
  await importStaged();

  // 5. Tags and collections changed elsewhere since the last look.
  if (firstSync && store.sync.state<string>(STATE.assetsMark) === null) {
    // Every asset imported now came with its tags: changes from here on are the next sync's.
    store.sync.setState(STATE.assetsMark, new Date(startedAt - CLOCK_SKEW_MS).toISOString());
  } else {
    await pullAssetChanges();
  }

  // 6. The outputs' files.
  if (options.images === 'all') await downloadImages();
  report.leftStaged = store.sync.stagedCount();
  return report;

  async function sendTagChanges(): Promise<void> {
    const total = store.sync.unsentCount();
    let afterId = 0;
    for (;;) {
      const changes = store.sync.unsentChanges(afterId, 100);
      if (changes.length === 0) return;
      for (const change of changes) {
        afterId = change.id;
        const state = store.sync.generationState(change.generationId);
        const assetIds = store.sync.assetIdsOf(change.generationId);
        if (assetIds.length === 0 && state !== null && state !== 'done' && state !== 'failed' && state !== 'canceled') continue; // its images are still to come
        for (const assetId of assetIds) {
          await reach(() => client.putAssetTags(assetId, change.change === 'add' ? { add: [change.tag] } : { delete: [change.tag] }, { signal }));
        }
        store.sync.markSent([change.id]);
        report.tagChangesSent += 1;
        progress('sending', report.tagChangesSent, total);
      }
    }
  }

  async function listJobs(): Promise<void> {
    let listing: Listing = store.sync.state<Listing>(STATE.listing) ?? { token: null, newest: null, oldestUnfinished: null, stopBefore: store.sync.state<number>(STATE.jobsMark) };
    progress('listing', 0, null);
    for (;;) {
      let page;
      try {
        page = await reach(() => client.listJobs({ pageSize: JOBS_PAGE, ...(listing.token === null ? {} : { paginationToken: listing.token }) }, { signal }));
      } catch (error) {
        // A token Scenario no longer accepts: list again from the top (what is staged or held is skipped).
        if (!(error instanceof ScenarioError && error.code === 'invalid-request' && listing.token !== null)) throw error;
        listing = { ...listing, token: null };
        continue;
      }
      let reachedMark = false;
      const staged = [];
      for (const job of page.jobs) {
        const createdAt = timeOf(job.createdAt, clock.now());
        if (listing.stopBefore !== null && createdAt < listing.stopBefore) {
          reachedMark = true;
          break;
        }
        listing.newest = Math.max(listing.newest ?? createdAt, createdAt);
        if (job.status !== 'success' && job.status !== 'failure' && job.status !== 'canceled') {
          listing.oldestUnfinished = Math.min(listing.oldestUnfinished ?? createdAt, createdAt);
          continue;
        }
        if (job.status !== 'success' || (job.metadata?.assetIds ?? []).length === 0 || typeof (job.metadata as { input?: unknown } | undefined)?.input !== 'object') continue;
        staged.push({ jobId: job.jobId, createdAt, json: JSON.stringify(job) });
      }
      const next = page.nextPaginationToken ?? null;
      const finished = reachedMark || next === null;
      listing = { ...listing, token: finished ? null : next };
      report.listed += store.sync.stagePage(staged, STATE.listing, finished ? null : listing);
      progress('listing', report.listed, null);
      if (finished) {
        // Jobs still running were listed before their end: the next pass looks from the oldest of them.
        const mark = listing.oldestUnfinished === null ? listing.newest : Math.min(listing.oldestUnfinished, listing.newest ?? listing.oldestUnfinished);
        if (mark !== null) store.sync.setState(STATE.jobsMark, mark);
        return;
      }
    }
  }

  async function importStaged(): Promise<void> {
    const total = store.sync.stagedCount();
    progress('importing', 0, total);
    // A job listed this close to a submission of ours still waiting for its answer may be that
    // submission: it stays staged until the pipeline claims it (or not).
    const unsettled = store.sync.unsettledSince();
    const before = unsettled === null ? Number.MAX_SAFE_INTEGER : unsettled - UNSETTLED_MARGIN_MS;
    /** The next batch after `after`, its outputs' assets asked for at once: they arrive while the previous batch is written. */
    const fetchBatch = (after: { createdAt: number; jobId: string } | null) => {
      const staged = store.sync.stagedAfter(after, before, IMPORT_BATCH);
      const jobs = staged.map((entry) => JSON.parse(entry.json) as ScenarioJob);
      const outputIds = jobs.flatMap((job) => job.metadata?.assetIds ?? []);
      const assets = outputIds.length === 0 ? Promise.resolve([]) : reach(() => client.getTeamAssets(outputIds, { signal }));
      // Read when the batch's turn comes; a failure then is that batch's.
      assets.catch(() => undefined);
      return { staged, jobs, assets };
    };
    let next = fetchBatch(null);
    for (;;) {
      const { staged: batch, jobs } = next;
      if (batch.length === 0) break;
      const assets = new Map((await next.assets).map((asset) => [asset.id, asset]));
      const last = batch.at(-1) as { createdAt: number; jobId: string };
      next = fetchBatch({ createdAt: last.createdAt, jobId: last.jobId });
      const drafts: ImportedGenerationDraft[] = [];
      for (const [index, job] of jobs.entries()) {
        const stop = options.stopAfterImports !== undefined && report.imported + drafts.length >= options.stopAfterImports;
        if (stop) break;
        const draft = await draftOf(job, (batch[index] as { createdAt: number }).createdAt, assets);
        if (draft === null) store.sync.unstage(job.jobId);
        else drafts.push(draft);
      }
      // One transaction per batch: each job is still imported at most once (its id is checked inside).
      const imported = store.transaction(() => drafts.map((draft) => store.sync.importGeneration(draft)));
      for (const generation of imported) {
        if (generation === null) continue;
        report.imported += 1;
        if (generation.notReproducible !== null) report.notReproducible += 1;
      }
      progress('importing', report.imported, total);
      if (options.stopAfterImports !== undefined && report.imported >= options.stopAfterImports) {
        throw new SyncError('interrupted', `The sync stopped after ${report.imported} imports, as asked; the next sync goes on from there.`);
      }
    }
    store.sync.linkParents();
  }

  /** What one staged job becomes here; null when a generation here already owns it. */
  async function draftOf(job: ScenarioJob, createdAt: number, assets: ReadonlyMap<string, TeamAsset>): Promise<ImportedGenerationDraft | null> {
    if (store.sync.holdsJob(job.jobId)) return null;
    const input = (job.metadata as { input?: Record<string, unknown> } | undefined)?.input ?? {};
    const family = typeof input.modelId === 'string' ? await familyOf(input.modelId) : undefined;
    const parameters = readImportedParameters(job as { jobType?: string; metadata?: { input?: unknown } }, family);
    let notReproducible = parameters.notReproducible;
    let inputId = parameters.controlAssetId === null ? null : store.sync.remoteInput(parameters.controlAssetId);
    if (inputId === null && parameters.controlAssetId !== null) {
      inputId = await importControlImage(parameters.controlAssetId);
      if (inputId === null) notReproducible ??= `Its control image ${parameters.controlAssetId} is no longer at Scenario.`;
    }
    const outputs = (job.metadata?.assetIds ?? []).map((assetId, idx) => ({ assetId, idx, asset: assets.get(assetId) }));
    const first = outputs.find((output) => output.asset !== undefined)?.asset;
    const jobAuthor = (job as { authorId?: unknown }).authorId;
    return {
      jobId: job.jobId,
      inputId: inputId ?? store.sync.noControlInput(),
      requestJson: parameters.requestJson,
      seed: parameters.seed,
      modelId: parameters.modelId,
      family: family ?? 'unknown',
      modality: parameters.modality,
      prompt: parameters.prompt,
      negativePrompt: parameters.negativePrompt,
      controlAssetId: parameters.controlAssetId,
      origin: notReproducible === null ? parameters.origin : 'web-app-or-plugin',
      authorId: typeof jobAuthor === 'string' ? jobAuthor : (first?.authorId ?? null),
      notReproducible,
      parentAssetId: first?.metadata?.parentId ?? null,
      rootAssetId: first?.metadata?.rootParentId ?? null,
      remoteCreatedAt: createdAt,
      simulated: options.simulated,
      images: (generationId) =>
        outputs.map(({ assetId, idx, asset }) => ({
          assetId,
          idx,
          relPath: outputImageRelPath({ createdAt: new Date(createdAt), presetName: IMPORTED_PRESET_NAME, generationId, index: idx }),
          width: asset?.properties?.width ?? null,
          height: asset?.properties?.height ?? null,
          tags: asset?.tags ?? [],
          collectionIds: asset?.collectionIds ?? [],
        })),
    };
  }

  /** The control map of an imported job, copied into the library once per asset; null when Scenario no longer has it. */
  async function importControlImage(assetId: string): Promise<number | null> {
    let bytes: Buffer;
    try {
      bytes = Buffer.from((await reach(() => client.downloadAssetBytes(assetId, { signal }))).data);
    } catch (error) {
      if (error instanceof ScenarioError && error.code === 'not-found') return null;
      throw error;
    }
    const stored = await storeControlImageBytes(libraryRoot, bytes, `The control image ${assetId} from Scenario`);
    const { input } = store.inputs.upsertBySha256({
      sha256: stored.sha256,
      originalPath: `scenario:${assetId}`,
      fileName: `${assetId}.${stored.format === 'jpeg' ? 'jpg' : stored.format}`,
      libraryRelPath: stored.relPath,
      bytes: stored.bytes,
      width: stored.width,
      height: stored.height,
      format: stored.format,
    });
    store.sync.rememberRemoteInput(assetId, input.id);
    return input.id;
  }

  async function pullAssetChanges(): Promise<void> {
    const mark = store.sync.state<string>(STATE.assetsMark) ?? new Date(0).toISOString();
    progress('changes', 0, null);
    let token: string | undefined;
    let newest = mark;
    for (;;) {
      const page = await reach(() => client.listAssets({ sortBy: 'updatedAt', sortDirection: 'asc', updatedAfter: mark, pageSize: ASSETS_PAGE, ...(token === undefined ? {} : { paginationToken: token }) }, { signal }));
      for (const asset of page.assets) {
        const updatedAt = timeOf(asset.updatedAt, clock.now());
        if (store.sync.applyRemoteAsset({ assetId: asset.id, tags: asset.tags, collectionIds: asset.collectionIds, updatedAt, authorId: asset.authorId ?? null })) report.assetsChanged += 1;
        if (asset.updatedAt !== undefined && Date.parse(asset.updatedAt) > Date.parse(newest)) newest = asset.updatedAt;
      }
      progress('changes', report.assetsChanged, null);
      token = page.nextPaginationToken || undefined;
      // The mark moves only once the whole listing was read: a crash reads it again (applying is idempotent).
      if (token === undefined) {
        store.sync.setState(STATE.assetsMark, newest);
        return;
      }
    }
  }

  async function downloadImages(): Promise<void> {
    let afterId = 0;
    for (;;) {
      const missing = store.sync.missingImportedImages(afterId, 20);
      if (missing.length === 0) return;
      for (const image of missing) {
        afterId = image.id;
        const generation = store.generations.get(image.generationId);
        if (generation === null) continue;
        let delivered;
        try {
          delivered = await reach(() => client.downloadAssetBytes(image.assetId, { signal }));
        } catch (error) {
          if (error instanceof ScenarioError && error.code === 'not-found') continue; // deleted at Scenario: stays a placeholder
          throw error;
        }
        const parameters: GenerationParameters = {
          schemaVersion: 1,
          request: JSON.parse(generation.requestJson) as Record<string, unknown>,
          seed: generation.seed,
          modelId: generation.modelId,
          preset: { name: IMPORTED_PRESET_NAME, version: 1 },
          generationId: generation.id,
          imageIndex: image.idx,
          jobId: generation.jobId,
          assetId: image.assetId,
          appVersion: options.appVersion,
        };
        const stored = await storeOutputImage(libraryRoot, delivered.data, { createdAt: new Date(generation.remoteCreatedAt ?? generation.createdAt), presetName: IMPORTED_PRESET_NAME, generationId: generation.id, index: image.idx }, parameters);
        store.sync.imageStored(image.id, { relPath: stored.relPath, bytes: stored.bytes, sha256: delivered.sha256, width: stored.width, height: stored.height });
        const thumbRelPath = thumbnailRelPath(stored.relPath);
        await makeThumbnail(absoluteLibraryPath(libraryRoot, stored.relPath), absoluteLibraryPath(libraryRoot, thumbRelPath), delivered.data);
        store.images.setThumbnail(image.id, thumbRelPath);
        report.imagesDownloaded += 1;
        progress('images', report.imagesDownloaded, null);
      }
    }
  }
}
