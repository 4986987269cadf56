/**
 * Remembers the window's size and position in a small JSON file in the app's data folder.
 * No electron import: the display work areas come in as plain rectangles, so this is tested.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../library/atomic';
import { DEFAULT_WINDOW_BOUNDS, MIN_WINDOW_SIZE, type WindowBounds } from './policy';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

const storedBoundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** The saved bounds, or the defaults when the file is missing, unreadable or not ours. */
export async function loadWindowBounds(file: string): Promise<WindowBounds> {
  try {
    const parsed = storedBoundsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_BOUNDS;
  } catch {
    return DEFAULT_WINDOW_BOUNDS;
  }
}

export async function saveWindowBounds(file: string, bounds: WindowBounds): Promise<void> {
  await writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(bounds)));
}

/**
 * Keeps a remembered window usable after the displays changed (a monitor unplugged): the size is
 * clamped to the largest work area, and a position whose title bar is on no display is dropped
 * so the window opens centred.
 */
export function fitBoundsToDisplays(bounds: WindowBounds, workAreas: readonly Rectangle[]): WindowBounds {
  if (workAreas.length === 0) return bounds;
  const maxWidth = Math.max(...workAreas.map((area) => area.width));
  const maxHeight = Math.max(...workAreas.map((area) => area.height));
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(bounds.width, maxWidth));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(bounds.height, maxHeight));
  if (bounds.x === undefined || bounds.y === undefined) return { width, height };
  const { x, y } = bounds;
  // The top 40 px across the middle of the window: where a person grabs it to move it.
  const titleBarVisible = workAreas.some(
    (area) => x + width / 2 >= area.x && x + width / 2 < area.x + area.width && y >= area.y && y + 40 <= area.y + area.height,
  );
  return titleBarVisible ? { x, y, width, height } : { width, height };
}
