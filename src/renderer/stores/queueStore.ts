import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { EventPayload, QueueStatus } from '../../shared/ipc/contract';
import type { AppStore } from './appStore';

export interface QueueState {
  status: QueueStatus | null;
  load(): Promise<void>;
  cancel(generationId: string): Promise<void>;
  retry(generationId: string): Promise<void>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  applyStatus(status: QueueStatus): void;
  applyProgress(progress: EventPayload<'job.progress'>): void;
  applyPaused(payload: EventPayload<'queue.paused'>): void;
  applyResumed(): void;
}

export function createQueueStore(api: Api, app: AppStore) {
  return createStore<QueueState>()((set, get) => {
    /** Runs a command; the engine answers with a `queue.changed` event, and we reload to be sure. */
    const command = async (run: () => Promise<void>) => {
      try {
        await run();
        await get().load();
      } catch (error) {
        app.getState().reportError(error);
      }
    };
    return {
      status: null,
      async load() {
        try {
          set({ status: await api.queue.status() });
        } catch (error) {
          app.getState().reportError(error);
        }
      },
      cancel: (generationId) => command(() => api.queue.cancel({ generationId })),
      retry: (generationId) => command(() => api.queue.retry({ generationId })),
      pauseAll: () => command(() => api.queue.pauseAll()),
      resumeAll: () => command(() => api.queue.resumeAll()),
      applyStatus(status) {
        set({ status });
      },
      applyProgress({ generationId, state, progress }) {
        const status = get().status;
        if (!status) return;
        set({
          status: {
            ...status,
            jobs: status.jobs.map((job) => (job.generationId === generationId ? { ...job, state, progress } : job)),
          },
        });
      },
      applyPaused({ waiting }) {
        const status = get().status;
        if (status) set({ status: { ...status, paused: waiting.reason === 'paused' || status.paused, waiting } });
      },
      applyResumed() {
        const status = get().status;
        if (status) set({ status: { ...status, paused: false, waiting: null } });
      },
    };
  });
}

export type QueueStore = ReturnType<typeof createQueueStore>;
