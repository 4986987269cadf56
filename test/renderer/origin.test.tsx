// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncLine } from '../../src/renderer/common/SyncLine';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { GalleryTile } from '../../src/renderer/gallery/GalleryTile';
import { toGalleryItem } from '../../src/renderer/stores/galleryItem';
import { createFakeEngine, generation, generationDetail } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('generations imported from the team history', () => {
  it('a tile shows where it was made and by whom; one made here shows nothing', () => {
    renderWithEngine(createFakeEngine({}), (
      <>
        <GalleryTile item={toGalleryItem(generation('g1', { origin: 'another-machine', author: 'user_ana' }))} onScreen width={200} height={200} focusable={false} />
        <GalleryTile item={toGalleryItem(generation('g2'))} onScreen width={200} height={200} focusable={false} />
      </>
    ));
    const badges = screen.getAllByTestId('origin-badge');
    expect(badges).toHaveLength(1);
    expect(badges[0]?.textContent).toBe('user_ana');
    expect(badges[0]?.getAttribute('title')).toBe('Imported from Scenario: made on another machine by user_ana');
  });

  it('the detail shows origin and author, and "Reproduce exactly" asks the engine to reproduce the imported generation', async () => {
    const engine = createFakeEngine({
      'generations.detail': async ({ id }) => generationDetail(id, { origin: 'web-app-or-plugin', author: 'user_ben' }),
      'generations.reproduce': async () => ({ generationId: 'g9' }),
    });
    const { stores } = renderWithEngine(engine, <DetailPanel />);
    await act(() => stores.app.getState().load());
    act(() => stores.gallery.getState().openDetail('g1'));
    const badge = await screen.findByTestId('origin-badge', {}, { timeout: 10_000 });
    expect(badge.textContent).toBe('Web app / plugin · user_ben');
    expect(badge.getAttribute('title')).toMatch(/web app or a plugin by user_ben/);
    fireEvent.click(screen.getByRole('button', { name: 'Reproduce exactly' }));
    await waitFor(() => expect(engine.calls.some((call) => call.channel === 'generations.reproduce' && (call.input as { id: string }).id === 'g1')).toBe(true), { timeout: 10_000 });
  });

  it('an imported generation that cannot be sent again says why, and offers no reproduction', async () => {
    const engine = createFakeEngine({
      'generations.detail': async ({ id }) => generationDetail(id, { origin: 'web-app-or-plugin', author: 'user_ben', notReproducible: 'Its request left numInferenceSteps to Scenario\'s defaults.' }),
    });
    const { stores } = renderWithEngine(engine, <DetailPanel />);
    await act(() => stores.app.getState().load());
    act(() => stores.gallery.getState().openDetail('g1'));
    expect((await screen.findByTestId('not-reproducible', {}, { timeout: 10_000 })).textContent).toMatch(/numInferenceSteps/);
    expect((screen.getByRole('button', { name: 'Reproduce exactly' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Vary seed' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a progress line says how the team history import goes while it runs, and goes away after', () => {
    const engine = createFakeEngine({});
    renderWithEngine(engine, <SyncLine />);
    expect(screen.queryByTestId('sync-line')).toBeNull();
    act(() => engine.emit({ name: 'sync.progress', payload: { phase: 'importing', done: 1200, total: 100000 } }));
    expect(screen.getByTestId('sync-line').textContent).toMatch(/Team history: importing 1,200 \/ 100,000/);
    act(() => engine.emit({ name: 'sync.progress', payload: null }));
    expect(screen.queryByTestId('sync-line')).toBeNull();
  });
});
