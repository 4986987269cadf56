import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { GenerationFacets, GenerationFilters, GenerationState, GenerationSummary } from '../../shared/ipc/contract';
import { userMessageOf } from '../common/errors';
import { countOf } from '../common/format';
import { TRASH_TOAST_MS, trashedToast } from '../common/trashToast';
import type { AppStore } from './appStore';
import { toGalleryItem, type GalleryItem } from './galleryItem';

/** Small first page (about two screens of tiles) so the first thumbnails arrive fast; bigger pages after. */
const FIRST_PAGE = 60;
const NEXT_PAGE = 300;
/** Above this many changed tiles a reload is cheaper than one detail call per tile. */
const PATCH_LIMIT = 50;
/**
 * A search's counts wait until it has stood still this long after its page arrived. Counting a
 * short prefix ("c") still takes the engine a hundred times longer than its page (it counts every
 * match), and the engine answers in order: counted on every keystroke, it would hold up the next
 * keystroke's page. Filters alone are counted at once: the engine keeps those counts.
 */
const SEARCH_FACETS_AFTER_MS = 250;

export type SelectMode = 'only' | 'toggle' | 'range';

/** The size slider's range and default: the height a row of the justified grid aims for, in pixels. */
export const TILE_HEIGHT = { min: 120, max: 400, default: 200 };
const TILE_HEIGHT_KEY = 'scenario-hotfolder.tile-height';
/** Whether reproductions and variations are stacked under their generation, kept for the next session. */
const STACKED_KEY = 'scenario-hotfolder.stacked';

function storedTileHeight(): number {
  const stored = Number(globalThis.localStorage?.getItem(TILE_HEIGHT_KEY));
  return Number.isFinite(stored) && stored >= TILE_HEIGHT.min && stored <= TILE_HEIGHT.max ? stored : TILE_HEIGHT.default;
}

export interface GalleryQuery {
  filters: GenerationFilters;
  search: string;
}

export interface GalleryState {
  query: GalleryQuery;
  items: GalleryItem[];
  nextCursor: string | null;
  /** True once the last page has arrived. */
  complete: boolean;
  loading: boolean;
  loadError: string | null;
  facets: GenerationFacets | null;
  selectedIds: ReadonlySet<string>;
  /** Where a shift-click range starts. */
  anchorId: string | null;
  /** The height a row of tiles aims for (the size slider); kept for the next session. */
  tileHeight: number;
  /** Reproductions and variations stacked under the generation they came from; kept for the next session. */
  stacked: boolean;
  lightboxId: string | null;
  detailId: string | null;
  /** Two generations side by side, or a generation against its control image (second null). */
  compare: { leftId: string; rightId: string | null } | null;

  setQuery(patch: Partial<GalleryQuery>): Promise<void>;
  /** Back to the whole library: no search, no filter. */
  clearFilters(): Promise<void>;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  select(id: string, mode: SelectMode): void;
  /** Puts back the selection as it was before the last `select` (a double-click opens; it does not select). */
  restoreSelection(): void;
  selectNone(): void;
  setTileHeight(height: number): void;
  setStacked(stacked: boolean): Promise<void>;
  openLightbox(id: string): void;
  closeLightbox(): void;
  /** Moves the lightbox by `delta` items; loads the next page when it reaches the end. */
  stepLightbox(delta: number): void;
  openDetail(id: string | null): void;
  openCompare(leftId: string, rightId: string | null): void;
  closeCompare(): void;
  setFavourite(ids: string[], favourite: boolean): Promise<void>;
  setRating(ids: string[], rating: number): Promise<void>;
  /** Adds each tag to each generation (the tag input splits on commas). */
  addTags(ids: string[], tags: string[]): Promise<void>;
  removeTag(ids: string[], tag: string): Promise<void>;
  trash(ids: string[]): Promise<void>;
  exportSelection(ids: string[]): Promise<void>;
  /** A generation finished: update its tile, or show it first when the view is unfiltered. */
  applyDone(summary: GenerationSummary): void;
  /** A generation moved on in the pipeline: its tile says so (a retried failure loses its reason). */
  applyJobState(id: string, state: GenerationState): void;
  /** A generation failed: its tile shows why. */
  applyFailed(id: string, reason: string): void;
  /** Generations changed elsewhere (CLI, another window, repair): refresh what is on screen. */
  applyLibraryChange(ids: string[] | null): Promise<void>;
}

export const EMPTY_QUERY: GalleryQuery = { filters: { trashed: false }, search: '' };

