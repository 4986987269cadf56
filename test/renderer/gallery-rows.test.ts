import { describe, expect, it } from 'vitest';
import { galleryRows, neighbour, type GalleryRow } from '../../src/renderer/gallery/galleryRows';
import { toGalleryItem } from '../../src/renderer/stores/galleryItem';
import { generation } from './fake-engine';

const LAYOUT = { width: 1000, targetHeight: 200, gap: 10 };

/** A generation whose first output is `width`×`height`, made on `day` (local noon). */
function item(id: string, width: number, height: number, day = '2025-06-01') {
  const summary = generation(id, { createdAt: new Date(`${day}T12:00:00`).toISOString() });
  return toGalleryItem({ ...summary, cover: summary.cover && { ...summary.cover, width, height } });
}

const tileRows = (rows: GalleryRow[]) => rows.filter((row): row is Extract<GalleryRow, { kind: 'tiles' }> => row.kind === 'tiles');

describe('justified gallery rows', () => {
  it('keeps each aspect ratio and fills full rows edge to edge; the last row keeps the target height', () => {
    const items = [item('wide', 1536, 768), item('square', 1024, 1024), item('tall', 768, 1152), item('square2', 512, 512), item('last', 512, 512)];
    const layout = { ...LAYOUT, width: 900 };
    const rows = galleryRows(items, layout);
    expect(rows[0]).toMatchObject({ kind: 'day', day: '2025-06-01' });
    const [full, last] = tileRows(rows);
    // 2 + 1 + 2/3 + 1 = 4.67 aspects: at 200 px (with gaps) they pass 900 px, so the row is scaled down to fit.
    expect(full?.tiles.map((tile) => tile.item.id)).toEqual(['wide', 'square', 'tall', 'square2']);
    const used = (full?.tiles.reduce((sum, tile) => sum + tile.width, 0) ?? 0) + layout.gap * 3;
    expect(used).toBeGreaterThan(layout.width - 5);
    expect(used).toBeLessThanOrEqual(layout.width);
    expect(full?.artHeight).toBeLessThan(200);
    for (const tile of full?.tiles ?? []) expect(Math.abs(tile.width / (full?.artHeight ?? 1) - tile.item.aspect)).toBeLessThan(0.02);
    expect(last).toMatchObject({ artHeight: 200, tiles: [{ width: 200 }] });
  });

  it('starts a new day on a new row, and a missing size counts as square', () => {
    const noSize = toGalleryItem({ ...generation('unknown'), cover: null, control: null });
    expect(noSize.aspect).toBe(1);
    const rows = galleryRows([item('a', 512, 512, '2025-06-02'), item('b', 512, 512, '2025-06-01')], LAYOUT);
    expect(rows.map((row) => row.kind)).toEqual(['day', 'tiles', 'day', 'tiles']);
  });

  it('moves with the arrows: along the order, and up or down to the nearest tile', () => {
    // Five squares per 1000 px row at 200 px with 10 px gaps (5 × 200 + 4 × 10 = 1040 passes it).
    const items = Array.from({ length: 12 }, (_, index) => item(`g${index}`, 512, 512));
    const rows = galleryRows(items, LAYOUT);
    expect(tileRows(rows).map((row) => row.tiles.length)).toEqual([5, 5, 2]);
    expect(neighbour(rows, 'g0', 'ArrowRight', LAYOUT.gap)).toBe('g1');
    expect(neighbour(rows, 'g5', 'ArrowLeft', LAYOUT.gap)).toBe('g4');
    expect(neighbour(rows, 'g0', 'ArrowLeft', LAYOUT.gap)).toBeNull();
    expect(neighbour(rows, 'g2', 'ArrowDown', LAYOUT.gap)).toBe('g7');
    expect(neighbour(rows, 'g7', 'ArrowUp', LAYOUT.gap)).toBe('g2');
    // The last row's tiles keep 200 px: g9 (far right) goes down to the nearest, g11.
    expect(neighbour(rows, 'g9', 'ArrowDown', LAYOUT.gap)).toBe('g11');
    expect(neighbour(rows, 'g11', 'ArrowDown', LAYOUT.gap)).toBeNull();
  });
});
