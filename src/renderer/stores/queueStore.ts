import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { EngineNotice, EventPayload, GenerationSummary, QueueJob, QueueStatus } from '../../shared/ipc/contract';
import { userMessageOf } from '../common/errors';
import { countOf } from '../common/format';
import type { AppStore } from './appStore';

/** Notices the window keeps: the engine keeps more, and a burst only needs its latest ones shown. */
const NOTICES_SHOWN = 100;
/** Failed generations and today's results the queue lists (newest first); the gallery's filters show them all. */
const RECENT_SHOWN = 50;

/** What left the queue: the failures waiting for the person, and today's results. */
export interface RecentWork {
  failed: GenerationSummary[];
  finishedToday: GenerationSummary[];
}

export interface QueueState {
  status: QueueStatus | null;
  /** The status's jobs by generation id: a gallery tile finds its own live state without a search. */
  jobById: ReadonlyMap<string, QueueJob>;
  recent: RecentWork | null;
  recentError: string | null;
  /** Files the engine did not take and its warnings, newest first. */
  notices: EngineNotice[];
  /** Notices that arrived since the person last looked at the queue. */
  unseenNotices: number;
  load(): Promise<void>;
  /** Reads the failed generations and today's results again (the queue screen shows them). */
  loadRecent(): Promise<void>;
  /** A generation failed: said once in a toast for a whole burst, and listed under Failed. */
  applyFailed(payload: EventPayload<'generation.failed'>): void;
  /** A generation finished: today's results on the queue screen gain it. */
  applyFinished(): void;
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
        await Promise.all([get().load(), get().recent === null ? undefined : get().loadRecent()]);
      } catch (error) {
        app.getState().reportError(error);
      }
    };
    const withStatus = (status: QueueStatus) => ({ status, jobById: new Map(status.jobs.map((job) => [job.generationId, job])) });
    /** The one toast for a burst of failures: a later failure while it shows replaces it with the count. */
    let failureToast: { id: number; count: number } | null = null;
    const toastFailure = ({ presetName, error }: EventPayload<'generation.failed'>) => {
      const appState = app.getState();
      const showing = failureToast !== null && appState.toasts.some((toast) => toast.id === failureToast?.id) ? failureToast : null;
      if (showing) appState.dismissToast(showing.id);
      const count = (showing?.count ?? 0) + 1;
      const reason = presetName ? `${presetName}: ${error.userMessage}` : error.userMessage;
      const message = count === 1 ? `A generation failed. ${reason}` : `${countOf(count, 'generation')} failed. The latest: ${reason}`;
      const id = appState.toast({ message, tone: 'error', action: { label: 'Show failed', run: () => app.getState().show('queue') } }, 10_000);
      failureToast = { id, count };
    };
    /** Today's results and the failures are read again at most once per burst of events. */
    let recentReload: Promise<void> | null = null;
    let recentAgain = false;
    const reloadRecentSoon = () => {
      if (get().recent === null) return;
      if (recentReload !== null) {
        recentAgain = true;
        return;
      }
      recentReload = get()
        .loadRecent()
        .finally(() => {
          recentReload = null;
          if (recentAgain) {
            recentAgain = false;
            reloadRecentSoon();
          }
        });
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
      jobById: new Map(),
      recent: null,
      recentError: null,
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
          set(withStatus(await api.queue.status()));
        } catch (error) {
          app.getState().reportError(error);
        }
      },
      async loadRecent() {
        const startOfToday = new Date();
        startOfToday.setHours(0, 0, 0, 0);
        try {
          const [failed, finished] = await Promise.all([
            api.generations.page({ filters: { states: ['failed'] }, limit: RECENT_SHOWN }),
            api.generations.page({ filters: { states: ['done'], createdFrom: startOfToday.toISOString() }, limit: RECENT_SHOWN }),
          ]);
          set({ recent: { failed: failed.items, finishedToday: finished.items }, recentError: null });
        } catch (error) {
          set({ recentError: userMessageOf(error) });
        }
      },
      applyFailed(payload) {
        toastFailure(payload);
        reloadRecentSoon();
      },
      applyFinished() {
        reloadRecentSoon();
      },
      cancel: (generationId) => command(() => api.queue.cancel({ generationId })),
      retry: (generationId) => command(() => api.queue.retry({ generationId })),
      pauseAll: () => command(() => api.queue.pauseAll()),
      resumeAll: () => command(() => api.queue.resumeAll()),
      applyStatus(status) {
        set(withStatus(status));
      },
      applyProgress({ generationId, state, progress }) {
        const status = get().status;
        if (!status || !get().jobById.has(generationId)) return;
        set(withStatus({ ...status, jobs: status.jobs.map((job) => (job.generationId === generationId ? { ...job, state, progress } : job)) }));
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
