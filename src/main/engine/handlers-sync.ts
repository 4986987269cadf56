/**
 * sync.*: the team's history brought in on the engine that holds the library, for the `sync`
 * command beside a running app or watcher. The engine's own writer does the writing (a second
 * process writing beside it would make its read-then-write transactions fail with SQLITE_BUSY),
 * and the engine's background sync and these take turns.
 */
import type { Engine } from './engine';
import { HandlerError, type HandlersFor } from './handlers-context';

export function syncHandlers(engine: Engine): HandlersFor<'sync'> {
  const running = new Set<AbortController>();
  return {
    'sync.run': async ({ images, waitMs }) => {
      const stop = new AbortController();
      running.add(stop);
      try {
        const sync = engine.syncTeamHistory({
          ...(images === undefined ? {} : { images }),
          waitMs,
          signal: stop.signal,
          onProgress: (progress) => engine.events.emit('sync.progress', progress),
          onWaiting: (reason) => engine.events.emit('sync.waiting', { reason }),
        });
        if (sync === null) throw new HandlerError('sync.no-connection', 'The running app has no Scenario connection: save a key in its Settings, then sync again.');
        const report = await sync;
        if (report.imported > 0 || report.assetsChanged > 0 || report.movedToTrash > 0) engine.events.emit('sync.done', { imported: report.imported, assetsChanged: report.assetsChanged });
        return report;
      } finally {
        running.delete(stop);
        engine.events.emit('sync.progress', null);
      }
    },
    'sync.stop': async () => {
      for (const stop of running) stop.abort();
    },
  };
}
