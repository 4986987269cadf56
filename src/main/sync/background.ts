/**
 * The app keeps its library in step with the team by itself: a sync at start and then every
 * `intervalMs`, on real connections only (the simulator's team is a test rig). It waits while the
 * pipeline holds the queue for the network (the same fact its jobs wait on), reports its progress
 * for the window's progress line, and stops with the engine.
 */
import type { Clock } from '../../shared/clock';
import { systemClock } from '../../shared/clock';
import type { ScenarioClient } from '../scenario';
import type { Store } from '../store';
import { fullImagesSetting, syncImagesFor } from './images';
import { syncTeamHistory, type SyncProgress, type SyncReport } from './sync';
import type { SyncTurns } from './turns';

export interface BackgroundSyncOptions {
  store: Store;
  libraryRoot: string;
  /** The current connection's client; null (or simulated) means nothing to sync with now. */
  connection: () => { client: ScenarioClient | null; simulated: boolean };
  resolveFamily: (modelId: string, signal?: AbortSignal) => Promise<string>;
  /** True while the queue waits for the network: the sync waits too. */
  networkHeld: () => boolean;
  onProgress: (progress: SyncProgress | null) => void;
  /** A sync ended: the gallery reloads (null when nothing changed), or it stopped (its message). */
  onDone: (report: SyncReport | null, problem: string | null) => void;
  intervalMs?: number;
  clock?: Clock;
  /** Shared with the syncs commands ask the engine for: one at a time. */
  turns?: SyncTurns;
}

const DEFAULT_INTERVAL_MS = 15 * 60_000;
const NETWORK_RECHECK_MS = 30_000;

export function startBackgroundSync(options: BackgroundSyncOptions): { stop: () => Promise<void> } {
  const clock = options.clock ?? systemClock;
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      const { client, simulated } = options.connection();
      if (client !== null && !simulated && !options.networkHeld()) {
        try {
          const sync = () => syncTeamHistory({
            store: options.store,
            client,
            libraryRoot: options.libraryRoot,
            simulated,
            resolveFamily: options.resolveFamily,
            // Thumbnails first; the full files come on demand, or with them when the setting says 'always'.
            images: syncImagesFor(fullImagesSetting(options.store)),
            appVersion: '0.1.0',
            waitMs: 0,
            signal: stopped.signal,
            clock,
            onProgress: (progress) => options.onProgress(progress),
          });
          const report = await (options.turns === undefined ? sync() : options.turns.run(sync));
          options.onDone(report, null);
        } catch (error) {
          if (stopped.signal.aborted) break;
          options.onDone(null, error instanceof Error && 'userMessage' in error ? String(error.userMessage) : String(error));
        } finally {
          options.onProgress(null);
        }
      }
      const pause = options.networkHeld() ? NETWORK_RECHECK_MS : (options.intervalMs ?? DEFAULT_INTERVAL_MS);
      await clock.sleep(pause, stopped.signal).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}
