// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GalleryScreen } from '../../src/renderer/gallery/GalleryScreen';
import type { GenerationFacets, GenerationFilters } from '../../src/shared/ipc/contract';
import { createFakeEngine, generation } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** The library's counts, and what a model filter leaves of them. */
function facetsFor(filters: GenerationFilters | undefined): GenerationFacets {
  const narrowed = filters?.modelId === 'model_flux';
  return {
    total: narrowed ? 3 : 10,
    presets: [{ value: 'p1', label: 'Hero poses', count: narrowed ? 3 : 10 }],
    models: narrowed
      ? [{ value: 'model_flux', label: 'Flux Painter', count: 3 }]
      : [{ value: 'model_sdxl', label: 'Armour XL', count: 7 }, { value: 'model_flux', label: 'Flux Painter', count: 3 }],
    families: [{ value: 'sd-xl', label: 'sd-xl', count: narrowed ? 0 : 7 }, { value: 'flux-dev', label: 'flux-dev', count: 3 }].filter((entry) => entry.count > 0),
    modalities: narrowed ? [{ value: 'canny', label: 'canny', count: 3 }] : [{ value: 'depth:0.5,pose', label: 'depth:0.5,pose', count: 7 }, { value: 'canny', label: 'canny', count: 3 }],
    folders: [
      { value: 'f1', label: '/Users/me/HotFolders/poses', count: narrowed ? 0 : 6 },
      { value: 'f2', label: '/Users/me/Client/poses', count: 2 },
      { value: 'f3', label: 'C:\\Art\\sketches', count: 1 },
    ].filter((entry) => entry.count > 0),
    states: [{ value: 'done', label: 'done', count: narrowed ? 3 : 9 }, ...(narrowed ? [] : [{ value: 'failed' as const, label: 'failed', count: 1 }])],
    tags: narrowed ? [] : [{ value: 'hero', label: 'hero', count: 2 }],
    favourites: narrowed ? 0 : 1,
  };
}

/** The panel's values of one facet, as the person reads them: name and count. */
function valuesOf(section: string): string[] {
  const panel = screen.getByRole('complementary', { name: 'Filters' });
  const region = within(panel).getByRole('region', { name: section });
  return within(region).getAllByRole('button').filter((button) => button.hasAttribute('aria-pressed')).map((button) => button.textContent ?? '');
}