export function createGalleryStore(api: Api, app: AppStore) {
  // Answers to an older query are dropped: the person has typed on since.
  let queryVersion = 0;

  return createStore<GalleryState>()((set, get) => {
    let beforeSelect: Pick<GalleryState, 'selectedIds' | 'anchorId'> | null = null;
    const patchItems = (ids: string[], patch: Partial<GalleryItem>) => {
      const wanted = new Set(ids);
      set({ items: get().items.map((item) => (wanted.has(item.id) ? { ...item, ...patch } : item)) });
    };

    /** Applies a change at once, then asks the engine; puts the old values back if it refuses. */
    const optimistic = async (ids: string[], patch: Partial<GalleryItem>, call: (id: string) => Promise<void>) => {
      const before = new Map(get().items.filter((item) => ids.includes(item.id)).map((item) => [item.id, item]));
      patchItems(ids, patch);
      const results = await Promise.allSettled(ids.map(call));
      const failed = ids.filter((_, index) => results[index]?.status === 'rejected');
      if (failed.length === 0) return;
      set({ items: get().items.map((item) => (failed.includes(item.id) ? (before.get(item.id) ?? item) : item)) });
      const firstFailure = results.find((result) => result.status === 'rejected');
      app.getState().reportError(firstFailure?.status === 'rejected' ? firstFailure.reason : null);
    };

    /** The query on screen as the engine takes it: no search at all rather than a blank one. */
    const engineQuery = ({ filters, search }: GalleryQuery = get().query) => {
      const trimmed = searchedText(search);
      return { filters, ...(trimmed ? { search: trimmed } : {}) };
    };

    /** Stacking asked of the engine only when on: a page call is otherwise as it always was. */
    const stackedQuery = () => (get().stacked ? { stacked: true } : {});

    const fetchFirstPage = async (query: GalleryQuery = get().query) => {
      const version = ++queryVersion;
      // Sent before any state changes: each change redraws the window first (React flushes in a
      // microtask queued ahead of the send), while the engine could already be at work.
      const request = api.generations.page({ ...engineQuery(query), cursor: null, limit: FIRST_PAGE, ...stackedQuery() });
      set({ loading: true, loadError: null });
      try {
        const page = await request;
        if (version !== queryVersion) return;
        set({ items: page.items.map(toGalleryItem), nextCursor: page.nextCursor, complete: page.nextCursor === null, loading: false });
      } catch (error) {
        if (version !== queryVersion) return;
        set({ items: [], nextCursor: null, complete: true, loading: false, loadError: userMessageOf(error) });
      }
      // The counts follow the tiles (what the person is waiting for), once typing has paused.
      if (engineQuery(query).search !== undefined) await new Promise((resolve) => setTimeout(resolve, SEARCH_FACETS_AFTER_MS));
      if (version === queryVersion) await refreshFacets();
    };

    /** Counts for the query on screen; dropped if the person has moved on by the time they come. */
    const refreshFacets = async () => {
      const version = queryVersion;
      try {
        const facets = await api.generations.facets(engineQuery());
        if (version === queryVersion) set({ facets });
      } catch {
        // Counts are a courtesy: the page (or its error) is already on screen.
      }
    };

    return {
      query: EMPTY_QUERY,
      items: [],
      nextCursor: null,
      complete: false,
      loading: false,
      loadError: null,
      facets: null,
      selectedIds: new Set(),
      anchorId: null,
      tileHeight: storedTileHeight(),
      stacked: globalThis.localStorage?.getItem(STACKED_KEY) === 'yes',
      lightboxId: null,
      detailId: null,
      compare: null,

      async setQuery(patch) {
        const query = { ...get().query, ...patch };
        // The engine's answer would be the grid on screen (a letter typed that is not searched yet).
        if (JSON.stringify(engineQuery(query)) === JSON.stringify(engineQuery())) {
          set({ query });
          return;
        }
        const fetched = fetchFirstPage(query);
        set({ query, selectedIds: new Set(), anchorId: null });
        await fetched;
      },

      clearFilters: () => get().setQuery(EMPTY_QUERY),

      reload: () => fetchFirstPage(),

      async loadMore() {
        const { loading, complete, nextCursor } = get();
        if (loading || complete || nextCursor === null) return;
        const version = queryVersion;
        set({ loading: true });
        try {
          const page = await api.generations.page({ ...engineQuery(), cursor: nextCursor, limit: NEXT_PAGE, ...stackedQuery() });
          if (version !== queryVersion) return;
          // Keyset paging can repeat a row that changed between pages; keep the first copy.
          const known = new Set(get().items.map((item) => item.id));
          const fresh = page.items.filter((item) => !known.has(item.id)).map(toGalleryItem);
          set({ items: [...get().items, ...fresh], nextCursor: page.nextCursor, complete: page.nextCursor === null, loading: false });
        } catch (error) {
          if (version !== queryVersion) return;
          set({ loading: false, loadError: userMessageOf(error) });
        }
      },

      select(id, mode) {
        const { selectedIds, anchorId, items } = get();
        beforeSelect = { selectedIds, anchorId };
        if (mode === 'only') {
          set({ selectedIds: new Set([id]), anchorId: id });
        } else if (mode === 'toggle') {
          const next = new Set(selectedIds);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          set({ selectedIds: next, anchorId: id });
        } else {
          const from = items.findIndex((item) => item.id === (anchorId ?? id));
          const to = items.findIndex((item) => item.id === id);
          if (from < 0 || to < 0) return set({ selectedIds: new Set([id]), anchorId: id });
          const [start, end] = from <= to ? [from, to] : [to, from];
          set({ selectedIds: new Set(items.slice(start, end + 1).map((item) => item.id)) });
        }
      },

      restoreSelection() {
        if (beforeSelect) set(beforeSelect);
        beforeSelect = null;
      },

      selectNone() {
        set({ selectedIds: new Set(), anchorId: null });
      },

      setTileHeight(height) {
        const tileHeight = Math.round(Math.min(TILE_HEIGHT.max, Math.max(TILE_HEIGHT.min, height)));
        globalThis.localStorage?.setItem(TILE_HEIGHT_KEY, String(tileHeight));
        set({ tileHeight });
      },

      async setStacked(stacked) {
        globalThis.localStorage?.setItem(STACKED_KEY, stacked ? 'yes' : 'no');
        set({ stacked });
        await fetchFirstPage();
      },

      openLightbox(id) {
        set({ lightboxId: id });
      },
      closeLightbox() {
        set({ lightboxId: null });
      },
      stepLightbox(delta) {
        const { items, lightboxId } = get();
        const index = items.findIndex((item) => item.id === lightboxId);
        if (index < 0) return;
        const target = Math.min(Math.max(index + delta, 0), items.length - 1);
        const next = items[target];
        if (next) set({ lightboxId: next.id });
        if (target >= items.length - 3) void get().loadMore();
      },
      openDetail(id) {
        set({ detailId: id });
      },
      openCompare(leftId, rightId) {
        set({ compare: { leftId, rightId } });
      },
      closeCompare() {
        set({ compare: null });
      },

      setFavourite(ids, favourite) {
        return optimistic(ids, { favourite }, (id) => api.generations.setFavourite({ id, favourite }));
      },
      setRating(ids, rating) {
        return optimistic(ids, { rating }, (id) => api.generations.setRating({ id, rating }));
      },

      async addTags(ids, tags) {
        const clean = [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))];
        if (clean.length === 0 || ids.length === 0) return;
        const added: string[] = [];
        try {
          for (const tag of clean) {
            await api.generations.tag({ ids, tag });
            added.push(tag);
          }
        } catch (error) {
          app.getState().reportError(error);
        }
        if (added.length === 0) return;
        // The engine sends no change event for tags: add them to the tiles here, as it keeps them
        // (alphabetical, one copy whatever the case).
        const tagged = new Set(ids);
        set({
          items: get().items.map((item) => {
            if (!tagged.has(item.id)) return item;
            const fresh = added.filter((tag) => !item.tags.some((known) => known.toLowerCase() === tag.toLowerCase()));
            return fresh.length === 0 ? item : { ...item, tags: [...item.tags, ...fresh].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' })) };
          }),
        });
        app.getState().toast({ message: `Tagged ${ids.length} with ${added.map((tag) => `“${tag}”`).join(', ')}.`, tone: 'info' });
        // A new tag joins the tag filter's choices.
        void refreshFacets();
      },

      async removeTag(ids, tag) {
        try {
          await api.generations.untag({ ids, tag });
          const untagged = new Set(ids);
          const gone = tag.toLowerCase();
          set({ items: get().items.map((item) => (untagged.has(item.id) ? { ...item, tags: item.tags.filter((known) => known.toLowerCase() !== gone) } : item)) });
          void refreshFacets();
        } catch (error) {
          app.getState().reportError(error);
        }
      },

      async trash(ids) {
        if (ids.length === 0) return;
        try {
          const { batchId, count } = await api.generations.trash({ ids });
          const gone = new Set(ids);
          const { items, lightboxId, selectedIds, detailId } = get();
          set({
            items: items.filter((item) => !gone.has(item.id)),
            selectedIds: new Set([...selectedIds].filter((id) => !gone.has(id))),
            // The lightbox moves on to the next survivor, as a photo viewer does after a delete.
            lightboxId: lightboxId && gone.has(lightboxId) ? survivorAfter(items, lightboxId, gone) : lightboxId,
            detailId: detailId && gone.has(detailId) ? null : detailId,
          });
          const message = `Moved ${countOf(count, 'generation')} to the trash.`;
          app.getState().toast(trashedToast(api, { batchId, message, afterUndo: () => get().reload(), reportError: app.getState().reportError }), TRASH_TOAST_MS);
        } catch (error) {
          app.getState().reportError(error);
        }
      },

      async exportSelection(ids) {
        if (ids.length === 0) return;
        try {
          const { zipPath, count } = await api.generations.export({ ids });
          app.getState().toast({ message: `Exported ${countOf(count, 'generation')} to ${zipPath}`, tone: 'info' });
        } catch (error) {
          app.getState().reportError(error);
        }
      },

      applyJobState(id, state) {
        const item = get().items.find((known) => known.id === id);
        if (item && item.state !== state) patchItems([id], state === 'failed' || state === 'canceled' ? { state } : { state, errorMessage: null });
      },
      applyFailed(id, reason) {
        if (get().items.some((known) => known.id === id)) patchItems([id], { state: 'failed', errorMessage: reason });
      },

      applyDone(summary) {
        const item = toGalleryItem(summary);
        const { items, query, stacked } = get();
        if (items.some((known) => known.id === item.id)) {
          set({ items: items.map((known) => (known.id === item.id ? item : known)) });
        } else if (stacked && item.parentId !== null) {
          // Stacked: a new reproduction or variation joins its parent's stack instead of the grid.
          set({ items: items.map((known) => (known.id === item.parentId ? { ...known, stackSize: known.stackSize + 1 } : known)) });
        } else if (isUnfiltered(query)) {
          set({ items: [item, ...items] });
        }
      },

      async applyLibraryChange(ids) {
        const { items } = get();
        const loaded = ids === null ? [] : ids.filter((id) => items.some((item) => item.id === id));
        // Reloading from the top would throw away the person's scroll position deep in the
        // history, so only refresh from the top when they are still near it.
        const nearTop = items.length <= FIRST_PAGE;
        if (ids === null || loaded.length < ids.length || loaded.length > PATCH_LIMIT) {
          if (nearTop || ids === null) await fetchFirstPage();
          return;
        }
        const details = await Promise.allSettled(loaded.map((id) => api.generations.detail({ id })));
        const fresh = new Map<string, GalleryItem | null>();
        details.forEach((result, index) => {
          const id = loaded[index] ?? '';
          // One that can no longer be read (trashed, purged) leaves the view.
          fresh.set(id, result.status === 'fulfilled' ? toGalleryItem(result.value) : null);
        });
        set({
          items: get()
            .items.map((item) => (fresh.has(item.id) ? fresh.get(item.id) : item))
            .filter((item): item is GalleryItem => item !== null && item !== undefined),
        });
      },
    };
  });
}

