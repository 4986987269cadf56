import sharp from 'sharp';
import path from 'node:path';
import { systemClock } from '../../shared/clock';
import { userMessageOf } from '../../shared/errors';
import { FAMILY_RULES, MODEL_FAMILIES, type FieldIssue, type ModelFamily } from '../../shared/preset/index';
import { sweepStaleParts } from '../library/atomic';
import { startThumbnailBackfill, type ThumbnailBackfill } from '../library/thumbnail-backfill';
import { createImageThumbnailQueue, thumbnailFailureMessage, type ImageThumbnailJob, type ThumbnailQueue } from '../library/thumbnails';
import { createFolderManager, createPipeline, PipelineEmitter } from '../pipeline/index';
import type { FolderManager, Pipeline, PipelineOptions, PipelineStatus } from '../pipeline/index';
import type { ScenarioClient } from '../scenario/index';
import type { RunningSimulator } from '../simulator/index';
import { openStore, RESUMABLE_STATES } from '../store/index';
import type { Store } from '../store/index';
import { FamilyResolution } from './family-resolution';
import { resolveModelFamily } from './model-inputs';
import { openConnection, unfinishedWorkRefusal, type ClientTuning, type LiveConnection, type ScenarioConnection } from './connection';
import { defaultHome, historyFileOf, libraryRootOf, lockHome } from './home';
import { createNoticeLog, type NoticeLog } from './notices';
import { startBackgroundSync } from '../sync/background';
import { syncTeamHistory, type SyncOptions, type SyncReport } from '../sync/sync';
import { createSyncTurns } from '../sync/turns';
import { createFullImageFetcher, fullImagesSetting, syncImagesFor, type FullImageFetcher } from '../sync/images';

/** What a caller chooses of one sync of the team's history; the engine gives the rest (store, connection, library). */
export type TeamSyncRequest = Pick<SyncOptions, 'waitMs' | 'signal' | 'onProgress' | 'onWaiting'> & {
  /** Default: by the setting syncFullImages (thumbnails first, or every full file too). */
  images?: SyncOptions['images'];
};

export type { ScenarioConnection } from './connection';

export interface EngineConfig {
  /** Holds history.sqlite and library/. Default: SCENARIO_HOTFOLDER_HOME or the OS app-data folder. */
  home?: string;
  /** null: no credentials (the history can be read, nothing is sent). The start value: see Engine.switchConnection. */
  scenario: ScenarioConnection | null;
  /** Generations in flight at once. Default: the `concurrency` setting, else 2. */
  concurrency?: number;
  now?: () => number;
  /** false opens only the store (history, presets, folders): no pipeline run, no watchers, no lock. Default true. */
  run?: boolean;
  /**
   * Takes the home's lock even when `run` is false: library maintenance (repair) moves and writes
   * files that a running engine on the same home also writes. `run` always takes it.
   */
  lock?: boolean;
  /** false runs the pipeline without watching the stored folders (one-off commands). Default true. */
  watchFolders?: boolean;
  /** Watch only the stored folders at these absolute paths (the CLI's `watch FOLDER`); default every stored folder. */
  watchOnly?: readonly string[];
  /** Client tuning (tests and benchmarks poll faster). */
  client?: ClientTuning;
  pipeline?: Pick<PipelineOptions, 'maxInputBytes' | 'reconcileWindowMs' | 'probeBackoff' | 'maxSubmitAttempts' | 'recheckMs' | 'clock' | 'sidecarSettleMs'>;
  /** The hot-folder stability fallback. */
  stableMs?: number;
  /**
   * Keep the library in step with the team's Scenario history in the background (src/main/sync),
   * while the pipeline runs and the connection is a real Scenario (never the simulator). The
   * desktop app turns it on; the CLI has `sync`. Default false.
   */
  teamSync?: boolean | { intervalMs: number };
}

