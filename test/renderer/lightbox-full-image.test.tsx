// @vitest-environment happy-dom
/**
 * A team member's generation brought in thumbnails first: the gallery shows its thumbnail, the
 * lightbox shows the thumbnail while it asks the engine for the full image, then the full one,
 * and the detail panel's Open and Reveal reach the full file (downloaded first), never the thumbnail.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerationImage } from '../../src/shared/ipc/contract';
import { Toasts } from '../../src/renderer/common/Toasts';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { GalleryTile } from '../../src/renderer/gallery/GalleryTile';
import { Lightbox } from '../../src/renderer/lightbox/Lightbox';
import { toGalleryItem } from '../../src/renderer/stores/galleryItem';
import { createFakeEngine, generation, generationDetail } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

const FACETS = { total: 0, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 };

const thumbnailOnly = (index: number): GenerationImage => ({
  id: `img-${index}`, relPath: `outputs/team-${index}.png`, thumbRelPath: `thumbs/team-${index}.webp`, width: 512, height: 512, assetId: `asset_${index}`, missing: true, thumbnailOnly: true,
});

async function openImported() {
  let deliver: (image: GenerationImage) => void = () => {};
  const asked: string[] = [];
  const images = [thumbnailOnly(0), thumbnailOnly(1)];
  const summary = generation('g1', { cover: images[0]!, imageCount: 2, origin: 'another-machine', author: 'user_ana' });
  const engine = createFakeEngine({
    'generations.page': async () => ({ items: [summary], nextCursor: null }),
    'generations.facets': async () => FACETS,
    'generations.detail': async ({ id }) => ({ ...generationDetail(id), ...summary, images }),
    'images.fetchFull': ({ imageId }) => {
      asked.push(imageId);
      return new Promise((resolve) => (deliver = resolve));
    },
  });
  const { stores } = renderWithEngine(engine, <><Lightbox /><Toasts /></>);
  await act(() => stores.app.getState().load());
  await act(() => stores.gallery.getState().reload());
  act(() => stores.gallery.getState().openLightbox('g1'));
  return { asked, deliver: (image: GenerationImage) => act(() => deliver(image)) };
}

const shownSrc = () => screen.getByRole('dialog', { name: 'Lightbox' }).querySelector('img')?.getAttribute('src') ?? '';

describe('an imported image of which only the thumbnail is here', () => {
  it('shows the thumbnail while the engine downloads the full image, then the full image', async () => {
    const { asked, deliver } = await openImported();
    await waitFor(() => expect(asked).toEqual(['img-0']));
    expect(shownSrc()).toMatch(/thumbs\/team-0\.webp$/);
    expect(screen.getByTestId('full-image-pending').textContent).toMatch(/downloading the full image/);
    expect(screen.queryByTestId('image-missing')).toBeNull();

    await deliver({ ...thumbnailOnly(0), missing: false, thumbnailOnly: false });
    await waitFor(() => expect(shownSrc()).toMatch(/outputs\/team-0\.png$/));
    expect(screen.queryByTestId('full-image-pending')).toBeNull();
    // Only the image on screen is asked for.
    expect(asked).toEqual(['img-0']);
  });

  it('shows in the gallery from its thumbnail, not as a missing file', async () => {
    const item = toGalleryItem(generation('g1', { cover: thumbnailOnly(0), imageCount: 2 }));
    const { stores } = renderWithEngine(createFakeEngine({}), <div role="grid"><div role="row"><GalleryTile item={item} width={200} height={200} focusable onScreen /></div></div>);
    await act(() => stores.app.getState().load());
    await waitFor(() => expect(screen.getByRole('gridcell').querySelector('img')?.getAttribute('src') ?? '').toMatch(/thumbs\/team-0\.webp$/));
    expect(screen.queryByTestId('image-missing')).toBeNull();
  });

  it('opens and reveals from the detail panel only the full file, which the engine downloads first', async () => {
    const images = [thumbnailOnly(0), thumbnailOnly(1)];
    const downloaded = new Set<string>();
    const current = (image: GenerationImage): GenerationImage => (downloaded.has(image.id) ? { ...image, missing: false, thumbnailOnly: false } : image);
    const summary = generation('g1', { cover: images[0]!, imageCount: 2, origin: 'another-machine', author: 'user_ana' });
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [summary], nextCursor: null }),
      'generations.facets': async () => FACETS,
      'generations.detail': async ({ id }) => ({ ...generationDetail(id), ...summary, images: images.map(current) }),
      'images.fetchFull': async ({ imageId }) => {
        downloaded.add(imageId);
        return current(images.find((image) => image.id === imageId)!);
      },
      'library.openFile': async () => undefined,
      'library.revealFile': async () => undefined,
    });
    const { stores } = renderWithEngine(engine, <><DetailPanel /><Toasts /></>);
    await act(() => stores.app.getState().load());
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openDetail('g1'));
    const panel = await screen.findByRole('complementary', { name: 'Generation details' });
    await waitFor(() => expect(panel.querySelectorAll('figure.detail-output')).toHaveLength(2));
    const outputs = () => [...panel.querySelectorAll<HTMLElement>('figure.detail-output')];
    // Only the thumbnail is here: it cannot be dragged out as if it were the image.
    expect(outputs()[0]!.querySelector('.drag-out')?.getAttribute('draggable')).toBe('false');

    fireEvent.click(within(outputs()[0]!).getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(engine.callsTo('library.openFile')).toEqual([{ relPath: 'outputs/team-0.png' }]));
    expect(engine.callsTo('images.fetchFull')).toEqual([{ imageId: 'img-0' }]);
    // The panel shows the downloaded image as the full file it now is.
    await waitFor(() => expect(outputs()[0]!.querySelector('.drag-out')?.getAttribute('draggable')).toBe('true'));
    expect(within(outputs()[0]!).queryByRole('button', { name: 'Download the full output 1' })).toBeNull();

    fireEvent.click(within(outputs()[1]!).getByRole('button', { name: 'Reveal' }));
    await waitFor(() => expect(engine.callsTo('library.revealFile')).toEqual([{ relPath: 'outputs/team-1.png' }]));
    expect(engine.callsTo('images.fetchFull')).toEqual([{ imageId: 'img-0' }, { imageId: 'img-1' }]);
  });
});
