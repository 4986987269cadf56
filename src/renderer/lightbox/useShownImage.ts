import { useEffect, useState } from 'react';
import type { GenerationImage } from '../../shared/ipc/contract';
import { useGenerationDetail } from '../detail/useGenerationDetail';
import { useApi, useAppStore } from '../stores';
import type { GalleryItem } from '../stores/galleryItem';

export interface ShownImage {
  /** Null until the generation's images are known (the cover is shown meanwhile). */
  id: string | null;
  relPath: string | null;
  missing: boolean;
  /** Its thumbnail is on screen while the engine downloads the full image (a team member's import). */
  fullPending: boolean;
  /** 1-based place among the generation's images. */
  position: number;
  count: number;
}

export interface GenerationImages {
  shown: ShownImage;
  /** The generation's images, once its detail has arrived. */
  images: GenerationImage[] | null;
  /** Moves to the previous (-1) or next (+1) image of the same generation; stops at either end. */
  stepImage(delta: number): void;
  /** Shows the image at this 0-based place (the filmstrip). */
  showImage(index: number): void;
}

/** Which image is wanted: by id, and by place for when that image is gone (its successor moves up into it). */
interface Wanted {
  generationId: string;
  imageId: string;
  index: number;
}

/**
 * Which image of the lightbox's generation is on screen. The gallery keeps only each
 * generation's cover, so its images come from the generation's detail: fetched once per
 * generation shown, and again when the gallery's summary says its images changed (one trashed,
 * or brought back by Undo). The image is followed by id, so Undo shows the restored image again
 * and a trashed one gives its place to the next (the new last one when it was the last).
 */
export function useShownImage(item: GalleryItem | undefined): GenerationImages {
  const imagesChanged = item ? `${item.imageCount}:${item.imageRelPath ?? ''}:${String(item.imageMissing)}` : null;
  const { detail } = useGenerationDetail(item?.id ?? null, imagesChanged);
  const [wanted, setWanted] = useState<Wanted | null>(null);
  // Full images the engine downloaded for images shown with only their thumbnail (images.fetchFull).
  const [fetched, setFetched] = useState<ReadonlyMap<string, GenerationImage>>(new Map());
  const api = useApi();
  const reportError = useAppStore((state) => state.reportError);
  // Another generation starts at its first image, also when coming back to one seen before.
  if (wanted && wanted.generationId !== item?.id) setWanted(null);

  const images = detail && item && detail.id === item.id ? detail.images.map((one) => fetched.get(one.id) ?? one) : null;
  const index = images && item && wanted?.generationId === item.id ? indexOf(images, wanted) : 0;
  const image = images?.[index];
  // Its thumbnail stays on screen until the engine has the full image (downloaded once, however often asked).
  const pendingId = image?.thumbnailOnly === true ? image.id : null;
  useEffect(() => {
    if (pendingId === null) return;
    api.images.fetchFull({ imageId: pendingId }).then(
      (full) => setFetched((before) => new Map(before).set(full.id, full)),
      (error: unknown) => reportError(error),
    );
  }, [api, pendingId, reportError]);

  const shown: ShownImage = image
    ? image.thumbnailOnly === true
      ? { id: image.id, relPath: image.thumbRelPath, missing: false, fullPending: true, position: index + 1, count: images.length }
      : { id: image.id, relPath: image.relPath, missing: image.missing, fullPending: false, position: index + 1, count: images.length }
    : item?.thumbnailOnly === true
      ? { id: null, relPath: item.thumbRelPath, missing: false, fullPending: true, position: 1, count: item.imageCount }
      : { id: null, relPath: item?.imageRelPath ?? null, missing: item?.imageMissing ?? false, fullPending: false, position: 1, count: item?.imageCount ?? 0 };

  const showImage = (wantedIndex: number) => {
    if (!images || !item || images.length === 0) return;
    const target = Math.min(Math.max(wantedIndex, 0), images.length - 1);
    const next = images[target];
    if (next) setWanted({ generationId: item.id, imageId: next.id, index: target });
  };

  return { shown, images, stepImage: (delta: number) => showImage(index + delta), showImage };
}

function indexOf(images: GenerationImage[], wanted: Wanted): number {
  const byId = images.findIndex((image) => image.id === wanted.imageId);
  return byId >= 0 ? byId : Math.min(wanted.index, images.length - 1);
}
