/**
 * The IPC contract implemented on top of the engine: one handler per channel (grouped by domain in
 * handlers-*.ts) and the engine's events translated into the contract's. Every host (Electron,
 * the CLI, the browser bridge) uses these; only the HostAdapters differ.
 */
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import type { Engine } from './engine';
import { summaryOfDetail } from './dto';
import { appHandlers } from './handlers-app';
import type { HostAdapters } from './handlers-context';
import { folderHandlers } from './handlers-folders';
import { generationHandlers } from './handlers-generations';
import { presetHandlers } from './handlers-presets';
import { queueHandlers, queueStatusDto } from './handlers-queue';
import { settingsHandlers } from './handlers-settings';
import { trashHandlers } from './handlers-trash';

export { HandlerError, browserShell, envCredentials } from './handlers-context';
export type { CredentialsAdapter, HostAdapters, HostInfo, ShellAdapter } from './handlers-context';

export function createHandlers(engine: Engine, host: HostAdapters): ContractHandlers {
  return {
    ...appHandlers(engine, host),
    ...presetHandlers(engine),
    ...folderHandlers(engine),
    ...generationHandlers(engine),
    ...queueHandlers(engine),
    ...settingsHandlers(engine),
    ...trashHandlers(engine),
  };
}

/** A window redraws the whole queue on queue.changed: more than this many per second only costs CPU. */
const QUEUE_CHANGED_MIN_INTERVAL_MS = 100;

/**
 * Sends the contract's events for the engine's: queue.changed (with a fresh status, at most ten a
 * second, the last change always sent), job.progress, generation.done, generation.failed,
 * queue.paused/resumed, library.changed and engine.notice. Returns the function that stops forwarding.
 */
export function forwardEvents(engine: Engine, emit: (event: ContractEvent) => void): () => void {
  const { events } = engine;
  let lastQueueChange = 0;
  let pendingQueueChange: NodeJS.Timeout | undefined;
  let stopped = false;

  /** Reads the engine at send time; a closed engine (shutdown) has nothing left to tell. */
  const send = (make: () => ContractEvent) => {
    if (stopped) return;
    let event: ContractEvent;
    try {
      event = make();
    } catch {
      return;
    }
    emit(event);
  };

  const sendQueueChanged = () => {
    pendingQueueChange = undefined;
    lastQueueChange = Date.now();
    send(() => ({ name: 'queue.changed', payload: queueStatusDto(engine.status()) }));
  };

  const queueChanged = () => {
    if (pendingQueueChange !== undefined) return;
    const wait = lastQueueChange + QUEUE_CHANGED_MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) sendQueueChanged();
    else pendingQueueChange = setTimeout(sendQueueChanged, wait);
  };

  const unsubscribe = [
    events.on('job.added', ({ generationId }) => {
      send(() => ({ name: 'library.changed', payload: { generationIds: [String(generationId)] } }));
      queueChanged();
    }),
    events.on('job.state', ({ generationId, state }) => {
      send(() => ({ name: 'job.progress', payload: { generationId: String(generationId), state, progress: null } }));
      queueChanged();
    }),
    events.on('job.progress', ({ generationId, state, progress }) => {
      send(() => ({ name: 'job.progress', payload: { generationId: String(generationId), state, progress } }));
    }),
    events.on('job.done', ({ generationId }) => {
      send(() => ({ name: 'generation.done', payload: { item: summaryOfDetail(engine.store.generationDetail(generationId)) } }));
      queueChanged();
    }),
    events.on('job.failed', ({ generationId, code, message }) => {
      send(() => {
        const generation = engine.store.generations.get(generationId);
        const presetName = generation === null ? '' : (engine.store.presets.getVersion(generation.presetVersionId)?.name ?? '');
        const userMessage = message || 'This generation failed. Retry it from the queue.';
        return { name: 'generation.failed', payload: { generationId: String(generationId), presetName, error: { code, userMessage } } };
      });
      queueChanged();
    }),
    events.on('queue.paused', ({ waiting }) => {
      send(() => ({ name: 'queue.paused', payload: { waiting } }));
      queueChanged();
    }),
    events.on('queue.resumed', () => {
      send(() => ({ name: 'queue.resumed', payload: {} }));
      queueChanged();
    }),
    engine.notices.onNotice((notice) => send(() => ({ name: 'engine.notice', payload: notice }))),
    events.on('sync.progress', (progress) => send(() => ({ name: 'sync.progress', payload: progress }))),
    events.on('sync.done', () => send(() => ({ name: 'library.changed', payload: { generationIds: null } }))),
  ];

  return () => {
    stopped = true;
    clearTimeout(pendingQueueChange);
    for (const stop of unsubscribe) stop();
  };
}
