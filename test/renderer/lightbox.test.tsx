// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { Lightbox } from '../../src/renderer/lightbox/Lightbox';
import { createFakeEngine, generation } from './fake-engine';
import { imageLibrary } from './image-library';
import { renderWithEngine } from './render';

afterEach(cleanup);

function setup(imageCounts: Record<string, number> = { g1: 1, g2: 1, g3: 1 }) {
  const library = imageLibrary(imageCounts);
  const engine = createFakeEngine({
    ...library.handlers,
    'generations.setFavourite': async () => undefined,
    'generations.setRating': async () => undefined,
  });
  const rendered = renderWithEngine(engine, <><Lightbox /><Toasts /></>);
  return { engine, library, ...rendered };
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

  it('deletes the image shown and keeps the generation while it has others; undo brings the image back', async () => {
    const { engine, library, stores } = setup({ g1: 3, g2: 1 });
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openLightbox('g1'));
    const shownSrc = () => screen.getByRole('dialog', { name: 'Lightbox' }).querySelector('img')?.getAttribute('src') ?? '';
    expect(shownSrc()).toMatch(/outputs\/g1-0\.png$/);

    press('Delete');
    await waitFor(() => expect(engine.callsTo('images.trash')).toEqual([{ imageIds: ['g1-image-0'] }]));
    expect(await screen.findByText('Moved 1 image to the trash.')).toBeTruthy();
    // Still on the same generation, now showing its next image.
    await waitFor(() => expect(shownSrc()).toMatch(/outputs\/g1-1\.png$/));
    expect(shownName()).toContain('g1.png');
    expect(engine.callsTo('generations.trash')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(library.imagesOf('g1')).toEqual(['g1-image-0', 'g1-image-1', 'g1-image-2']));
    await waitFor(() => expect(shownSrc()).toMatch(/outputs\/g1-0\.png$/));
  });

  it('moves on to the next generation when the image shown was its last', async () => {
    const { engine, library, stores } = setup({ g1: 1, g2: 2 });
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openLightbox('g1'));

    press('Delete');
    await waitFor(() => expect(shownName()).toContain('g2.png'));
    expect(engine.callsTo('images.trash')).toEqual([]);
    expect(library.isTrashed('g1')).toBe(true);
    expect(await screen.findByText('Moved 1 generation to the trash.')).toBeTruthy();
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
