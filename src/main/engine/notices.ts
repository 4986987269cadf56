/**
 * The engine's recent notices: files from watched folders it did not take, and warnings. The CLI prints
 * these as they come; a window may open later than they happen (the catch-up scan at start runs
 * before any window listens), so the engine keeps the latest ones for `queue.notices` and hands
 * each new one to the windows as `engine.notice`.
 */
import type { EngineNotice } from '../../shared/ipc/contract';
import type { PipelineEmitter } from '../pipeline/index';

/** Enough for a burst of skipped files to be read back; older ones stay in the CLI's log only. */
export const NOTICES_KEPT = 200;

export interface NoticeLog {
  /** Oldest first. */
  list(): EngineNotice[];
  /** Forgets the notices up to and including `throughId` (ids keep growing). */
  clear(throughId: number): void;
  /** Calls `listener` with each new notice; returns the function that stops it. */
  onNotice(listener: (notice: EngineNotice) => void): () => void;
}

export function createNoticeLog(events: PipelineEmitter, now: () => number = Date.now): NoticeLog {
  const kept: EngineNotice[] = [];
  const listeners = new Set<(notice: EngineNotice) => void>();
  let lastId = 0;

  const add = (notice: Omit<EngineNotice, 'id' | 'at'>) => {
    const full: EngineNotice = { ...notice, id: ++lastId, at: new Date(now()).toISOString() };
    kept.push(full);
    if (kept.length > NOTICES_KEPT) kept.shift();
    for (const listener of listeners) listener(full);
  };
  // The log lives as long as the engine's emitter: no unsubscribe needed. A file a person asked
  // to generate is answered to them directly (the window's drop lists what was skipped).
  events.on('input.skipped', ({ path, folder, reason, message }) => {
    if (folder !== null) add({ kind: 'skipped', path, reason, message });
  });
  events.on('warning', ({ message }) => add({ kind: 'warning', path: null, reason: null, message }));

  return {
    list: () => [...kept],
    clear(throughId) {
      const later = kept.filter((notice) => notice.id > throughId);
      kept.splice(0, kept.length, ...later);
    },
    onNotice(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
