/**
 * Which file a window may load for a URL path, shared by the bridge's HTTP server and Electron's
 * `library://` and `app://` protocols, so both hosts refuse the same things.
 */
import { stat } from 'node:fs/promises';
import { LibraryError } from '../library/errors';
import { resolveInsideLibrary } from '../library/paths';
import { contentTypeFor } from '../electron/policy';

export interface ServableFile {
  path: string;
  contentType: string;
  size: number;
}

/**
 * Resolves a still percent-encoded rel path under `root` to a regular file whose extension is in
 * `types`, or null when the path is refused (traversal, symlink out, wrong type) or not there.
 * `resolveInsideLibrary` is the one path guard of the project; the renderer build is just another
 * root for it.
 */
export async function resolveServableFile(
  root: string,
  encodedRelPath: string,
  types: Readonly<Record<string, string>>,
): Promise<ServableFile | null> {
  const contentType = contentTypeFor(encodedRelPath, types);
  if (contentType === null) return null;
  let path: string;
  try {
    path = await resolveInsideLibrary(root, encodedRelPath);
  } catch (error) {
    if (error instanceof LibraryError) return null;
    throw error;
  }
  // Resolution decodes the path: check the extension of what will actually be read, too.
  if (contentTypeFor(path, types) !== contentType) return null;
  try {
    const info = await stat(path);
    return info.isFile() ? { path, contentType, size: info.size } : null;
  } catch {
    return null;
  }
}
