/**
 * One sync at a time per library: the engine's own background sync and the syncs commands ask it
 * for take turns (two at once would share one listing mark and download the same files).
 */
export interface SyncTurns {
  /** Runs `work` once every sync started before it has ended. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

export function createSyncTurns(): SyncTurns {
  let last: Promise<unknown> = Promise.resolve();
  return {
    run(work) {
      const turn = last.then(work, work);
      last = turn.catch(() => undefined);
      return turn;
    },
  };
}