export type GalleryStore = ReturnType<typeof createGalleryStore>;

function survivorAfter(items: GalleryItem[], id: string, gone: Set<string>): string | null {
  const index = items.findIndex((item) => item.id === id);
  const after = items.slice(index + 1).find((item) => !gone.has(item.id));
  const before = items.slice(0, index).reverse().find((item) => !gone.has(item.id));
  return (after ?? before)?.id ?? null;
}

/** A word of one letter at the end of the box, with no space after it yet. */
const ONE_LETTER_BEING_TYPED = /(^|\s)[\p{L}\p{N}]$/u;

/**
 * What the engine searches for: the box's text, less a one-letter word still being typed. The
 * engine takes a last word of one letter as a whole word (a one-letter prefix would match nearly
 * everything): searched as the first key of "castle" is typed, it would empty the grid for a
 * moment. The grid keeps what it showed until the second letter; a space after the letter
 * searches it as a word.
 */
export function searchedText(search: string): string {
  return search.replace(ONE_LETTER_BEING_TYPED, '$1').trim();
}

/** Whether any filter beyond the search narrows the live library. */
export function hasFilters(query: GalleryQuery): boolean {
  const { trashed: _view, ...rest } = query.filters;
  return Object.values(rest).some((value) => value !== undefined && !(Array.isArray(value) && value.length === 0));
}

/** The whole live library: nothing searched, nothing filtered. */
export function isUnfiltered(query: GalleryQuery): boolean {
  return !query.filters.trashed && !hasFilters(query) && searchedText(query.search) === '';
}
