import { useCallback, useLayoutEffect, useRef } from 'react';
import { LibraryImage } from '../common/LibraryImage';
import { libraryUrl } from '../common/libraryUrl';
import { SimulatedBadge } from '../common/SimulatedBadge';
import { stateLabel } from '../common/format';
import { useDialog } from '../common/useDialog';
import { useTrashImage } from '../detail/useTrashImage';
import { useApi, useAppStore, useGallery } from '../stores';
import type { GenerationImage } from '../../shared/ipc/contract';
import type { GalleryItem } from '../stores/galleryItem';
import { useShownImage, type ShownImage } from './useShownImage';
import { ZoomStage } from './ZoomStage';

export const LIGHTBOX_KEYS = '←/→ generation · ↑/↓ image · wheel zoom, drag to pan · F favourite · 1–5 rate · 0 clear rating · Delete trash image · C compare with control · Esc close';

/**
 * One generation full-size, one image at a time, driven from the keyboard so an artist can sort a
 * batch quickly: Left/Right move between generations, Up/Down between the images of one. Delete
 * moves the image shown to the trash, with Undo: the generation stays, with its next image shown,
 * while it has others; with its last image the generation goes too (as images.trash does in the
 * engine) and the lightbox moves on to the next one. A generation with no image at all (failed)
 * goes to the trash whole.
 */
export function Lightbox() {
  const { item, position, total, stepLightbox, closeLightbox, setFavourite, setRating, trash, openCompare } = useGallery((state) => {
    const index = state.items.findIndex((candidate) => candidate.id === state.lightboxId);
    return {
      item: index >= 0 ? state.items[index] : undefined,
      position: index + 1,
      total: state.items.length,
      stepLightbox: state.stepLightbox,
      closeLightbox: state.closeLightbox,
      setFavourite: state.setFavourite,
      setRating: state.setRating,
      trash: state.trash,
      openCompare: state.openCompare,
    };
  });

  const api = useApi();
  const reportError = useAppStore((state) => state.reportError);
  const info = useAppStore((state) => state.info);
  const trashImage = useTrashImage();
  const { shown, images, stepImage, showImage } = useShownImage(item);
  const dialog = useRef<HTMLDivElement>(null);
  const isTop = useDialog(dialog, closeLightbox);
  const trashShownImage = useCallback(
    async (generation: GalleryItem, image: ShownImage, known: GenerationImage[] | null) => {
      try {
        // Pressed before the generation's images arrived: ask for them now.
        const current = known ?? (await api.generations.detail({ id: generation.id })).images;
        const target = current.find((candidate) => candidate.id === image.id) ?? current[0];
        if (target === undefined) return await trash([generation.id]);
        await trashImage({ generationId: generation.id, imageId: target.id, imageCount: current.length });
      } catch (error) {
        reportError(error);
      }
    },
    [api, reportError, trash, trashImage],
  );

  // A layout effect, not a passive one: the listener must hold the images that are on screen from
  // the moment they are drawn. A passive effect runs some time after the commit, and a key pressed
  // in between (the detail has just arrived, Down pressed at once) reached the previous listener,
  // which still held no images, so the step was lost.
  useLayoutEffect(() => {
    if (!item) return;
    const onKey = (event: KeyboardEvent) => {
      // Typing in a field (a tag box behind the overlay) is not a command.
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      // A dialog opened over the lightbox (compare) takes the keys; Esc is the layers' own.
      if (!isTop()) return;
      const key = event.key;
      let handled = true;
      if (key === 'ArrowRight') stepLightbox(1);
      else if (key === 'ArrowLeft') stepLightbox(-1);
      else if (key === 'ArrowDown') stepImage(1);
      else if (key === 'ArrowUp') stepImage(-1);
      else if (key === 'f' || key === 'F') void setFavourite([item.id], !item.favourite);
      else if (/^[0-5]$/.test(key)) void setRating([item.id], Number(key));
      else if (key === 'Delete' || key === 'Backspace') void trashShownImage(item, shown, images);
      else if (key === 'c' || key === 'C') openCompare(item.id, null);
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [item, shown, images, stepLightbox, stepImage, setFavourite, setRating, trashShownImage, openCompare, isTop]);

  if (!item) return null;
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label="Lightbox" ref={dialog}>
      <button type="button" className="lightbox-nav previous" aria-label="Previous" onClick={() => stepLightbox(-1)} disabled={position <= 1}>‹</button>
      <figure className="lightbox-figure">
        <ZoomStage key={shown.id ?? item.id} label={`${item.presetName}: ${item.inputName}`}>
          <LibraryImage relPath={shown.relPath} missing={shown.missing} alt={`${item.presetName}: ${item.inputName}`} className="lightbox-image" eager />
        </ZoomStage>
        {images && images.length > 1 && (
          <ul className="filmstrip" aria-label="Filmstrip">
            {images.map((image, index) => (
              <li key={image.id}>
                {/* A thumbnail as the button's background: the image on screen stays the dialog's only picture. */}
                <button
                  type="button"
                  className="filmstrip-thumb"
                  aria-label={`Image ${index + 1} of ${images.length}`}
                  aria-current={image.id === shown.id ? 'true' : undefined}
                  style={image.missing && image.thumbnailOnly !== true ? undefined : { backgroundImage: `url("${libraryUrl(info, image.thumbRelPath ?? image.relPath) ?? ''}")` }}
                  onClick={() => showImage(index)}
                >
                  {image.missing && image.thumbnailOnly !== true && <span aria-hidden="true">◌</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        <figcaption>
          <span className="lightbox-title">{item.presetName}</span>
          <span className="muted">{item.inputName}</span>
          <SimulatedBadge simulated={item.simulated} />
          {shown.fullPending && (
            <span className="muted" role="status" data-testid="full-image-pending">
              Thumbnail shown: downloading the full image…
            </span>
          )}
          {item.state !== 'done' && <span className="badge">{stateLabel(item.state)}</span>}
          <button
            type="button"
            className={`icon-button${item.favourite ? ' active' : ''}`}
            aria-pressed={item.favourite}
            aria-label="Favourite"
            onClick={() => void setFavourite([item.id], !item.favourite)}
          >
            {item.favourite ? '★' : '☆'}
          </button>
          <span className="rating-buttons" role="group" aria-label="Rating">
            {[1, 2, 3, 4, 5].map((rating) => (
              <button
                key={rating}
                type="button"
                className={`rating-dot${rating <= item.rating ? ' on' : ''}`}
                aria-label={`Rate ${rating}`}
                aria-pressed={rating <= item.rating}
                onClick={() => void setRating([item.id], item.rating === rating ? 0 : rating)}
              />
            ))}
          </span>
          {shown.count > 1 && (
            <span className="lightbox-images" role="group" aria-label="Images of this generation">
              <button type="button" className="icon-button" aria-label="Previous image" onClick={() => stepImage(-1)} disabled={shown.id === null || shown.position <= 1}>▴</button>
              <span data-testid="lightbox-image-position">{`image ${shown.position} of ${shown.count}`}</span>
              <button type="button" className="icon-button" aria-label="Next image" onClick={() => stepImage(1)} disabled={shown.id === null || shown.position >= shown.count}>▾</button>
            </span>
          )}
          <span className="muted">{`${position} / ${total}`}</span>
          <span className="muted keys">{LIGHTBOX_KEYS}</span>
        </figcaption>
      </figure>
      <button type="button" className="lightbox-nav next" aria-label="Next" onClick={() => stepLightbox(1)} disabled={position >= total}>›</button>
      <button type="button" className="lightbox-close" aria-label="Close" onClick={closeLightbox}>×</button>
    </div>
  );
}
