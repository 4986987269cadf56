// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
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

  it('says that a search matched nothing (not that the library is empty) and clears it back to the library', async () => {
    const engine = createFakeEngine({
      'generations.page': async ({ search, filters }) => ({ items: search || filters?.favourite ? [] : [generation('g1'), generation('g2')], nextCursor: null }),
      'generations.facets': async ({ search, filters }) => facets(search || filters?.favourite ? 0 : 2),
    });
    renderWithEngine(engine, <GalleryScreen />);
    const grid = screen.getByRole('grid', { name: 'Generations' });
    // A day header and a row of two tiles (happy-dom has no layout: rows are counted, not drawn).
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('2'));
    // Nothing to clear yet.
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();

    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search history' });
    fireEvent.change(box, { target: { value: 'zzz ' } });
    const empty = await screen.findByText(/No generations match/);
    expect(empty.textContent).toContain('No generations match “zzz”.');
    expect(screen.queryByText(/Nothing here yet/)).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: /Favourites/ }));
    await waitFor(() => expect(empty.textContent).toContain('No generations match “zzz” with these filters.'));

    fireEvent.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('2'));
    expect(box.value).toBe('');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Favourites/ }).checked).toBe(false);
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
    expect(engine.callsTo('generations.page').at(-1)).toEqual({ filters: { trashed: false }, cursor: null, limit: 60 });
  });

  it('says an empty library is empty, with nothing to clear', async () => {
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [], nextCursor: null }),
      'generations.facets': async () => facets(0),
    });
    renderWithEngine(engine, <GalleryScreen />);
    expect((await screen.findByText(/Nothing here yet/)).textContent).toBe('Nothing here yet. Drop a control image into a watched folder.');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });

  it('asks for the counts of a filter at once, and a search\'s only once typing has paused', async () => {
    // Each facets call says whether it came in the same turn as the page's answer: a turn ends
    // with a timer of 0 ms, which only runs once every promise reaction queued before it has run.
    let pageTurnOver = false;
    const sameTurn: boolean[] = [];
    const engine = createFakeEngine({
      'generations.page': async () => {
        pageTurnOver = false;
        setTimeout(() => (pageTurnOver = true), 0);
        return { items: [generation('g1')], nextCursor: null };
      },
      'generations.facets': async () => {
        sameTurn.push(!pageTurnOver);
        return facets(1);
      },
    });
    const { stores } = renderWithEngine(engine, <GalleryScreen />);
    await waitFor(() => expect(sameTurn).toHaveLength(1));
    await act(() => stores.gallery.getState().setQuery({ filters: { trashed: false, favourite: true } }));
    await act(() => stores.gallery.getState().setQuery({ search: 'knight' }));
    expect(sameTurn).toEqual([true, true, false]);
  });
});
