// @vitest-environment happy-dom
/**
 * A team member's generation brought in thumbnails first: the gallery shows its thumbnail, and
 * the lightbox shows the thumbnail while it asks the engine for the full image, then the full one.
 */
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerationImage } from '../../src/shared/ipc/contract';
import { Toasts } from '../../src/renderer/common/Toasts';
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
});
