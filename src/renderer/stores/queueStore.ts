import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { EngineNotice, EventPayload, QueueStatus } from '../../shared/ipc/contract';
import type { AppStore } from './appStore';

/** Notices the window keeps: the engine keeps more, and a burst only needs its latest ones shown. */
const NOTICES_SHOWN = 100;

export interface QueueState {
  status: QueueStatus | null;
  /** Files the engine did not take and its warnings, newest first. */
  notices: EngineNotice[];
  /** Notices that arrived since the person last looked at the queue. */
  unseenNotices: number;
  load(): Promise<void>;
  loadNotices(): Promise<void>;
  applyNotice(notice: EngineNotice): void;
  /** The person saw the list (the queue screen is shown). */
  markNoticesSeen(): void;
  /** Empties the list, in the engine too (another window, or this one reopened, no longer shows them); a notice that arrives meanwhile stays. */
  clearNotices(): Promise<void>;
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
    /** The one toast that says notices arrived; later ones while it shows only join the list. */
    let noticeToastId: number | null = null;
    const toastNotice = (notice: EngineNotice) => {
      const appState = app.getState();
      if (noticeToastId !== null && appState.toasts.some((toast) => toast.id === noticeToastId)) return;
      noticeToastId = appState.toast(
        {
          message: notice.message,
          tone: notice.kind === 'skipped' && notice.reason !== 'duplicate' ? 'error' : 'info',
          action: { label: 'Show all', run: () => app.getState().show('queue') },
        },
        10_000,
      );
    };
    return {
      status: null,
      notices: [],
      unseenNotices: 0,
      async loadNotices() {
        try {
          const listed = await api.queue.notices();
          // Events may have arrived while the list was on its way: keep each notice once, by id.
          const byId = new Map([...listed, ...get().notices].map((notice) => [notice.id, notice]));
          const notices = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, NOTICES_SHOWN);
          set({ notices, unseenNotices: app.getState().screen === 'queue' ? 0 : notices.length });
        } catch (error) {
          app.getState().reportError(error);
        }
      },
      applyNotice(notice) {
        if (get().notices.some((known) => known.id === notice.id)) return;
        const onQueue = app.getState().screen === 'queue';
        // The count never passes what the list can show.
        set({ notices: [notice, ...get().notices].slice(0, NOTICES_SHOWN), unseenNotices: onQueue ? 0 : Math.min(NOTICES_SHOWN, get().unseenNotices + 1) });
        if (!onQueue) toastNotice(notice);
      },
      markNoticesSeen() {
        if (get().unseenNotices > 0) set({ unseenNotices: 0 });
      },
      async clearNotices() {
        const throughId = get().notices[0]?.id;
        if (throughId === undefined) return;
        try {
          await api.queue.clearNotices({ throughId });
          set({ notices: get().notices.filter((notice) => notice.id > throughId), unseenNotices: 0 });
        } catch (error) {
          app.getState().reportError(error);
        }
      },
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