describe('finding things', () => {
  it('lists each facet by human names with counts, keeps every value in place as counts change, and says the filters in force as chips', async () => {
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [generation('g1')], nextCursor: null }),
      'generations.facets': async ({ filters }) => facetsFor(filters),
    });
    const { stores } = renderWithEngine(engine, <GalleryScreen />);
    await waitFor(() => expect(screen.getByRole('status', { name: 'Result count' }).textContent).toBe('10 results'));

    // Names people know, never ids or paths: folder names (the parent added where two share one),
    // modality words, the family's name.
    expect(valuesOf('Model')).toEqual(['Armour XL7', 'Flux Painter3']);
    expect(valuesOf('Folder')).toEqual(['poses (HotFolders)6', 'poses (Client)2', 'sketches1']);
    expect(valuesOf('Modality')).toEqual(['Depth 0.5 + Pose7', 'Canny edges3']);
    expect(valuesOf('Model family')).toEqual(['SDXL7', 'Flux dev3']);
    expect(valuesOf('State')).toEqual(['Done9', 'Failed1']);
    const chips = screen.getByRole('list', { name: 'Active filters' });
    expect(chips.textContent).toBe('Showing the whole library');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: /^Flux Painter/ }));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Result count' }).textContent).toBe('3 results'));
    expect(engine.callsTo('generations.page').at(-1)).toMatchObject({ filters: { modelId: 'model_flux' } });
    // Same values, same places: the chosen one pressed with its count, the other model blank
    // (picking it replaces the choice), values the filter leaves out at 0.
    expect(valuesOf('Model')).toEqual(['Armour XL', 'Flux Painter3']);
    expect(screen.getByRole('button', { name: /^Flux Painter/ }).getAttribute('aria-pressed')).toBe('true');
    expect(valuesOf('Folder')).toEqual(['poses (HotFolders)0', 'poses (Client)2', 'sketches1']);
    expect(valuesOf('Modality')).toEqual(['Depth 0.5 + Pose0', 'Canny edges3']);
    expect(within(chips).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['Model: Flux Painter', 'Clear filters']);

    fireEvent.click(screen.getByRole('button', { name: 'Rated 4 or more' }));
    await waitFor(() => expect(engine.callsTo('generations.page').at(-1)).toMatchObject({ filters: { modelId: 'model_flux', minRating: 4 } }));
    // A chip's × lifts that filter alone.
    fireEvent.click(within(chips).getByRole('button', { name: 'Remove filter Model: Flux Painter' }));
    await waitFor(() => expect(stores.gallery.getState().query.filters).toEqual({ trashed: false, modelId: undefined, minRating: 4 }));
    expect(within(chips).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['Rated 4★ or more', 'Clear filters']);

    await act(() => stores.gallery.getState().setQuery({ search: 'knight' }));
    fireEvent.click(within(chips).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(chips.textContent).toBe('Showing the whole library'));
    expect(screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search history' }).value).toBe('');
    expect(engine.callsTo('generations.page').at(-1)).toEqual({ filters: { trashed: false }, cursor: null, limit: 60 });
  });

  it('searches as the person types from a word\'s second letter: one letter being typed leaves the grid as it was', async () => {
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [generation('g1')], nextCursor: null }),
      'generations.facets': async ({ filters }) => facetsFor(filters),
    });
    renderWithEngine(engine, <GalleryScreen />);
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search history' });
    await waitFor(() => expect(engine.callsTo('generations.page')).toHaveLength(1));
    const searchedFor = async (text: string) => {
      const before = engine.callsTo('generations.page').length;
      fireEvent.change(box, { target: { value: text } });
      await waitFor(() => expect(engine.callsTo('generations.page').length).toBe(before + 1));
      return engine.callsTo('generations.page').at(-1)?.search;
    };
    fireEvent.change(box, { target: { value: 'c' } });
    expect(box.value).toBe('c');
    expect(await searchedFor('ca')).toBe('ca');
    // The letter alone asked the engine nothing: the grid stayed as it was.
    expect(engine.callsTo('generations.page').map((call) => call.search)).toEqual([undefined, 'ca']);
    expect(await searchedFor('castle k')).toBe('castle');
    expect(await searchedFor('castle kn')).toBe('castle kn');
    // With a space after it, one letter is a word to search for.
    expect(await searchedFor('c ')).toBe('c');
  });

  it('folds the facet panel away and remembers it', async () => {
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [generation('g1')], nextCursor: null }),
      'generations.facets': async ({ filters }) => facetsFor(filters),
    });
    renderWithEngine(engine, <GalleryScreen />);
    const toggle = screen.getByRole('button', { name: 'Filters' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('complementary', { name: 'Filters' })).toBeTruthy();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('complementary', { name: 'Filters' })).toBeNull();
    cleanup();

    renderWithEngine(engine, <GalleryScreen />);
    expect(screen.getByRole('button', { name: 'Filters' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('stacks reproductions and variations under their generation when asked, and remembers it', async () => {
    const engine = createFakeEngine({
      'generations.page': async ({ stacked }) => ({
        items: stacked ? [generation('g1', { stackSize: 2 })] : [generation('g3', { parentId: 'g1' }), generation('g2', { parentId: 'g1' }), generation('g1', { stackSize: 2 })],
        nextCursor: null,
      }),
      'generations.facets': async ({ filters }) => facetsFor(filters),
    });
    const { stores } = renderWithEngine(engine, <GalleryScreen />);
    // happy-dom lays nothing out, so the virtual grid draws no tile: the store's items are what it shows.
    const shown = () => stores.gallery.getState().items.map((item) => [item.id, item.stackSize]);
    await waitFor(() => expect(shown()).toEqual([['g3', 0], ['g2', 0], ['g1', 2]]));
    expect(engine.callsTo('generations.page').at(-1)).not.toHaveProperty('stacked');

    fireEvent.click(screen.getByRole('checkbox', { name: 'Stack versions' }));
    await waitFor(() => expect(shown()).toEqual([['g1', 2]]));
    expect(engine.callsTo('generations.page').at(-1)).toMatchObject({ stacked: true });
    // A new version joins its parent's stack rather than the grid.
    act(() => stores.gallery.getState().applyDone(generation('g4', { parentId: 'g1' })));
    expect(shown()).toEqual([['g1', 3]]);
    expect(localStorage.getItem('scenario-hotfolder.stacked')).toBe('yes');
  });
});
