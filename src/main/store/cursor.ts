import { StoreError } from './errors';

/** Where the previous page stopped: the (created_at, id) of its last item. */
export interface GalleryPosition {
  createdAt: number;
  id: number;
}

/** Opaque to callers so the sort key can change without breaking them. */
export function encodeCursor(position: GalleryPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): GalleryPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every(Number.isSafeInteger)) {
      return { createdAt: value[0] as number, id: value[1] as number };
    }
  } catch {
    // Not JSON: reported below like any other malformed cursor.
  }
  throw new StoreError('invalid-cursor', 'The gallery position was lost. Scroll back to the top.', { detail: cursor });
}
