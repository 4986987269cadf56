export const DEFAULT_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'webp'];

export interface IgnoreOptions {
  /** Accepted file extensions, with or without the dot, any case. Default: png, jpg, jpeg, webp. */
  extensions?: readonly string[];
}

/** Folders the app writes into (processed and failed inputs): watching them would loop. */
const APP_FOLDERS = new Set(['_done', '_failed']);

/** System clutter that carries an accepted-looking name on no platform, but is never an input. */
const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini']);

/**
 * Names that editors, browsers and sync tools give a file while it is being written; the final
 * name arrives by rename. Tested on the lower-cased name. The extension list would reject most of
 * them already; these hold even when a person accepts an unusual extension.
 */
const TEMPORARY_NAME_PATTERNS: readonly RegExp[] = [
  /\.(tmp|temp)[\w-]*$/, // name.png.tmp, name.png.tmp123, Photoshop name.psb.tmp and ~ps1234.tmp
  /\.(part|partial|crdownload|download)$/, // browsers and download managers
  /\.blend\d+$/, // Blender's numbered backups
  /~$/, // GIMP, Krita, Emacs backups: name.kra~
  /\.sw[a-p]$/, // vim swap files
  /^\.~lock\..*#$/, // LibreOffice lock files
];

/** Hidden entries (`.name`, including atomic-save temps like `.name.png.XXXX`) and Office owner files (`~$name`). */
function isHiddenOrOwnerName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$');
}

function isIgnoredFolderName(name: string): boolean {
  return APP_FOLDERS.has(name.toLowerCase()) || isHiddenOrOwnerName(name);
}

function splitRelativePath(relPath: string): string[] {
  return relPath.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
}

export function normalizeExtensions(extensions: readonly string[] = DEFAULT_EXTENSIONS): Set<string> {
  return new Set(extensions.map((extension) => extension.replace(/^\./, '').toLowerCase()));
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * True when the file at `relPath` (relative to the watched folder, either slash) must never be
 * considered as an input: inside an ignored folder, a temporary or system name, or an extension
 * that is not accepted.
 */
export function isIgnoredPath(relPath: string, options: IgnoreOptions = {}): boolean {
  return isIgnoredFile(relPath, normalizeExtensions(options.extensions));
}

/** `isIgnoredPath` with the extensions already normalized, for callers that test many paths. */
export function isIgnoredFile(relPath: string, extensions: ReadonlySet<string>): boolean {
  const segments = splitRelativePath(relPath);
  const name = segments.pop();
  if (name === undefined) return true;
  if (segments.some(isIgnoredFolderName)) return true;
  const lowerName = name.toLowerCase();
  if (SYSTEM_FILES.has(lowerName) || isHiddenOrOwnerName(name)) return true;
  if (TEMPORARY_NAME_PATTERNS.some((pattern) => pattern.test(lowerName))) return true;
  return !extensions.has(extensionOf(lowerName));
}

/**
 * True when the folder at `relPath` (relative to the watched folder) is never descended into. Also
 * used for entries not yet known to be a file or a folder, so it applies only rules common to both.
 */
export function isIgnoredFolder(relPath: string): boolean {
  return splitRelativePath(relPath).some(isIgnoredFolderName);
}
