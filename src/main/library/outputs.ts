import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from './atomic';
import { LibraryError } from './errors';
import { LIBRARY_DIRS, absoluteLibraryPath, outputImageRelPath } from './paths';
import type { OutputImageName } from './paths';
import type { GenerationParameters } from './pngmeta';
import { embedParametersInPieces, pngDimensions } from './pngmeta';

/** Creates the library's top-level folders (idempotent). */
export async function ensureLibraryLayout(root: string): Promise<void> {
  for (const dir of LIBRARY_DIRS) await mkdir(path.join(root, dir), { recursive: true });
}

export interface StoredOutputImage {
  relPath: string;
  bytes: number;
  width: number;
  height: number;
}

/**
 * Writes one downloaded image into outputs/ as a PNG carrying its generation parameters,
 * atomically. A download in another format is converted to PNG first (losslessly from the decoded
 * pixels), so every output can carry the same metadata. Writing the same (generation, index)
 * again replaces the file: a download retried after a crash never leaves a duplicate.
 */
export async function storeOutputImage(
  root: string,
  downloaded: Uint8Array,
  name: OutputImageName,
  parameters: GenerationParameters,
): Promise<StoredOutputImage> {
  let pieces: Buffer[];
  let size: { width: number; height: number } | null;
  try {
    // A PNG (what Scenario sends) gives its size in its first chunk; sharp only converts the others.
    size = pngDimensions(downloaded);
    let png: Uint8Array = downloaded;
    if (size === null) {
      const converted = await sharp(downloaded).png().toBuffer({ resolveWithObject: true });
      png = converted.data;
      size = { width: converted.info.width, height: converted.info.height };
    }
    pieces = embedParametersInPieces(png, parameters);
  } catch (error) {
    throw new LibraryError('invalid-image', `The image downloaded for generation ${name.generationId} cannot be decoded (damaged download). Retry the download.`, { cause: error });
  }
  const { width, height } = size;
  const relPath = outputImageRelPath(name);
  await writeFileAtomic(absoluteLibraryPath(root, relPath), inSequence(pieces));
  // No hash of the file as written: the history keeps the image's hash as Scenario delivered it.
  return { relPath, bytes: pieces.reduce((total, piece) => total + piece.length, 0), width, height };
}

/** writeFileAtomic writes bytes or an async stream of chunks: the pieces as such a stream. */
async function* inSequence(pieces: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* pieces;
}
