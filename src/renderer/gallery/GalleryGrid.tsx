import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayLabel } from '../common/format';
import { useGallery } from '../stores';
import { hasFilters, isUnfiltered, type GalleryQuery } from '../stores/galleryStore';
import { galleryRows } from './galleryRows';
import { GalleryTile } from './GalleryTile';

const TILE = 184;
const GAP = 8;
const DAY_HEADER = 40;
/** Rows rendered beyond the viewport: enough to hide scroll jank, few enough to keep <img> count low. */
const OVERSCAN = 2;
/** Once the person scrolls, ask for the next page this many rows before the end. */
const PREFETCH_ROWS = 6;

/**
 * The whole history as one virtual list of rows: only the rows on screen (plus a small overscan)
 * exist in the DOM, so 100,000 generations cost as much to draw as one screenful.
 */
export function GalleryGrid() {
  const { query, items, loading, complete, loadError, loadMore, clearFilters } = useGallery((state) => ({
    query: state.query,
    items: state.items,
    loading: state.loading,
    complete: state.complete,
    loadError: state.loadError,
    loadMore: state.loadMore,
    clearFilters: state.clearFilters,
  }));
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumnCount(scrollRef);
  const rows = useMemo(() => galleryRows(items, columns), [items, columns]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' ? DAY_HEADER : TILE + GAP),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: OVERSCAN,
    // Lets the first screen render before the browser has measured the scroll container.
    initialRect: { width: 1200, height: 900 },
  });
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

  return (
    <div
      ref={scrollRef}
      className="gallery-scroll"
      role="grid"
      aria-label="Generations"
      aria-rowcount={rows.length}
      aria-busy={loading}
      onScroll={(event) => {
        if (event.currentTarget.scrollTop > 0) setReadingAhead(true);
      }}
    >
      {items.length === 0 && (
        <div className="gallery-empty" role="status">
          {loading ? 'Loading your history…' : (loadError ?? <EmptyResult query={query} onClear={() => void clearFilters()} />)}
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
                row.items.map((item) => (
                  <GalleryTile key={item.id} item={item} onScreen={virtualRow.end > viewportTop && virtualRow.start < viewportBottom} />
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
  const search = query.search.trim();
  return (
    <>
      {search ? `No generations match “${search}”${hasFilters(query) ? ' with these filters' : ''}.` : 'No generations match these filters.'}{' '}
      <button type="button" className="link-button" onClick={onClear}>Clear filters</button>
    </>
  );
}

const columnsFor = (contentWidth: number) => Math.max(1, Math.floor((contentWidth - GAP) / (TILE + GAP)));

/**
 * How many tiles fit across the grid's content box. Kept as a count, not a width: a resize that
 * leaves the count alone (the observer's first report, a scrollbar appearing) re-renders nothing.
 */
function useColumnCount(ref: React.RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(() => columnsFor(1200));
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Measured before the first paint so the first thumbnails asked for are the right ones.
    const style = getComputedStyle(element);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    if (element.clientWidth > 0) setColumns(columnsFor(element.clientWidth - padding));
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setColumns(columnsFor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return columns;
}
