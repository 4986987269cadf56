import sharp from 'sharp';
import path from 'node:path';
import { familyOfModel } from '../../shared/preset/index';
import { sweepStaleParts } from '../library/atomic';
import { createFolderManager, createPipeline, PipelineEmitter } from '../pipeline/index';
import type { FolderManager, Pipeline, PipelineOptions, PipelineStatus } from '../pipeline/index';
import { ScenarioClient } from '../scenario/index';
import type { PollInterval, RetryPolicy, ScenarioModel } from '../scenario/index';
import { startSimulator } from '../simulator/index';
import type { RunningSimulator } from '../simulator/index';
import { openStore } from '../store/index';
import type { Store } from '../store/index';
import { defaultHome, lockHome } from './home';

export type ScenarioConnection = { baseUrl: string; apiKey: string; apiSecret: string } | { simulator: true; latencyMs?: number; faults?: string };

export interface EngineConfig {
  /** Holds history.sqlite and library/. Default: SCENARIO_HOTFOLDER_HOME or the OS app-data folder. */
  home?: string;
  /** null: no credentials (the history can be read, nothing is sent). */
  scenario: ScenarioConnection | null;
  /** Generations in flight at once. Default: the `concurrency` setting, else 2. */
  concurrency?: number;
  now?: () => number;
  /** false opens only the store (history, presets, folders): no pipeline run, no watchers, no lock. Default true. */
  run?: boolean;
  /** false runs the pipeline without watching the stored folders (one-off commands). Default true. */
  watchFolders?: boolean;
  /** Client tuning (tests and benchmarks poll faster). */
  client?: { pollIntervalMs?: PollInterval; retry?: Partial<RetryPolicy>; requestTimeoutMs?: number };
  pipeline?: Pick<PipelineOptions, 'maxInputBytes' | 'reconcileWindowMs' | 'probeBackoff' | 'maxSubmitAttempts'>;
  /** The hot-folder stability fallback. */
  stableMs?: number;
}

export interface Engine {
  readonly home: string;
  readonly libraryRoot: string;
  readonly store: Store;
  readonly client: ScenarioClient | null;
  /** Set when the engine runs its own simulator. */
  readonly simulator: RunningSimulator | null;
  readonly simulated: boolean;
  readonly events: PipelineEmitter;
  readonly pipeline: Pipeline;
  readonly folders: FolderManager;
  /** The family (sd-1_5, sd-xl, flux-dev...) of a model, from the cache or GET /models/{id}; 'unknown' when Scenario does not say. */
  resolveFamily(modelId: string): Promise<string>;
  status(): PipelineStatus;
  /** Graceful: stops the watchers, waits for answers on their way, parks the rest for the next start. */
  close(): Promise<void>;
}

const SIMULATOR_POLL: PollInterval = { min: 100, max: 200 };

/** The composition root: store, library, Scenario client (or an in-process simulator), pipeline and folder watchers. */
export async function createEngine(config: EngineConfig): Promise<Engine> {
  // Every image the engine touches is read once (validation, thumbnail, metadata): sharp's
  // operation cache would only hold decoded pixels that are never asked for again.
  sharp.cache(false);
  const home = path.resolve(config.home ?? defaultHome());
  const run = config.run ?? true;
  const releaseLock = run ? lockHome(home) : () => undefined;
  const libraryRoot = path.join(home, 'library');
  let store: Store | undefined;
  let simulator: RunningSimulator | null = null;
  try {
    store = openStore({ file: path.join(home, 'history.sqlite'), ...(config.now ? { now: config.now } : {}) });
    const openedStore = store;
    let client: ScenarioClient | null = null;
    const scenario = config.scenario;
    if (scenario !== null && 'simulator' in scenario) {
      simulator = await startSimulator({ latencyMs: scenario.latencyMs ?? 1000, ...(scenario.faults ? { faults: scenario.faults } : {}) });
      client = new ScenarioClient({ baseUrl: simulator.baseUrl, apiKey: simulator.apiKey, apiSecret: simulator.apiSecret, pollIntervalMs: SIMULATOR_POLL, ...config.client });
    } else if (scenario !== null) {
      client = new ScenarioClient({ ...scenario, ...config.client });
    }
    const events = new PipelineEmitter();
    const savedConcurrency = store.settings.get('concurrency');
    const pipeline = createPipeline({
      store,
      client,
      libraryRoot,
      simulated: simulator !== null,
      events,
      concurrency: config.concurrency ?? (typeof savedConcurrency === 'number' ? savedConcurrency : 2),
      ...(config.now ? { now: config.now } : {}),
      ...config.pipeline,
    });
    const folders = createFolderManager({ store, pipeline, ...(config.stableMs === undefined ? {} : { stableMs: config.stableMs }) });

    if (run) {
      // This process holds the home's lock: every `.part` file is a leftover of an interrupted write.
      await sweepStaleParts(libraryRoot, { olderThanMs: 0 });
      pipeline.resume();
      if (config.watchFolders ?? true) await folders.sync();
    }

    let closed: Promise<void> | undefined;
    const runningSimulator = simulator;
    return {
      home,
      libraryRoot,
      store,
      client,
      simulator,
      simulated: simulator !== null,
      events,
      pipeline,
      folders,
      async resolveFamily(modelId: string): Promise<string> {
        const cached = openedStore.models.get(modelId)?.model as ScenarioModel | undefined;
        let model = cached;
        if (model === undefined && client !== null) {
          model = await client.getModel(modelId);
          openedStore.models.put(modelId, model);
        }
        return (model?.type === undefined ? undefined : familyOfModel({ type: model.type, name: model.name, modelId })) ?? 'unknown';
      },
      status: () => pipeline.status(),
      close() {
        closed ??= (async () => {
          await folders.close();
          await pipeline.close();
          await runningSimulator?.close();
          openedStore.close();
          releaseLock();
        })();
        return closed;
      },
    };
  } catch (error) {
    await simulator?.close();
    store?.close();
    releaseLock();
    throw error;
  }
}
