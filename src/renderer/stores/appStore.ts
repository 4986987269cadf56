import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { AppInfo } from '../../shared/ipc/contract';
import { userMessageOf } from '../common/errors';

export type Screen = 'gallery' | 'presets' | 'queue' | 'trash' | 'settings';

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  /** A single follow-up the person can take, e.g. "Undo". */
  action?: { label: string; run: () => void | Promise<void> };
}

export interface AppState {
  info: AppInfo | null;
  loadError: string | null;
  screen: Screen;
  toasts: Toast[];
  load(): Promise<void>;
  /** Reads app.info again (after a change of connection); a failure is a toast, the window keeps working. */
  refreshInfo(): Promise<void>;
  show(screen: Screen): void;
  toast(toast: Omit<Toast, 'id'>, lifetimeMs?: number): number;
  /** Shows a failed call's message; every store reports errors through here. */
  reportError(error: unknown): void;
  dismissToast(id: number): void;
  /**
   * A toast stays while the pointer is on it or the focus is in it (reading it, reaching its
   * button), and gets its whole lifetime again once left.
   */
  holdToast(id: number): void;
  releaseToast(id: number): void;
}

export function createAppStore(api: Api) {
  let nextToastId = 1;
  const lifetimes = new Map<number, number>();
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  return createStore<AppState>()((set, get) => ({
    info: null,
    loadError: null,
    screen: 'gallery',
    toasts: [],
    async load() {
      try {
        set({ info: await api.app.info(), loadError: null });
      } catch (error) {
        set({ loadError: userMessageOf(error) });
      }
    },
    async refreshInfo() {
      try {
        set({ info: await api.app.info() });
      } catch (error) {
        get().reportError(error);
      }
    },
    show(screen) {
      set({ screen });
    },
    toast(toast, lifetimeMs = 6000) {
      const id = nextToastId++;
      set({ toasts: [...get().toasts, { ...toast, id }] });
      lifetimes.set(id, lifetimeMs);
      get().releaseToast(id);
      return id;
    },
    reportError(error) {
      get().toast({ message: userMessageOf(error), tone: 'error' }, 10_000);
    },
    dismissToast(id) {
      get().holdToast(id);
      lifetimes.delete(id);
      set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
    },
    holdToast(id) {
      clearTimeout(timers.get(id));
      timers.delete(id);
    },
    releaseToast(id) {
      const lifetimeMs = lifetimes.get(id);
      if (lifetimeMs === undefined || timers.has(id)) return;
      timers.set(id, setTimeout(() => get().dismissToast(id), lifetimeMs));
    },
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
