import type { Api } from '../../shared/ipc/client';
import type { Toast } from '../stores/appStore';

/** How long a trash toast stays: long enough to notice a slip and press Undo. */
export const TRASH_TOAST_MS = 10_000;

/**
 * The toast after something went to the library trash: its Undo restores the whole batch, then
 * `afterUndo` redraws what came back. An Undo that fails (the batch was emptied, the files moved)
 * is reported like any other failure.
 */
export function trashedToast(
  api: Api,
  { batchId, message, afterUndo, reportError }: { batchId: string; message: string; afterUndo: () => Promise<void>; reportError: (error: unknown) => void },
): Omit<Toast, 'id'> {
  return {
    message,
    tone: 'info',
    action: {
      label: 'Undo',
      run: async () => {
        try {
          await api.generations.undoTrash({ batchId });
          await afterUndo();
        } catch (error) {
          reportError(error);
        }
      },
    },
  };
}
