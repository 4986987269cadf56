import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LibraryError, isErrno, toLibraryError } from './errors';

/**
 * The library layout under one root folder. Rel paths (what the store keeps) always use forward
 * slashes so a library copied between Windows, macOS and Linux stays valid.
 *
 *   controls/<sha256[0..2]>/<sha256>.<ext>                 control images, stored once by content
 *   outputs/YYYY/MM/DD/<preset-slug>-<generation>-<n>.png  generated images
 *   thumbs/<rel path of the image, extension .webp>        thumbnails, rebuildable
 *   trash/<batch>/<rel path of the file>                   deleted files, until undo or purge
 *   tmp/                                                   scratch space on the library's drive
 */
export const LIBRARY_DIRS = ['controls', 'outputs', 'thumbs', 'trash', 'tmp'] as const;
export type LibraryDir = (typeof LIBRARY_DIRS)[number];

const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE_EXTENSION = /^[a-z0-9]{1,5}$/;
// Ids go into file names verbatim: sanitising them could map two ids to one name.
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SLUG_MAX_LENGTH = 40;

export function controlImageRelPath(sha256: string, extension: string): string {
  if (!SHA256_HEX.test(sha256)) throw new TypeError(`not a lowercase sha256 hex digest: ${sha256}`);
  if (!FILE_EXTENSION.test(extension)) throw new TypeError(`not a plain file extension: ${extension}`);
  return `controls/${sha256.slice(0, 2)}/${sha256}.${extension}`;
}

/**
 * A file-name-safe slug on Windows, macOS and Linux: ASCII lowercase letters, digits and single
 * dashes (accents folded first, so "Café" gives "cafe"). Lowercase keeps case-insensitive file
 * systems out of play; Windows device names (CON, NUL...) cannot occur because the slug is
 * always followed by "-<id>-<n>".
 */
export function presetSlug(presetName: string): string {
  const slug = presetName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'preset' : slug;
}

export interface OutputImageName {
  /** When the generation was created; the folders use the local calendar date a person sees. */
  createdAt: Date;
  presetName: string;
  generationId: string | number;
  /** 0-based position of the image in the generation's results. */
  index: number;
}

/**
 * Collision-safe by construction: the generation id and the image index are unique in a library,
 * and the slug is only decoration. The same (generation, index) always maps to the same path, so
 * re-downloading after a crash overwrites its own file instead of leaving a duplicate.
 */
export function outputImageRelPath({ createdAt, presetName, generationId, index }: OutputImageName): string {
  const id = String(generationId);
  if (!SAFE_ID.test(id)) throw new TypeError(`generation id not usable in a file name: ${id}`);
  if (!Number.isInteger(index) || index < 0) throw new TypeError(`image index must be a non-negative integer: ${index}`);
  const yyyy = String(createdAt.getFullYear()).padStart(4, '0');
  const mm = String(createdAt.getMonth() + 1).padStart(2, '0');
  const dd = String(createdAt.getDate()).padStart(2, '0');
  return `outputs/${yyyy}/${mm}/${dd}/${presetSlug(presetName)}-${id}-${index}.png`;
}

export function thumbnailRelPath(imageRelPath: string): string {
  const withoutExtension = imageRelPath.replace(/\.[^./]*$/, '');
  return `thumbs/${withoutExtension}.webp`;
}

export function trashRelPath(batchId: string, originalRelPath: string): string {
  if (!SAFE_ID.test(batchId)) throw new TypeError(`trash batch id not usable as a folder name: ${batchId}`);
  return `trash/${batchId}/${originalRelPath}`;
}

/**
 * Where an image's file may be: in place, or for a trashed generation in its batch folder (a crash
 * between the soft delete and the move leaves it in place, so both are tried).
 */
export function imageFileCandidates(relPath: string, trashBatchId: number | null): string[] {
  return trashBatchId === null ? [relPath] : [trashRelPath(String(trashBatchId), relPath), relPath];
}

/** Joins a rel path produced by this module onto the root. Untrusted input goes through resolveInsideLibrary. */
export function absoluteLibraryPath(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'));
}

/** The rel path (forward slashes) of an absolute path inside the root. */
export function relativeLibraryPath(root: string, absolutePath: string): string {
  return path.relative(root, absolutePath).split(path.sep).join('/');
}

function outsideLibrary(relPath: string, why: string): LibraryError {
  return new LibraryError('outside-library', `Refused to open ${JSON.stringify(relPath)}: ${why}. Only files inside the library folder can be opened.`);
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Removes one level of percent-encoding (URLs from the custom protocol arrive encoded). */
function decodeOnce(relPath: string): string {
  try {
    return decodeURIComponent(relPath);
  } catch {
    throw outsideLibrary(relPath, 'malformed percent-encoding');
  }
}

/**
 * Resolves an untrusted rel path (from a protocol URL, the bridge, or the store) to an absolute
 * path that is guaranteed to stay inside `root`, following symlinks with realpath. Rejects `..`
 * and `.` segments, absolute and drive-letter paths, backslashes, NUL, and encoded traversal
 * (any `%` left after one decoding means double encoding: the layout never makes names with `%`).
 * The target does not have to exist; its nearest existing ancestor is checked instead.
 */
export async function resolveInsideLibrary(root: string, relPath: string): Promise<string> {
  const decoded = decodeOnce(relPath);
  if (decoded === '') throw outsideLibrary(relPath, 'the path is empty');
  if (decoded.includes('\0')) throw outsideLibrary(relPath, 'the path contains a NUL character');
  if (decoded.includes('%')) throw outsideLibrary(relPath, 'the path is encoded more than once');
  if (decoded.includes('\\')) throw outsideLibrary(relPath, 'library paths use forward slashes only');
  if (decoded.startsWith('/') || /^[A-Za-z]:/.test(decoded)) throw outsideLibrary(relPath, 'the path is absolute');
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw outsideLibrary(relPath, 'the path contains an empty, "." or ".." segment');
  }

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    throw toLibraryError(error, 'open the library folder', root);
  }
  const lexical = path.join(realRoot, ...segments);
  if (!isInside(realRoot, lexical)) throw outsideLibrary(relPath, 'the path leaves the library');

  // A symlink anywhere along the path could point outside: check where it really lands.
  let existing = lexical;
  for (;;) {
    try {
      const real = await realpath(existing);
      if (!isInside(realRoot, real)) throw outsideLibrary(relPath, 'a symbolic link leads outside the library');
      return existing === lexical ? real : path.join(real, path.relative(existing, lexical));
    } catch (error) {
      if (!isErrno(error, 'ENOENT', 'ENOTDIR')) throw error;
      // realpath says ENOENT for a dangling symlink too; writing through it would land outside.
      if (await isSymlink(existing)) throw outsideLibrary(relPath, 'a symbolic link leads outside the library');
      existing = path.dirname(existing);
    }
  }
}

async function isSymlink(candidate: string): Promise<boolean> {
  try {
    return (await lstat(candidate)).isSymbolicLink();
  } catch {
    return false;
  }
}
