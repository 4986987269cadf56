// @vitest-environment happy-dom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { GalleryScreen } from '../../src/renderer/gallery/GalleryScreen';
import { startLoading } from '../../src/renderer/stores';
import type { AppInfo } from '../../src/shared/ipc/contract';
import { createFakeEngine, generation } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const facets = (total: number) => ({ total, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 });

describe('gallery', () => {
  it('lays out the first page of tiles while app.info and the queue have not answered yet', async () => {
    const never = new Promise<never>(() => undefined);
    const engine = createFakeEngine({
      'app.info': () => never as Promise<AppInfo>,
      'queue.status': () => never,
      'models.list': async () => ({ models: [], fetchedAt: null, fromCache: false }),
      'generations.page': async () => ({ items: [generation('g1'), generation('g2')], nextCursor: null }),
      'generations.facets': async () => facets(2),
    });
    const { stores } = renderWithEngine(engine, <App />);
    startLoading(stores);

    // A day header and one row of tiles (happy-dom has no layout, so the virtual rows are counted, not drawn).
    const grid = screen.getByRole('grid', { name: 'Generations' });
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('2'));
    expect(stores.app.getState().info).toBeNull();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
  });

  it('counts results in the right number, and a new search starts at the top of the grid', async () => {
    const engine = createFakeEngine({
      'generations.page': async ({ search }) => ({ items: search ? [generation('g1')] : [generation('g1'), generation('g2')], nextCursor: null }),
      'generations.facets': async ({ search }) => facets(search ? 1 : 2),
    });
    const { stores } = renderWithEngine(engine, <GalleryScreen />);
    const count = screen.getByRole('status', { name: 'Result count' });
    await waitFor(() => expect(count.textContent).toBe('2 results'));

    const grid = screen.getByRole('grid', { name: 'Generations' });
    grid.scrollTop = 500;
    expect(grid.scrollTop).toBe(500);
    await act(() => stores.gallery.getState().setQuery({ search: 'knight' }));
    expect(count.textContent).toBe('1 result');
    expect(grid.scrollTop).toBe(0);
  });
});
