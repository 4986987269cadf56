import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../library/atomic';
import { absoluteLibraryPath, controlImageRelPath } from '../library/paths';
import type { InputDraft } from '../store/index';
import { PipelineError } from './errors';

/** sharp's format names that get a different file extension in the library. */
const EXTENSION_BY_FORMAT: Readonly<Record<string, string>> = { jpeg: 'jpg', heif: 'heic' };

/**
 * Reads a dropped file once: its sha256, what sharp can tell from its header, and a copy in the
 * library under its hash (so the generation can be reproduced after the original is moved or
 * edited). The source is only read. A file that is not an image is still recorded (format null):
 * the validation step fails it with a reason the person can read in the history. A file over
 * `maxBytes` is hashed as a stream and not copied: it will be refused, and copying it would only
 * fill the disk.
 */
export interface InputRead {
  draft: InputDraft;
  /** The bytes hashed and stored, or null for a file over the limit (not read whole). */
  contents: Buffer | null;
}

export async function readInputFile(filePath: string, libraryRoot: string, maxBytes: number): Promise<InputRead> {
  const fileName = path.basename(filePath);
  const info = await stat(filePath).catch((error: unknown) => {
    throw unreadable(filePath, error);
  });
  if (!info.isFile()) throw new PipelineError('input-unreadable', `${JSON.stringify(filePath)} is not a file.`);
  const base = { originalPath: filePath, fileName };
  if (info.size > maxBytes) {
    return { draft: { ...base, sha256: await hashFile(filePath), libraryRelPath: '', bytes: info.size, width: null, height: null, format: null }, contents: null };
  }
  // One in-memory copy is hashed, probed and stored, so all three describe the same bytes even if
  // the person replaces the file meanwhile.
  const bytes = await readFile(filePath).catch((error: unknown) => {
    throw unreadable(filePath, error);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Only the header is read: no pixel limit, so an oversized image is reported by its size, not as unreadable.
  const header = bytes.length === 0 ? undefined : await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
  const format = header?.format ?? null;
  const relPath = controlImageRelPath(sha256, format === null ? 'bin' : (EXTENSION_BY_FORMAT[format] ?? format));
  const destination = absoluteLibraryPath(libraryRoot, relPath);
  const existing = await stat(destination).catch(() => undefined);
  if (existing?.size !== bytes.length) await writeFileAtomic(destination, bytes);
  return { draft: { ...base, sha256, libraryRelPath: relPath, bytes: bytes.length, width: header?.width ?? null, height: header?.height ?? null, format }, contents: bytes };
}

/** A control map Scenario made (from a photo): kept in the library under its hash like a dropped file. */
export async function storeMapInput(libraryRoot: string, bytes: Buffer, origin: Pick<InputDraft, 'originalPath' | 'fileName' | 'source'>): Promise<InputRead> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const header = await sharp(bytes).metadata().catch(() => undefined);
  const format = header?.format ?? 'png';
  const relPath = controlImageRelPath(sha256, EXTENSION_BY_FORMAT[format] ?? format);
  const destination = absoluteLibraryPath(libraryRoot, relPath);
  if ((await stat(destination).catch(() => undefined))?.size !== bytes.length) await writeFileAtomic(destination, bytes);
  return { draft: { ...origin, sha256, libraryRelPath: relPath, bytes: bytes.length, width: header?.width ?? null, height: header?.height ?? null, format }, contents: bytes };
}

async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  } catch (error) {
    throw unreadable(filePath, error);
  }
  return hash.digest('hex');
}

function unreadable(filePath: string, error: unknown): PipelineError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new PipelineError('input-unreadable', `${JSON.stringify(filePath)} disappeared before it could be read (moved or deleted while being written?). Drop it again when it is complete.`, { cause: error });
  }
  return new PipelineError('input-unreadable', `${JSON.stringify(filePath)} could not be read (${code ?? String(error)}). Check its permissions, then drop it again.`, { cause: error });
}
