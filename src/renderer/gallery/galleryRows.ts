import type { GalleryItem } from '../stores/galleryItem';

/** One tile placed in its row: its art's width (its height is the row's). */
export interface PlacedTile {
  item: GalleryItem;
  width: number;
}

/** The virtual list's rows: a day header, then that day's tiles in justified rows. */
export type GalleryRow =
  | { kind: 'day'; key: string; day: string }
  | { kind: 'tiles'; key: string; tiles: PlacedTile[]; artHeight: number };

export interface RowLayout {
  /** The grid's content width. */
  width: number;
  /** The height a row aims for (the size slider); a full row is scaled to fill the width exactly. */
  targetHeight: number;
  gap: number;
}

/**
 * A justified grid (as photo browsers lay out): each day's tiles keep their aspect ratio and fill
 * rows edge to edge; the last row of a day keeps the target height rather than stretching. Every
 * size comes from the rows' data (each image's recorded size), never from a loaded image, so
 * nothing moves when the thumbnails arrive.
 */
export function galleryRows(items: readonly GalleryItem[], layout: RowLayout): GalleryRow[] {
  const rows: GalleryRow[] = [];
  const width = Math.max(layout.width, layout.targetHeight);
  let start = 0;
  while (start < items.length) {
    const day = items[start]?.day ?? 'unknown';
    let end = start;
    while (end < items.length && items[end]?.day === day) end++;
    rows.push({ kind: 'day', key: `day-${day}-${start}`, day });
    let row: GalleryItem[] = [];
    let aspects = 0;
    const close = (full: boolean) => {
      const room = width - layout.gap * (row.length - 1);
      const artHeight = full ? room / aspects : layout.targetHeight;
      const tiles = row.map((item) => ({ item, width: Math.floor(item.aspect * artHeight) }));
      rows.push({ kind: 'tiles', key: `tiles-${row[0]?.id ?? rows.length}`, tiles, artHeight: Math.floor(artHeight) });
      row = [];
      aspects = 0;
    };
    for (let index = start; index < end; index++) {
      const item = items[index];
      if (!item) continue;
      row.push(item);
      aspects += item.aspect;
      if (aspects * layout.targetHeight + layout.gap * (row.length - 1) >= width) close(true);
    }
    if (row.length > 0) close(false);
    start = end;
  }
  return rows;
}

/**
 * The tile an arrow key moves to: left and right follow the order, up and down go to the tile of
 * the row above or below whose middle is nearest. Null at an edge.
 */
export function neighbour(rows: readonly GalleryRow[], id: string, key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown', gap: number): string | null {
  const tileRows = rows.filter((row): row is Extract<GalleryRow, { kind: 'tiles' }> => row.kind === 'tiles');
  const rowIndex = tileRows.findIndex((row) => row.tiles.some((tile) => tile.item.id === id));
  const row = tileRows[rowIndex];
  if (!row) return null;
  if (key === 'ArrowLeft' || key === 'ArrowRight') {
    const order = tileRows.flatMap((each) => each.tiles.map((tile) => tile.item.id));
    const at = order.indexOf(id) + (key === 'ArrowRight' ? 1 : -1);
    return order[at] ?? null;
  }
  const target = tileRows[rowIndex + (key === 'ArrowDown' ? 1 : -1)];
  if (!target) return null;
  const middle = middles(row, gap).get(id) ?? 0;
  let best: { id: string; distance: number } | null = null;
  for (const [candidate, x] of middles(target, gap)) {
    const distance = Math.abs(x - middle);
    if (best === null || distance < best.distance) best = { id: candidate, distance };
  }
  return best?.id ?? null;
}

function middles(row: Extract<GalleryRow, { kind: 'tiles' }>, gap: number): Map<string, number> {
  const result = new Map<string, number>();
  let x = 0;
  for (const tile of row.tiles) {
    result.set(tile.item.id, x + tile.width / 2);
    x += tile.width + gap;
  }
  return result;
}
