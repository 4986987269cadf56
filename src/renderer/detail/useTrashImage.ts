import { useCallback } from 'react';
import { countOf } from '../common/format';
import { TRASH_TOAST_MS, trashedToast } from '../common/trashToast';
import { useApi, useAppStore, useGallery } from '../stores';

export interface ImageToTrash {
  generationId: string;
  imageId: string;
  /** How many images the generation has now, this one included. */
  imageCount: number;
}

/**
 * Moves one output image to the trash, with an Undo toast. A generation's last image takes the
 * generation with it (the engine's rule for images.trash too): that goes through the gallery's
 * own trash, so the tile leaves the grid, the detail closes and the lightbox moves on to the next
 * generation at once, and its Undo restores both. `onChanged` runs after the image goes and after
 * an undo brings it back (a view that shows the generation's images reloads them).
 */
export function useTrashImage(): (image: ImageToTrash, onChanged?: () => void) => Promise<void> {
  const api = useApi();
  const { toast, reportError } = useAppStore((state) => ({ toast: state.toast, reportError: state.reportError }));
  const { trashGenerations, applyLibraryChange } = useGallery((state) => ({ trashGenerations: state.trash, applyLibraryChange: state.applyLibraryChange }));

  return useCallback(
    async ({ generationId, imageId, imageCount }: ImageToTrash, onChanged?: () => void) => {
      if (imageCount <= 1) return trashGenerations([generationId]);
      // The tile's cover and count change with the images: the gallery reads the generation again.
      const refresh = async () => {
        await applyLibraryChange([generationId]);
        onChanged?.();
      };
      try {
        const { batchId, count } = await api.images.trash({ imageIds: [imageId] });
        await refresh();
        if (count === 0) {
          toast({ message: 'This image was already in the trash.', tone: 'info' });
          return;
        }
        toast(trashedToast(api, { batchId, message: `Moved ${countOf(count, 'image')} to the trash.`, afterUndo: refresh, reportError }), TRASH_TOAST_MS);
      } catch (error) {
        reportError(error);
      }
    },
    [api, toast, reportError, trashGenerations, applyLibraryChange],
  );
}