export interface Engine {
  readonly home: string;
  readonly libraryRoot: string;
  readonly store: Store;
  /** The current connection's client (null: none); changes with switchConnection. */
  readonly client: ScenarioClient | null;
  /** Set while the engine runs its own simulator. */
  readonly simulator: RunningSimulator | null;
  readonly simulated: boolean;
  /**
   * Changes the connection while the engine runs (a saved key, "use the simulator"). Refused with
   * a ConnectionError ('connection.busy') while any generation is unfinished: its job belongs to
   * the connection it started on. The cached model list is dropped: it was the old connection's.
   */
  switchConnection(next: ScenarioConnection | null): Promise<void>;
  /** Throws the refusal switchConnection(next) would give now, without switching (check before saving a key). */
  checkSwitch(next: ScenarioConnection | null): void;
  readonly events: PipelineEmitter;
  /** Skipped files and warnings, the latest kept from the engine's start (before any window listens). */
  readonly notices: NoticeLog;
  readonly pipeline: Pipeline;
  /**
   * Thumbnails of stored images, made in the background and recorded on their rows: the start-up
   * backfill's and repair's (the pipeline keeps its own queue for new downloads). A thumbnail that
   * fails is a `warning` event.
   */
  readonly thumbnails: ThumbnailQueue<ImageThumbnailJob>;
  readonly folders: FolderManager;
  /** The family (sd-1_5, sd-xl, flux-dev...) of a model, from the cache or GET /models/{id}; 'unknown' when Scenario does not say. */
  resolveFamily(modelId: string, signal?: AbortSignal): Promise<string>;
  /**
   * One sync of the team's history on this engine's store and current connection, in turn with
   * its own background sync (never two at once). Null: there is no connection to sync with.
   */
  syncTeamHistory(request: TeamSyncRequest): Promise<SyncReport> | null;
  /** Imported images' full files on demand (the lightbox, `show --full`); see sync/images.ts. */
  readonly fullImages: FullImageFetcher;
  status(): PipelineStatus;
  /** Graceful: stops the watchers, waits for answers on their way, parks the rest for the next start. */
  close(): Promise<void>;
}

/** Recorded in the parameters embedded in the images of imported generations. */
const APP_VERSION = '0.1.0';

/** How long a start waits for the families of presets saved offline before the queue resumes; the lookup goes on behind. */
const FAMILY_LOOKUP_AT_START_MS = 4000;

/** Resolves when `work` settles or after `ms`, whichever comes first (the work goes on). */
async function settledWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]).finally(() => clearTimeout(timer));
}

/** A preset saved offline, checked once its model's family was known, breaks that family's rules. */
function presetRefusedByFamily(presetName: string, family: string, issues: readonly FieldIssue[]): string {
  const label = (MODEL_FAMILIES as readonly string[]).includes(family) ? FAMILY_RULES[family as ModelFamily].label : family;
  return `Preset "${presetName}" is not valid for its model's family (${label}): ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')} Files for it stay in their folder: fix the preset (\`presets edit\`, or the window's Presets), then drop them again.`;
}

