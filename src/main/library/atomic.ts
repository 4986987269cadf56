import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LibraryError, isErrno, toLibraryError } from './errors';
import { relativeLibraryPath } from './paths';

/**
 * Crash-safe file writes: a reader (or the app after a crash, power loss or SIGKILL) sees either
 * the old file or the complete new one at the final path, never a partial one. The bytes go to a
 * hidden `.part` file in the same directory (same file system, so the rename is atomic), which is
 * fsynced before the rename; the directory is fsynced after it so the rename itself is durable.
 */

// `.<final name>.<12 hex>.part`: only files matching this are ever swept, so a user's own
// "something.part" file is never touched.
const PART_FILE = /^\..+\.[0-9a-f]{12}\.part$/;

/** True for the temp files of writeFileAtomic/copyFileAtomic (finished or abandoned). */
export function isPartFile(filePath: string): boolean {
  return PART_FILE.test(path.basename(filePath));
}

function partPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${randomBytes(6).toString('hex')}.part`);
}

async function removeQuietly(filePath: string): Promise<void> {
  await unlink(filePath).catch(() => undefined);
}

/**
 * Makes a rename in `directory` durable. Best effort: Windows cannot open a directory for fsync,
 * and some network file systems refuse. The rename already happened, so failing the whole write
 * here would report a file that exists.
 */
export async function fsyncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens `filePath`, making its folder first only when it is missing: the library's folders
 * exist for nearly every write, and a recursive mkdir before each one cost two more system
 * calls per file.
 */
async function openInNewOrExistingFolder(filePath: string, flags: string, mode?: number): Promise<FileHandle> {
  try {
    return await open(filePath, flags, mode);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
    await mkdir(path.dirname(filePath), { recursive: true });
    return open(filePath, flags, mode);
  }
}

/** Read and written by the owner only: a secret's mode (credentials, the engine's access token). */
export const OWNER_ONLY = 0o600;

export type FileContents = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Writes `contents` (bytes, or chunks for large streamed files) to `finalPath` atomically, replacing
 * any file there: readers see the old file or the whole new one, never a part. `durable: false`
 * skips the fsyncs, for files that can be made again (thumbnails): still atomic, but a power
 * loss may lose the file, which a repair pass remakes. `mode` is the new file's from its creation
 * (0o600 for a secret: a chmod after writing would leave it readable by others for a moment).
 */
export async function writeFileAtomic(finalPath: string, contents: FileContents, options: { durable?: boolean; mode?: number } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const partPath = partPathFor(finalPath);
  let handle: FileHandle | undefined;
  try {
    handle = await openInNewOrExistingFolder(partPath, 'wx', options.mode);
    if (contents instanceof Uint8Array) {
      await handle.writeFile(contents);
    } else {
      for await (const chunk of contents) await handle.writeFile(chunk);
    }
    if (durable) await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(partPath, finalPath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await removeQuietly(partPath);
    throw toLibraryError(error, 'write', finalPath);
  }
  if (durable) await fsyncDirectory(path.dirname(finalPath));
}

/** True when something (file, folder or link, even a dangling one) is at `filePath`. */
export async function pathExists(filePath: string): Promise<boolean> {
  try {
    await lstat(filePath);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return false;
    throw toLibraryError(error, 'read', filePath);
  }
}

async function assertFree(destination: string): Promise<void> {
  if (!(await pathExists(destination))) return;
  throw new LibraryError('exists', `Could not write ${JSON.stringify(destination)}: a file is already there. Move it away, then retry.`);
}

/** Copies `source` to `destination` atomically. The source is only read. Replaces any file at the destination. */
export async function copyFileAtomic(source: string, destination: string): Promise<void> {
  const partPath = partPathFor(destination);
  let handle: FileHandle | undefined;
  try {
    await mkdir(path.dirname(destination), { recursive: true });
    await copyFile(source, partPath);
    handle = await open(partPath, 'r+');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(partPath, destination);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await removeQuietly(partPath);
    throw toLibraryError(error, 'copy to', destination);
  }
  await fsyncDirectory(path.dirname(destination));
}

/**
 * Moves a file, never replacing an existing one (a move that clobbered a file would lose it).
 * Within one file system this is a rename; across drives it is an atomic copy, then the source is
 * removed only once the copy is durable. The check-then-rename window is acceptable because only
 * the engine writes inside the library.
 */
export async function moveFileAtomic(source: string, destination: string): Promise<void> {
  try {
    await assertFree(destination);
    await mkdir(path.dirname(destination), { recursive: true });
    try {
      await rename(source, destination);
    } catch (error) {
      if (!isErrno(error, 'EXDEV')) throw error;
      await copyFileAtomic(source, destination);
      await unlink(source);
    }
  } catch (error) {
    throw toLibraryError(error, `move ${JSON.stringify(source)} to`, destination);
  }
  await fsyncDirectory(path.dirname(destination));
  await fsyncDirectory(path.dirname(source));
}

/** Yields every regular file under `directory` (absolute paths); symlinks are never followed. */
export async function* walkFiles(directory: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  for (const entry of entries) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* walkFiles(entryPath);
    else if (entry.isFile()) yield entryPath;
  }
}

export interface SweepOptions {
  /** Leave younger parts alone: another process (the CLI beside the app) may be writing them. */
  olderThanMs?: number;
  dryRun?: boolean;
  now?: Date;
  /** Told each part left alone for being younger than `olderThanMs` (its rel path). */
  onTooYoung?: (relPath: string) => void;
}

/** Removes `.part` files left by interrupted writes anywhere in the library. Returns their rel paths. */
export async function sweepStaleParts(root: string, options: SweepOptions = {}): Promise<string[]> {
  const { olderThanMs = 10 * 60_000, dryRun = false, now = new Date() } = options;
  const removed: string[] = [];
  for await (const filePath of walkFiles(root)) {
    if (!isPartFile(filePath)) continue;
    const info = await stat(filePath).catch(() => undefined);
    if (info === undefined) continue;
    if (now.getTime() - info.mtimeMs < olderThanMs) {
      options.onTooYoung?.(relativeLibraryPath(root, filePath));
      continue;
    }
    if (!dryRun) await removeQuietly(filePath);
    removed.push(relativeLibraryPath(root, filePath));
  }
  return removed.sort();
}
