import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_BOUNDS, MIN_WINDOW_SIZE } from '../../src/main/electron/policy';
import { fitBoundsToDisplays, loadWindowBounds, saveWindowBounds } from '../../src/main/electron/window-state';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'window-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('window bounds file', () => {
  it('round-trips the bounds and falls back to defaults on a missing or foreign file', async () => {
    const file = join(dir, 'window-bounds.json');
    expect(await loadWindowBounds(file)).toEqual(DEFAULT_WINDOW_BOUNDS);
    await saveWindowBounds(file, { x: 10, y: 20, width: 1100, height: 800 });
    expect(await loadWindowBounds(file)).toEqual({ x: 10, y: 20, width: 1100, height: 800 });
    await writeFile(file, '{"width":"wide"}');
    expect(await loadWindowBounds(file)).toEqual(DEFAULT_WINDOW_BOUNDS);
    await writeFile(file, 'not json');
    expect(await loadWindowBounds(file)).toEqual(DEFAULT_WINDOW_BOUNDS);
  });
});

describe('fitBoundsToDisplays', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  it('keeps a window that is on a display', () => {
    expect(fitBoundsToDisplays({ x: 100, y: 50, width: 1200, height: 800 }, [laptop])).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
  });
  it('drops the position of a window left on an unplugged monitor', () => {
    expect(fitBoundsToDisplays({ x: 2000, y: 100, width: 1200, height: 800 }, [laptop])).toEqual({ width: 1200, height: 800 });
  });
  it('shrinks a window larger than every display, never below the minimum', () => {
    expect(fitBoundsToDisplays({ width: 5000, height: 3000 }, [laptop])).toEqual({ width: 1440, height: 900 });
    expect(fitBoundsToDisplays({ width: 10, height: 10 }, [laptop])).toEqual(MIN_WINDOW_SIZE);
  });
});
