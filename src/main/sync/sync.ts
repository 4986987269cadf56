/**
 * One history for a whole team (issue 19): Scenario keeps every job and asset of the project for
 * every member, and the library is its offline copy. A sync, in this order:
 *
 * 1. sends the tag changes made here that Scenario has not taken (the queue survives a crash);
 * 2. learns the team's collections;
 * 3. lists `GET /jobs` newest first down to the previous sync's mark, staging every finished job
 *    this library does not hold; the page token is saved with each page, so a crash or a lost
 *    network resumes the listing where it stopped;
 * 4. imports the staged jobs oldest first (ids keep Scenario's order), in short transactions,
 *    each job keyed by its id: metadata first, the outputs' files later (step 7), never twice;
 * 5. brings in tag and collection changes made elsewhere (`GET /assets` by `updatedAfter`);
 * 6. looks for assets deleted at Scenario (a rolling check; also learned at steps 1, 4 and 7):
 *    a generation left with none is marked, an imported one goes to the Trash, files kept;
 * 7. downloads the outputs' thumbnails where Scenario offers them (full files otherwise), then,
 *    when the setting or the caller asks, every full file; the same atomic writes as ours
 *    (images.ts; the rest come on demand).
 *
 * A problem of the network, a 5xx or a 429 waits and tries again (a 429's own pause first) for
 * up to `waitMs`, then stops with everything done so far kept: the next sync goes on from there.
 */
import type { Clock } from '../../shared/clock';
import { systemClock } from '../../shared/clock';
import type { ModelFamily } from '../../shared/preset';
import { asModelFamily } from '../../shared/preset';
import { outputImageRelPath, storeControlImageBytes } from '../library';
import { ScenarioError } from '../scenario';
import type { ScenarioClient, ScenarioJob, TeamAsset } from '../scenario';
import { IMPORTED_PRESET_NAME } from '../store';
import type { ImportedGenerationDraft, ImportedImageRef, Store } from '../store';
import { readImportedParameters } from './parameters';
import { SyncError } from './errors';
import { storeImportedImage, storeImportedThumbnail } from './images';

import type { SyncPhase } from '../../shared/sync-phases';

export type { SyncPhase };

export type SyncImages = 'none' | 'thumbnails' | 'all';

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
  /** Full files of imported images downloaded. */
  imagesDownloaded: number;
  /** Thumbnails Scenario offered, downloaded in place of full files (those come on demand). */
  thumbnailsDownloaded: number;
  /** Generations found this time with every asset deleted at Scenario (by anyone): marked so, their files kept. */
  deletedInScenario: number;
  /** The imported ones among them, moved to the Trash (restorable; their files go only when it is emptied). */
  movedToTrash: number;
  /** Tag changes of ours dropped because their generation's assets were deleted at Scenario. */
  tagChangesDropped: number;
}

