import type { GalleryItem } from '../stores/galleryItem';

/** The virtual list's rows: a day header, then that day's tiles cut into rows of `columns`. */
export type GalleryRow =
  | { kind: 'day'; key: string; day: string }
  | { kind: 'tiles'; key: string; items: GalleryItem[] };

export function galleryRows(items: readonly GalleryItem[], columns: number): GalleryRow[] {
  const rows: GalleryRow[] = [];
  const perRow = Math.max(1, columns);
  let start = 0;
  while (start < items.length) {
    const day = items[start]?.day ?? 'unknown';
    let end = start;
    while (end < items.length && items[end]?.day === day) end++;
    rows.push({ kind: 'day', key: `day-${day}-${start}`, day });
    for (let offset = start; offset < end; offset += perRow) {
      const slice = items.slice(offset, Math.min(offset + perRow, end));
      rows.push({ kind: 'tiles', key: `tiles-${slice[0]?.id ?? offset}`, items: slice });
    }
    start = end;
  }
  return rows;
}
