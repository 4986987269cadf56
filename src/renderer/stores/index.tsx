/**
 * One zustand store per domain, created per window for one `Api` (tests give each render its
 * own fake engine), and reached through context. Components read with `useShallow` selectors so
 * a tile re-renders only when its own slice changes.
 */
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import { createAppStore, type AppState } from './appStore';
import { createGalleryStore, type GalleryState } from './galleryStore';
import { createPresetsStore, type PresetsState } from './presetsStore';
import { createQueueStore, type QueueState } from './queueStore';
import { createSettingsStore, type SettingsState } from './settingsStore';

export interface Stores {
  api: Api;
  app: StoreApi<AppState>;
  gallery: StoreApi<GalleryState>;
  presets: StoreApi<PresetsState>;
  queue: StoreApi<QueueState>;
  settings: StoreApi<SettingsState>;
}

export function createStores(api: Api): Stores {
  const app = createAppStore(api);
  return {
    api,
    app,
    gallery: createGalleryStore(api, app),
    presets: createPresetsStore(api, app),
    queue: createQueueStore(api, app),
    settings: createSettingsStore(api, app),
  };
}

/**
 * Everything the first screen needs, asked for at once before the first render: the gallery's
 * first page does not wait for `app.info`, and nothing waits for the queue. Each store reports
 * its own failure, so one slow or failing call holds up none of the others.
 */
export function startLoading({ app, gallery, presets, queue }: Stores): void {
  void gallery.getState().reload();
  void app.getState().load();
  void queue.getState().load();
  // The family filter and the preset editor both need the model list.
  void presets.getState().loadModels();
}

/** Forwards the engine's events to the stores; returns the function that stops listening. */
export function connectEvents({ api, gallery, queue }: Stores): () => void {
  const stops = [
    api.on('queue.changed', (status) => queue.getState().applyStatus(status)),
    api.on('job.progress', (progress) => {
      queue.getState().applyProgress(progress);
      gallery.getState().applyJobState(progress.generationId, progress.state);
    }),
    api.on('queue.paused', (payload) => queue.getState().applyPaused(payload)),
    api.on('queue.resumed', () => queue.getState().applyResumed()),
    api.on('engine.notice', (notice) => queue.getState().applyNotice(notice)),
    api.on('generation.done', ({ item }) => {
      gallery.getState().applyDone(item);
      queue.getState().applyFinished();
    }),
    api.on('generation.failed', (payload) => {
      gallery.getState().applyFailed(payload.generationId, payload.error.userMessage);
      queue.getState().applyFailed(payload);
      void queue.getState().load();
    }),
    api.on('library.changed', ({ generationIds }) => void gallery.getState().applyLibraryChange(generationIds)),
  ];
  // Asked once the window listens, so no notice falls between the list and the events: files
  // skipped before the window opened (the catch-up at start) are listed and counted, not toasted.
  void queue.getState().loadNotices();
  return () => stops.forEach((stop) => stop());
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  useEffect(() => connectEvents(stores), [stores]);
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores() needs a <StoresProvider> above it.');
  return stores;
}

export const useApi = (): Api => useStores().api;
export const useAppStore = <T,>(selector: (state: AppState) => T): T => useStore(useStores().app, useShallow(selector));
export const useGallery = <T,>(selector: (state: GalleryState) => T): T => useStore(useStores().gallery, useShallow(selector));
export const usePresets = <T,>(selector: (state: PresetsState) => T): T => useStore(useStores().presets, useShallow(selector));
export const useQueue = <T,>(selector: (state: QueueState) => T): T => useStore(useStores().queue, useShallow(selector));
export const useSettings = <T,>(selector: (state: SettingsState) => T): T => useStore(useStores().settings, useShallow(selector));
