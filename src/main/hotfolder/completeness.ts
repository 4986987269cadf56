import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export type IncompleteReason =
  | 'missing' // gone (deleted or renamed away) before or during the check
  | 'not-a-file'
  | 'unreadable' // exists but cannot be opened (permissions, locked by the writer on Windows)
  | 'empty'
  | 'unknown-format' // not PNG, JPEG or WebP by its first bytes (whatever its name says)
  | 'png-no-iend'
  | 'jpeg-no-eoi'
  | 'webp-size-mismatch'
  | 'changed-during-check';

export type Completeness =
  | { complete: true; format: ImageFormat; size: number; mtimeMs: number }
  /** `size` and `mtimeMs` are given whenever the file could be stat'ed: they drive the stability fallback. */
  | { complete: false; reason: IncompleteReason; size?: number; mtimeMs?: number };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Length 0, type IEND, CRC: the last 12 bytes of every complete PNG. */
const PNG_IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const HEAD_BYTES = 12;
/** Some writers pad JPEGs with zeros after EOI; look this far back for it. */
const JPEG_TAIL_BYTES = 512;

/**
 * Decides from the first and last bytes alone whether an image file has been written to its end,
 * so a file is picked up as soon as its writer is done instead of after a quiet period. Never
 * throws: a file that cannot be judged is "not complete" with a reason.
 */
export async function checkComplete(path: string): Promise<Completeness> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return notOpenable(path, error);
  }
  try {
    const before = await handle.stat();
    const identity = { size: before.size, mtimeMs: before.mtimeMs };
    if (!before.isFile()) return { complete: false, reason: 'not-a-file', ...identity };
    if (before.size === 0) return { complete: false, reason: 'empty', ...identity };

    const head = await readAt(handle, 0, Math.min(HEAD_BYTES, before.size));
    const format = formatOf(head);
    if (format === undefined) return { complete: false, reason: 'unknown-format', ...identity };

    const failure = await formatFailure(handle, format, head, before.size);
    if (failure !== undefined) return { complete: false, reason: failure, ...identity };

    // The writer may have appended between our reads: only an unchanged file is judged complete.
    const after = await handle.stat();
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      return { complete: false, reason: 'changed-during-check', size: after.size, mtimeMs: after.mtimeMs };
    }
    return { complete: true, format, ...identity };
  } catch (error) {
    return isMissing(error) ? { complete: false, reason: 'missing' } : { complete: false, reason: 'unreadable' };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function formatOf(head: Buffer): ImageFormat | undefined {
  if (head.length >= PNG_SIGNATURE.length && head.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

async function formatFailure(
  handle: FileHandle,
  format: ImageFormat,
  head: Buffer,
  size: number,
): Promise<IncompleteReason | undefined> {
  switch (format) {
    case 'png': {
      if (size < PNG_SIGNATURE.length + PNG_IEND_CHUNK.length) return 'png-no-iend';
      const tail = await readAt(handle, size - PNG_IEND_CHUNK.length, PNG_IEND_CHUNK.length);
      return tail.equals(PNG_IEND_CHUNK) ? undefined : 'png-no-iend';
    }
    case 'jpeg': {
      const length = Math.min(JPEG_TAIL_BYTES, size);
      const tail = await readAt(handle, size - length, length);
      let end = tail.length;
      while (end > 0 && tail[end - 1] === 0) end -= 1;
      if (end < 2 || tail[end - 2] !== 0xff || tail[end - 1] !== 0xd9) return 'jpeg-no-eoi';
      // An EXIF thumbnail is a whole JPEG inside the metadata: its EOI only counts as the file's
      // own when it lies past the start of the image data.
      const scanStart = await jpegScanStart(handle, size);
      return scanStart !== undefined && size - length + end - 2 >= scanStart ? undefined : 'jpeg-no-eoi';
    }
    case 'webp':
      // RIFF's size field counts everything after the 8-byte RIFF header.
      return head.readUInt32LE(4) + 8 === size ? undefined : 'webp-size-mismatch';
  }
}

/** Markers that stand alone, without a length: TEM and RST0-7 (SOI was read already). */
function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * Where the entropy-coded image data begins: just after the SOS segment, found by walking the
 * segment headers from SOI (a few 4-byte reads). Undefined when the file ends first.
 */
async function jpegScanStart(handle: FileHandle, size: number): Promise<number | undefined> {
  let position = 2;
  while (position + 4 <= size) {
    const header = await readAt(handle, position, 4);
    if (header.length < 4 || header[0] !== 0xff) return undefined;
    const marker = header[1] ?? 0;
    if (marker === 0xff) {
      position += 1; // fill byte before a marker
    } else if (isStandaloneMarker(marker)) {
      position += 2;
    } else {
      const segmentEnd = position + 2 + header.readUInt16BE(2);
      if (marker === 0xda) return segmentEnd <= size ? segmentEnd : undefined;
      position = segmentEnd;
    }
  }
  return undefined;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function notOpenable(path: string, error: unknown): Promise<Completeness> {
  if (isMissing(error)) return { complete: false, reason: 'missing' };
  // Still stat it, so an unreadable file settles through the stability fallback instead of being re-checked forever.
  try {
    const stats = await stat(path);
    return { complete: false, reason: stats.isFile() ? 'unreadable' : 'not-a-file', size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (statError) {
    return { complete: false, reason: isMissing(statError) ? 'missing' : 'unreadable' };
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
