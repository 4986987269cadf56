import { opendir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkComplete } from './completeness.js';
import { isIgnoredFile, isIgnoredFolder, normalizeExtensions } from './ignore.js';
import type { ReadyFile } from './ready-file.js';
import { DEFAULT_STABLE_MS } from './watcher.js';

export interface ScanFolderOptions {
  path: string;
  recursive: boolean;
  extensions?: readonly string[];
  /** A file that fails its format check is listed anyway when its mtime is at least this old. Default 1000. */
  stableMs?: number;
}

/**
 * Lists the complete candidate files in a folder right now, with the watcher's ignore rules. For a
 * one-off pass: `watchFolder` already hands on the files present when it starts. Without time to
 * watch, stability is judged by mtime age; a file still being written is left out. Symlinked
 * folders are not entered. Throws the fs error when the folder itself cannot be read.
 */
export async function* scanFolder(options: ScanFolderOptions): AsyncGenerator<ReadyFile> {
  const root = resolve(options.path);
  const extensions = normalizeExtensions(options.extensions);
  const stableMs = options.stableMs ?? DEFAULT_STABLE_MS;

  async function* walk(relFolder: string): AsyncGenerator<ReadyFile> {
    const folder = await opendir(join(root, relFolder));
    for await (const entry of folder) {
      const relPath = relFolder === '' ? entry.name : `${relFolder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (options.recursive && !isIgnoredFolder(relPath)) yield* walk(relPath);
        continue;
      }
      if ((!entry.isFile() && !entry.isSymbolicLink()) || isIgnoredFile(relPath, extensions)) continue;
      const path = join(root, relPath);
      const result = await checkComplete(path);
      if (result.complete) {
        yield { path, relPath, size: result.size, mtimeMs: result.mtimeMs, evidence: { kind: 'format', format: result.format }, initial: true };
      } else if (isSettled(result.reason) && result.size !== undefined && result.mtimeMs !== undefined && Date.now() - result.mtimeMs >= stableMs) {
        yield { path, relPath, size: result.size, mtimeMs: result.mtimeMs, evidence: { kind: 'stable', reason: result.reason }, initial: true };
      }
    }
  }

  yield* walk('');
}

function isSettled(reason: string): boolean {
  return reason !== 'missing' && reason !== 'not-a-file' && reason !== 'empty' && reason !== 'changed-during-check';
}
