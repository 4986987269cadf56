// What the sync's tests share: a library to import into, the options of a sync into it, and a
// store opened for a moment beside the CLI processes.
import path from 'node:path';
import { createEngine, type Engine } from '../../src/main/engine/engine';
import type { RunningSimulator } from '../../src/main/simulator/index';
import { openStore, type Store } from '../../src/main/store/index';
import type { SyncOptions } from '../../src/main/sync';
import { FAST_CLIENT, useSimulatorAndTempDir } from '../pipeline/helpers';

/** Runs `work` on the library in `home`, opened for it alone. */
export function withLibrary<T>(home: string, work: (store: Store) => T): T {
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  try {
    return work(store);
  } finally {
    store.close();
  }
}

/**
 * A simulator and a folder for the file's tests, and libraries in that folder that hold their
 * home (no pipeline runs) for a sync to import into.
 */
export function useSyncRig(prefix: string, images: SyncOptions['images']) {
  const rig = useSimulatorAndTempDir(prefix, { latencyMs: 0 });
  return {
    get sim(): RunningSimulator {
      return rig.sim;
    },
    openLibrary(name: string): Promise<Engine> {
      const { sim } = rig;
      return createEngine({ home: path.join(rig.dir, name), scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, client: FAST_CLIENT, run: false, lock: true });
    },
    optionsFor(engine: Engine, extra: Partial<SyncOptions> = {}): SyncOptions {
      if (engine.client === null) throw new Error('no client');
      return { store: engine.store, client: engine.client, libraryRoot: engine.libraryRoot, simulated: false, resolveFamily: (id) => engine.resolveFamily(id), images, appVersion: 'test', ...extra };
    },
  };
}
