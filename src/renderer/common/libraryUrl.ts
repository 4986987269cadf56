import type { AppInfo } from '../../shared/ipc/contract';

/** The URL of a library file: the host's prefix (library:// or the bridge's /library/) + the encoded relPath. */
export function libraryUrl(info: AppInfo | null, relPath: string | null): string | undefined {
  if (!info || !relPath) return undefined;
  return info.libraryUrlBase + relPath.split('/').map(encodeURIComponent).join('/');
}
