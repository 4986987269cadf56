// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { Lightbox } from '../../src/renderer/lightbox/Lightbox';
import { createFakeEngine, generation } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

function setup() {
  const engine = createFakeEngine({
    'generations.page': async () => ({ items: ['g1', 'g2', 'g3'].map((id) => generation(id)), nextCursor: null }),
    'generations.facets': async () => ({ total: 3, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 }),
    'generations.setFavourite': async () => undefined,
    'generations.setRating': async () => undefined,
    'generations.trash': async ({ ids }) => ({ batchId: 'batch-1', count: ids.length }),
    'generations.undoTrash': async () => ({ restored: 1 }),
  });
  const rendered = renderWithEngine(engine, <><Lightbox /><Toasts /></>);
  return { engine, ...rendered };
}

const press = (key: string) => act(() => void fireEvent.keyDown(window, { key }));
const shownName = () => screen.getByRole('dialog', { name: 'Lightbox' }).querySelector('figcaption')?.textContent ?? '';

describe('lightbox keyboard', () => {
  it('browses, favourites, rates, trashes with undo, compares and closes', async () => {
    const { engine, stores } = setup();
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openLightbox('g1'));
    expect(shownName()).toContain('g1.png');

    press('ArrowRight');
    expect(shownName()).toContain('g2.png');
    press('ArrowLeft');
    expect(shownName()).toContain('g1.png');

    press('f');
    await waitFor(() => expect(engine.callsTo('generations.setFavourite')).toEqual([{ id: 'g1', favourite: true }]));
    expect(screen.getByRole('button', { name: 'Favourite' }).getAttribute('aria-pressed')).toBe('true');

    press('4');
    await waitFor(() => expect(engine.callsTo('generations.setRating')).toEqual([{ id: 'g1', rating: 4 }]));

    press('Delete');
    await waitFor(() => expect(engine.callsTo('generations.trash')).toEqual([{ ids: ['g1'] }]));
    // The next survivor takes its place, as in a photo viewer.
    await waitFor(() => expect(shownName()).toContain('g2.png'));
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(engine.callsTo('generations.undoTrash')).toEqual([{ batchId: 'batch-1' }]));

    press('c');
    expect(stores.gallery.getState().compare).toEqual({ leftId: 'g2', rightId: null });

    press('Escape');
    expect(screen.queryByRole('dialog', { name: 'Lightbox' })).toBeNull();
  });

  it('puts a favourite back and says why when the engine refuses it', async () => {
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [generation('gone')], nextCursor: null }),
      'generations.facets': async () => ({ total: 1, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 }),
    });
    const { stores } = renderWithEngine(engine, <><Lightbox /><Toasts /></>);
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openLightbox('gone'));

    press('F');
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Favourite' }).getAttribute('aria-pressed')).toBe('false');
  });
});