/** The composition root: store, library, Scenario client (or an in-process simulator), pipeline and folder watchers. */
export async function createEngine(config: EngineConfig): Promise<Engine> {
  // Every image the engine touches is read once (validation, thumbnail, metadata): sharp's
  // operation cache would only hold decoded pixels that are never asked for again.
  sharp.cache(false);
  const home = path.resolve(config.home ?? defaultHome());
  const run = config.run ?? true;
  const releaseLock = run || config.lock === true ? lockHome(home) : () => undefined;
  const libraryRoot = libraryRootOf(home);
  let store: Store | undefined;
  let connection: LiveConnection | undefined;
  let backfill: ThumbnailBackfill | undefined;
  let pipeline: Pipeline | undefined;
  let folders: FolderManager | undefined;
  let families: FamilyResolution | undefined;
  try {
    // Only the engine that holds the home is the library's session; a read-only one (presets,
    // settings) may run beside it.
    store = openStore({ file: historyFileOf(home), session: run || config.lock === true, ...(config.now ? { now: config.now } : {}) });
    const openedStore = store;
    connection = await openConnection(config.scenario, config.client);
    const live = connection;
    const events = new PipelineEmitter();
    const notices = createNoticeLog(events, config.now);
    const savedConcurrency = store.settings.get('concurrency');
    pipeline = createPipeline({
      store,
      client: live.follower,
      libraryRoot,
      // A getter: the pipeline reads it for each new row, so rows made after a switch are labelled by the new connection.
      get simulated() {
        return live.simulated;
      },
      events,
      concurrency: config.concurrency ?? (typeof savedConcurrency === 'number' ? savedConcurrency : 2),
      // The store's clock, unless the pipeline is given one of its own (the simulation's).
      ...(config.now ? { clock: { ...systemClock, now: config.now } } : {}),
      ...config.pipeline,
    });
    const { watchOnly } = config;
    // The folder manager watches what its store lists: a view that lists only the chosen folders.
    const watchedStore: Store =
      watchOnly === undefined ? store : { ...store, folders: { ...store.folders, list: () => openedStore.folders.list().filter((folder) => watchOnly.includes(folder.path)) } };
    folders = createFolderManager({ store: watchedStore, pipeline, ...(config.stableMs === undefined ? {} : { stableMs: config.stableMs }) });
    const thumbnails = createImageThumbnailQueue(store, {
      // Beside a running pipeline (its own queue makes two at once) one at a time: a backlog is not urgent.
      ...(run ? { concurrency: 1 } : {}),
      onError: (job, error) => events.emit('warning', { message: thumbnailFailureMessage(job, error) }),
    });

    async function resolveFamily(modelId: string, signal?: AbortSignal): Promise<string> {
      return (await resolveModelFamily(openedStore, live.client, modelId, signal)) ?? 'unknown';
    }
    // Presets saved while their model's family could not be known get it once Scenario answers:
    // at start, after a connection change, and whenever the network or the key stops holding the
    // queue (a pass without such presets asks Scenario nothing; a lookup that fails waits for the next).
    if (run) {
      const resolution = new FamilyResolution({
        store: openedStore,
        resolveFamily: async (modelId, signal) => {
          if (live.client === null) throw new Error('No connection to look the model up with.');
          return resolveFamily(modelId, signal);
        },
        onInvalid: (presetName, family, issues) => events.emit('warning', { message: presetRefusedByFamily(presetName, family, issues) }),
        onFailure: (error) => events.emit('warning', { message: `Could not check the presets saved offline against their model's family (${userMessageOf(error)}); they are checked again when Scenario can next be reached.` }),
      });
      families = resolution;
      // Scenario can be asked again once the queue stops waiting for the network or the key.
      const unreachable = (reason: string | null) => reason === 'network' || reason === 'credentials';
      let heldBy: string | null = null;
      const queueHeld = (reason: string | null) => {
        if (unreachable(heldBy) && !unreachable(reason)) void resolution.run();
        heldBy = reason;
      };
      events.on('queue.paused', ({ waiting }) => queueHeld(waiting.reason));
      events.on('queue.resumed', () => queueHeld(null));
      // Before the queue resumes and the folders are caught up, so a file already waiting is not
      // sent under rules its family refuses; a slow Scenario does not hold the start for long.
      await settledWithin(resolution.run(), FAMILY_LOOKUP_AT_START_MS);
    }
    if (run) {
      // This process holds the home's lock: every `.part` file is a leftover of an interrupted write.
      await sweepStaleParts(libraryRoot, { olderThanMs: 0 });
      // Before the pipeline resumes: the images it adds get their thumbnails from its own queue.
      backfill = startThumbnailBackfill(libraryRoot, store, thumbnails, {
        onError: (error) => events.emit('warning', { message: `Could not look for images without a thumbnail (${userMessageOf(error)}); they are looked for again at the next start.` }),
      });
      pipeline.resume();
      if (config.watchFolders ?? true) await folders.sync();
    }

    const checkSwitch = (next: ScenarioConnection | null) => {
      if (live.isCurrent(next)) return;
      // Another key for the same Scenario is how a refused key is fixed: allowed under held work
      // while the queue waits for exactly that (every job stays reachable with a good key).
      if (live.isKeyChange(next) && pipeline?.waitsForKey() === true) return;
      const unfinished = openedStore.generations.listByStates(RESUMABLE_STATES).map((generation) => generation.state);
      const refusal = unfinishedWorkRefusal(unfinished, live.description);
      if (refusal !== null) throw refusal;
    };

    const openedPipeline = pipeline;
    const openedFolders = folders;
    let closed: Promise<void> | undefined;
    const syncTurns = createSyncTurns();
    const teamSync = run && config.teamSync !== undefined && config.teamSync !== false
      ? startBackgroundSync({
          turns: syncTurns,
          store: openedStore,
          libraryRoot,
          connection: () => ({ client: live.client, simulated: live.simulated }),
          resolveFamily,
          networkHeld: () => openedPipeline.waiting()?.reason === 'network',
          onProgress: (progress) => events.emit('sync.progress', progress),
          onDone: (report, problem) => {
            if (problem !== null) events.emit('warning', { message: `The team's history could not be brought in: ${problem}` });
            else if (report !== null && (report.imported > 0 || report.assetsChanged > 0)) events.emit('sync.done', { imported: report.imported, assetsChanged: report.assetsChanged });
          },
          ...(typeof config.teamSync === 'object' ? { intervalMs: config.teamSync.intervalMs } : {}),
          // The pipeline's clock (a virtual one in the seeded simulation) paces the syncs too.
          ...(config.pipeline?.clock === undefined ? {} : { clock: config.pipeline.clock }),
        })
      : undefined;
    const fullImages = createFullImageFetcher({ store: openedStore, libraryRoot, appVersion: APP_VERSION, client: () => live.client });
    return {
      home,
      libraryRoot,
      store,
      fullImages,
      get client() {
        return live.client;
      },
      get simulator() {
        return live.simulator;
      },
      get simulated() {
        return live.simulated;
      },
      async switchConnection(next) {
        if (await live.switchTo(next, () => checkSwitch(next))) {
          openedStore.models.replaceAll([]);
          openedPipeline.connectionChanged();
          void families?.run();
        }
      },
      checkSwitch,
      events,
      notices,
      pipeline: openedPipeline,
      thumbnails,
      folders: openedFolders,
      resolveFamily,
      syncTeamHistory(request) {
        const client = live.client;
        if (client === null) return null;
        return syncTurns.run(() =>
          syncTeamHistory({ ...request, images: request.images ?? syncImagesFor(fullImagesSetting(openedStore)), store: openedStore, client, libraryRoot, simulated: live.simulated, resolveFamily, appVersion: APP_VERSION }),
        );
      },
      status: () => openedPipeline.status(),
      close() {
        closed ??= (async () => {
          await teamSync?.stop();
          await families?.stop();
          const backfillStopped = backfill?.stop();
          await openedFolders.close();
          await openedPipeline.close();
          // Every thumbnail being made is recorded before the store closes.
          await backfillStopped;
          await thumbnails.onIdle();
          await live.close();
          openedStore.close();
          releaseLock();
        })();
        return closed;
      },
    };
  } catch (error) {
    // A start that failed half way (the catch-up of a folder, the store) leaves nothing running,
    // closed in close()'s order; a failure while cleaning up must not hide the one that stopped it.
    const backfillStopped = backfill?.stop();
    await families?.stop();
    await folders?.close().catch(() => undefined);
    await pipeline?.close().catch(() => undefined);
    await backfillStopped?.catch(() => undefined);
    await connection?.close().catch(() => undefined);
    store?.close();
    releaseLock();
    throw error;
  }
}
