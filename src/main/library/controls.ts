import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { writeFileAtomic } from './atomic';
import { LibraryError, toLibraryError } from './errors';
import { absoluteLibraryPath, controlImageRelPath } from './paths';

export interface StoredControlImage {
  sha256: string;
  /** Inside the library, e.g. `controls/ab/ab12...png`. */
  relPath: string;
  bytes: number;
  width: number;
  height: number;
  /** sharp's name for the format: png, jpeg, webp, ... */
  format: string;
  /** True when the library already held these exact bytes and nothing was written. */
  alreadyStored: boolean;
}

const EXTENSION_BY_FORMAT: Readonly<Record<string, string>> = { jpeg: 'jpg', heif: 'heic' };

/**
 * Copies a control image into the library, once per content (sha256). The source file is only
 * read, never moved or modified: it belongs to the user's watched folder.
 */
export async function storeControlImage(root: string, sourcePath: string): Promise<StoredControlImage> {
  let contents: Buffer;
  try {
    contents = await readFile(sourcePath);
  } catch (error) {
    throw toLibraryError(error, 'read', sourcePath);
  }
  // Hash, probe and write the same in-memory bytes: re-reading the source could see a different
  // file if the user replaces it meanwhile, and the stored copy would not match its name.
  return storeControlImageBytes(root, contents, JSON.stringify(sourcePath));
}

/** Stores control-image bytes (a file read, or an asset downloaded from Scenario) under their hash; `label` names them in errors. */
export async function storeControlImageBytes(root: string, contents: Buffer, label: string): Promise<StoredControlImage> {
  const sha256 = createHash('sha256').update(contents).digest('hex');
  let metadata: Metadata;
  try {
    metadata = await sharp(contents).metadata();
  } catch (error) {
    throw new LibraryError('invalid-image', `${label} is not an image that can be read (damaged or unsupported format). Use a PNG, JPEG or WebP file.`, { cause: error });
  }
  const { format, width, height } = metadata;
  const relPath = controlImageRelPath(sha256, EXTENSION_BY_FORMAT[format] ?? format);
  const destination = absoluteLibraryPath(root, relPath);

  const existing = await stat(destination).catch(() => undefined);
  const alreadyStored = existing?.size === contents.length;
  if (!alreadyStored) await writeFileAtomic(destination, contents);
  return { sha256, relPath, bytes: contents.length, width, height, format, alreadyStored };
}