export interface SyncOptions {
  store: Store;
  client: ScenarioClient;
  libraryRoot: string;
  /** Rows are labelled "simulated" when the connection is the simulator. */
  simulated: boolean;
  /** The family of a model (the engine's resolver: cache, then GET /models/{id}); 'unknown' when not known. */
  /** The family of a model; the signal stops a lookup under way (a sync that stops must not wait for it). */
  resolveFamily: (modelId: string, signal?: AbortSignal) => Promise<string>;
  /**
   * 'none': metadata only; 'thumbnails': each output's thumbnail where Scenario offers one (its
   * full file otherwise), full files on demand; 'all': thumbnails first, then every full file.
   */
  images: SyncImages;
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
/** Jobs whose outputs are asked for in one request (4 each: get-bulk takes 200 ids). */
const IMPORT_BATCH = 50;
/**
 * How long one write transaction may hold the event loop, which also answers the window's
 * gallery: the import writes slices of about this length and lets the loop turn between them.
 */
const WRITE_SLICE_MS = 4;
const ASSETS_PAGE = 100;
/** get-bulk's limit: assets checked for deletion per request. */
const CHECK_BATCH = 200;
/**
 * Scenario lists what exists, never what was deleted: every sync asks again for up to this many
 * requests' worth of the library's assets (a rolling pass, resumed from where the last stopped).
 */
const DELETION_CHECKS_PER_SYNC = 20;
/** Why a queued tag change is dropped. */
const DROPPED_NOTE = 'Its images were deleted in Scenario, so the tag cannot be put on them there.';
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

const STATE = { listing: 'jobs.listing', jobsMark: 'jobs.mark', assetsMark: 'assets.mark', deletionsCursor: 'deletions.cursor' } as const;

/**
 * Writes `items` in transactions of about WRITE_SLICE_MS each, the event loop turning between them.
 * Each slice is sized from the previous one's CPU time: on a loaded machine the wall clock also
 * counts other processes' turns, and would shrink the slices to single rows (a commit each).
 */
async function writeInSlices<T, R>(items: readonly T[], write: (slice: readonly T[]) => R[]): Promise<R[]> {
  const results: R[] = [];
  let size = 8;
  for (let start = 0; start < items.length; ) {
    const began = process.cpuUsage();
    const slice = items.slice(start, start + size);
    results.push(...write(slice));
    start += slice.length;
    const spent = process.cpuUsage(began);
    const took = Math.max((spent.user + spent.system) / 1000, 0.05);
    size = Math.max(1, Math.min(IMPORT_BATCH, Math.round((slice.length * WRITE_SLICE_MS) / took)));
    if (start < items.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return results;
}

function timeOf(iso: string | undefined, fallback: number): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : fallback;
}

export async function syncTeamHistory(options: SyncOptions): Promise<SyncReport> {
  const { store, client, libraryRoot, signal } = options;
  const clock = options.clock ?? systemClock;
  const waitMs = options.waitMs ?? 10 * 60_000;
  const report: SyncReport = {
    listed: 0,
    imported: 0,
    notReproducible: 0,
    leftStaged: 0,
    tagChangesSent: 0,
    assetsChanged: 0,
    imagesDownloaded: 0,
    thumbnailsDownloaded: 0,
    deletedInScenario: 0,
    movedToTrash: 0,
    tagChangesDropped: 0,
  };
  const files = { store, libraryRoot, appVersion: options.appVersion };
  const progress = (phase: SyncPhase, done: number, total: number | null) => options.onProgress?.({ phase, done, total });
  const families = new Map<string, ModelFamily | undefined>();
  let noControlInput: number | null = null;

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
        family = asModelFamily(await reach(() => options.resolveFamily(modelId, signal)));
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

  // 6. Assets deleted at Scenario by anyone (a rolling pass over the library's).
  await checkDeletions();

  // 7. The outputs' files: thumbnails first, then (by setting or when asked) every full file.
  if (options.images !== 'none') await downloadThumbnails();
  if (options.images === 'all') await downloadImages();
  report.leftStaged = store.sync.stagedCount();
  return report;

  /**
   * Assets Scenario no longer has: a generation left with none is "deleted in Scenario" (its files
   * here stay, its queued tag changes are dropped with a note) and, when imported, goes to the
   * Trash as one batch, where the person restores it or empties it. Returns those generations.
   */
  function noteDeleted(assetIds: readonly string[]): ReadonlySet<number> {
    if (assetIds.length === 0) return new Set();
    const found = store.transaction(() => {
      const deleted = store.sync.assetsDeleted(assetIds, DROPPED_NOTE);
      if (deleted.importedLive.length > 0) store.trash.softDelete(deleted.importedLive);
      return deleted;
    });
    report.deletedInScenario += found.generations.length;
    report.movedToTrash += found.importedLive.length;
    report.tagChangesDropped += found.changesDropped;
    return new Set(found.generations);
  }

  async function sendTagChanges(): Promise<void> {
    const total = store.sync.unsentCount();
    let afterId = 0;
    for (;;) {
      const changes = store.sync.unsentChanges(afterId, 100);
      if (changes.length === 0) return;
      for (const change of changes) {
        afterId = change.id;
        if (store.sync.isDeletedInScenario(change.generationId)) {
          report.tagChangesDropped += store.sync.dropChanges([change.generationId], DROPPED_NOTE);
          continue;
        }
        const state = store.sync.generationState(change.generationId);
        const assetIds = store.sync.assetIdsOf(change.generationId);
        if (assetIds.length === 0 && state !== null && state !== 'done' && state !== 'failed' && state !== 'canceled') continue; // its images are still to come
        const gone: string[] = [];
        for (const assetId of assetIds) {
          try {
            await reach(() => client.putAssetTags(assetId, change.change === 'add' ? { add: [change.tag] } : { delete: [change.tag] }, { signal }));
          } catch (error) {
            // Deleted at Scenario meanwhile: the change goes to the generation's other assets, or nowhere.
            if (!(error instanceof ScenarioError && error.code === 'not-found')) throw error;
            gone.push(assetId);
          }
        }
        if (noteDeleted(gone).has(change.generationId)) continue; // dropped with its note
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
      // get-bulk leaves out the ids Scenario no longer has: a member deleted them since the job was listed.
      const absent: string[] = [];
      for (const [index, job] of jobs.entries()) {
        const stop = options.stopAfterImports !== undefined && report.imported + drafts.length >= options.stopAfterImports;
        if (stop) break;
        const outputIds = job.metadata?.assetIds ?? [];
        const missing = outputIds.filter((assetId) => !assets.has(assetId));
        // A job whose every output was deleted is no longer part of the team's history.
        const draft = missing.length === outputIds.length ? null : await draftOf(job, (batch[index] as { createdAt: number }).createdAt, assets);
        if (draft === null) {
          store.sync.unstage(job.jobId);
          continue;
        }
        drafts.push(draft);
        absent.push(...missing);
      }
      // Each job is imported at most once whatever the slices (its id is checked inside).
      const imported = await writeInSlices(drafts, (slice) => store.sync.importGenerations(slice));
      for (const generation of imported) {
        if (generation === null) continue;
        report.imported += 1;
        if (generation.notReproducible !== null) report.notReproducible += 1;
      }
      noteDeleted(absent);
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
      inputId: inputId ?? (noControlInput ??= store.sync.noControlInput()),
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
    // Read again a little before the mark: two assets can change in the same millisecond, and one
    // changed after the listing in the mark's own millisecond is not "after" it (the seeded
    // simulation lost a member's tag so). Applying a change twice changes nothing.
    const since = new Date(Date.parse(mark) - CLOCK_SKEW_MS).toISOString();
    for (;;) {
      const page = await reach(() => client.listAssets({ sortBy: 'updatedAt', sortDirection: 'asc', updatedAfter: since, pageSize: ASSETS_PAGE, ...(token === undefined ? {} : { paginationToken: token }) }, { signal }));
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

  /** Asks Scenario for the library's assets in rolling passes; those it no longer has were deleted there. */
  async function checkDeletions(): Promise<void> {
    let after = store.sync.state<number>(STATE.deletionsCursor) ?? 0;
    progress('deletions', 0, null);
    for (let request = 0; request < DELETION_CHECKS_PER_SYNC; request++) {
      const images = store.sync.assetsToCheck(after, CHECK_BATCH);
      if (images.length === 0) {
        after = 0; // the pass is complete: the next one starts over
        break;
      }
      const assetIds = images.map((image) => image.assetId);
      const present = new Set((await reach(() => client.getTeamAssets(assetIds, { signal }))).map((asset) => asset.id));
      noteDeleted(assetIds.filter((assetId) => !present.has(assetId)));
      after = (images.at(-1) as { imageId: number }).imageId;
      progress('deletions', report.deletedInScenario, null);
    }
    store.sync.setState(STATE.deletionsCursor, after);
  }

  /**
   * Each imported image without a file or thumbnail here: its thumbnail when Scenario offers one,
   * else its full file. The assets are asked for in bulk: their signed URLs are fresh, and an
   * absent one was deleted at Scenario.
   */
  async function downloadThumbnails(): Promise<void> {
    let afterId = 0;
    for (;;) {
      const images = store.sync.importedWithoutThumbnail(afterId, CHECK_BATCH);
      if (images.length === 0) return;
      afterId = (images.at(-1) as ImportedImageRef).id;
      const assets = new Map((await reach(() => client.getTeamAssets(images.map((image) => image.assetId), { signal }))).map((asset) => [asset.id, asset]));
      noteDeleted(images.filter((image) => !assets.has(image.assetId)).map((image) => image.assetId));
      for (const image of images) {
        const asset = assets.get(image.assetId);
        if (asset === undefined) continue;
        const thumbnail = asset.thumbnail;
        if (thumbnail === undefined) {
          await downloadImage(image, asset.url);
          continue;
        }
        let delivered;
        try {
          delivered = await reach(() => client.downloadThumbnailBytes(image.assetId, thumbnail.url, { signal }));
        } catch (error) {
          if (!(error instanceof ScenarioError && error.code === 'not-found')) throw error;
          // Deleted meanwhile, or no longer offered at thumbnail size: the full file, or a placeholder.
          await downloadImage(image);
          continue;
        }
        await storeImportedThumbnail(files, image, delivered);
        report.thumbnailsDownloaded += 1;
        progress('images', report.thumbnailsDownloaded + report.imagesDownloaded, null);
      }
    }
  }

  /** Every imported image's full file not here yet ('all': the setting says 'always', or `--images all`). */
  async function downloadImages(): Promise<void> {
    let afterId = 0;
    for (;;) {
      const missing = store.sync.missingImportedImages(afterId, 20);
      if (missing.length === 0) return;
      for (const image of missing) {
        afterId = image.id;
        await downloadImage(image);
      }
    }
  }

  /** One image's full file; `url` is its signed URL when just listed. */
  async function downloadImage(image: ImportedImageRef, url?: string): Promise<void> {
    let delivered;
    try {
      delivered = await reach(() => client.downloadAssetBytes(image.assetId, { signal, ...(url === undefined ? {} : { expectedUrl: url }) }));
    } catch (error) {
      if (error instanceof ScenarioError && error.code === 'not-found') {
        noteDeleted([image.assetId]); // deleted at Scenario: stays a placeholder, never asked for again
        return;
      }
      throw error;
    }
    if (!(await storeImportedImage(files, image, delivered))) return;
    report.imagesDownloaded += 1;
    progress('images', report.thumbnailsDownloaded + report.imagesDownloaded, null);
  }
}
