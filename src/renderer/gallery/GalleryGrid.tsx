import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { dayLabel } from '../common/format';
import { useGallery } from '../stores';
import { hasFilters, isUnfiltered, searchedText, type GalleryQuery } from '../stores/galleryStore';
import { galleryRows, neighbour } from './galleryRows';
import { GalleryTile } from './GalleryTile';
import { Onboarding } from './Onboarding';

const GAP = 8;
const DAY_HEADER = 40;
/** The line under each tile's art: name, stars, tags. */
const TILE_FOOTER = 24;
/** Rows rendered beyond the viewport: enough to hide scroll jank, few enough to keep <img> count low. */
const OVERSCAN = 2;
/** Once the person scrolls, ask for the next page this many rows before the end. */
const PREFETCH_ROWS = 6;
/** Before the grid is measured (and in a test DOM without layout). */
const INITIAL_WIDTH = 1200;

type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';
const RATING_KEYS = /^[0-5]$/;
const ARROWS: ReadonlySet<string> = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);

/**
 * The whole history as one virtual list of justified rows: only the rows on screen (plus a small
 * overscan) exist in the DOM, so 100,000 generations cost as much to draw as one screenful.
 * The grid is one tab stop; arrows move between tiles, Enter opens the lightbox, Space selects
 * (Shift for a range), Shift+arrows extend the selection, 0–5 rate.
 */
export function GalleryGrid() {
  const { query, items, loading, complete, loadError, loadMore, clearFilters, tileHeight, select, openLightbox, detailId, selectedIds, setRating } = useGallery((state) => ({
    query: state.query,
    items: state.items,
    loading: state.loading,
    complete: state.complete,
    loadError: state.loadError,
    loadMore: state.loadMore,
    clearFilters: state.clearFilters,
    tileHeight: state.tileHeight,
    select: state.select,
    openLightbox: state.openLightbox,
    detailId: state.detailId,
    selectedIds: state.selectedIds,
    setRating: state.setRating,
  }));
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useContentWidth(scrollRef);
  const rows = useMemo(() => galleryRows(items, { width, targetHeight: tileHeight, gap: GAP }), [items, width, tileHeight]);
  const [focusId, setFocusId] = useState<string | null>(null);
  // The tab stop: the tile last moved to, else the one in the detail panel, else the first.
  const tabStop = items.some((item) => item.id === focusId) ? focusId : items.some((item) => item.id === detailId) ? detailId : (items[0]?.id ?? null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const row = rows[index];
      return row?.kind === 'tiles' ? row.artHeight + TILE_FOOTER + GAP : DAY_HEADER;
    },
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: OVERSCAN,
    // Lets the first screen render before the browser has measured the scroll container.
    initialRect: { width: INITIAL_WIDTH, height: 900 },
  });
  // Row heights follow the slider and the width: measured again when they change.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rows]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastVisible = virtualRows[virtualRows.length - 1]?.index ?? 0;
  const viewportTop = virtualizer.scrollOffset ?? 0;
  const viewportBottom = viewportTop + (virtualizer.scrollRect?.height ?? 0);
  // Reading ahead starts with the first scroll: asked for at once, the next page (five times the
  // first) would be built, sent and parsed while the first screen's thumbnails are still loading.
  const [readingAhead, setReadingAhead] = useState(false);

  // A new search or filter is a new list: start reading it from the top.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setReadingAhead(false);
  }, [query]);

  useEffect(() => {
    const wanted = lastVisible >= rows.length - (readingAhead ? PREFETCH_ROWS : 1);
    if (!complete && !loading && wanted) void loadMore();
  }, [lastVisible, rows.length, readingAhead, complete, loading, loadMore]);

  /** Moves the tab stop to a tile, scrolled into view, and focuses it once its row is drawn. */
  const moveFocus = (id: string) => {
    setFocusId(id);
    const rowIndex = rows.findIndex((row) => row.kind === 'tiles' && row.tiles.some((tile) => tile.item.id === id));
    if (rowIndex >= 0) virtualizer.scrollToIndex(rowIndex, { align: 'auto' });
    const focus = () => {
      const element = scrollRef.current?.querySelector<HTMLElement>(`[data-generation-id="${CSS.escape(id)}"]`);
      element?.focus();
      return element !== null && element !== undefined;
    };
    // A tile already drawn takes focus at once; one scrolled to is drawn in the next frame.
    if (!focus()) requestAnimationFrame(() => void focus());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const id = (event.target as HTMLElement).closest<HTMLElement>('[data-generation-id]')?.dataset.generationId;
    // Keys typed into a tile's own buttons (Retry) are theirs.
    if (id === undefined || (event.target as HTMLElement).tagName === 'BUTTON') return;
    if (ARROWS.has(event.key)) {
      const next = neighbour(rows, id, event.key as ArrowKey, GAP);
      event.preventDefault();
      if (next === null) return;
      if (event.shiftKey) select(next, 'range');
      moveFocus(next);
      if (next === items[items.length - 1]?.id) void loadMore();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      openLightbox(id);
    } else if (event.key === ' ') {
      event.preventDefault();
      select(id, event.shiftKey ? 'range' : 'toggle');
    } else if (RATING_KEYS.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // One key rates: the whole selection when the focused tile is part of it, else that tile.
      event.preventDefault();
      void setRating(selectedIds.has(id) ? [...selectedIds] : [id], Number(event.key));
    }
  };

  return (
    <div
      ref={scrollRef}
      className="gallery-scroll"
      role="grid"
      aria-label="Generations"
      aria-rowcount={rows.length}
      aria-busy={loading}
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        const id = (event.target as HTMLElement).dataset.generationId;
        if (id !== undefined && id !== focusId) setFocusId(id);
      }}
      onScroll={(event) => {
        if (event.currentTarget.scrollTop > 0) setReadingAhead(true);
      }}
    >
      {/* A grid holds rows even when it has no tile: the empty state is its one cell. */}
      {items.length === 0 && (
        <div role="row">
          <div role="gridcell">
            <div className="gallery-empty" role="status">
              {loading ? 'Loading your history…' : (loadError ?? <EmptyResult query={query} onClear={() => void clearFilters()} />)}
            </div>
            {complete && !loadError && isUnfiltered(query) && <Onboarding />}
          </div>
        </div>
      )}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualRows.map((virtualRow) => {
          const row = rows[virtualRow.index];
          if (!row) return null;
          return (
            <div
              key={virtualRow.key}
              role="row"
              className={row.kind === 'day' ? 'day-header' : 'tile-row'}
              style={{ transform: `translateY(${virtualRow.start}px)`, height: virtualRow.size }}
            >
              {row.kind === 'day' ? (
                <h2 role="rowheader" aria-label={dayLabel(row.day)}>
                  {dayLabel(row.day)}
                </h2>
              ) : (
                row.tiles.map((tile) => (
                  <GalleryTile
                    key={tile.item.id}
                    item={tile.item}
                    width={tile.width}
                    height={row.artHeight}
                    focusable={tile.item.id === tabStop}
                    onScreen={virtualRow.end > viewportTop && virtualRow.start < viewportBottom}
                  />
                ))
              )}
            </div>
          );
        })}
      </div>
      {loadError && items.length > 0 && <p className="inline-error">{loadError}</p>}
    </div>
  );
}

/**
 * Nothing to show: an empty library says how to fill it; a search or filters that match nothing
 * say so and offer the way back, rather than suggest the history is gone.
 */
function EmptyResult({ query, onClear }: { query: GalleryQuery; onClear: () => void }) {
  if (isUnfiltered(query)) return <>Nothing here yet. Drop a control image into a watched folder.</>;
  const search = searchedText(query.search);
  return (
    <>
      {search ? `No generations match “${search}”${hasFilters(query) ? ' with these filters' : ''}.` : 'No generations match these filters.'}{' '}
      <button type="button" className="link-button" onClick={onClear}>Clear filters</button>
    </>
  );
}

/**
 * The grid's content width, in steps of a few pixels: a resize that moves nothing (the observer's
 * first report, a scrollbar appearing) re-renders nothing.
 */
function useContentWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(INITIAL_WIDTH);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const stepped = (value: number) => (value > 0 ? Math.floor(value / 4) * 4 : INITIAL_WIDTH);
    // Measured before the first paint so the first thumbnails asked for are the right ones.
    const style = getComputedStyle(element);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    if (element.clientWidth > 0) setWidth(stepped(element.clientWidth - padding));
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(stepped(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
