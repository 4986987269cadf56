/**
 * What a drop onto the window holds, sorted into what the window can do with it: images to
 * generate from, folders to watch, a PNG whose settings may be recalled, and the rest with a
 * reason. Pure, so it can be read synchronously inside the drop event (a DataTransfer's items
 * cannot be read once the event is over) and tested without a browser.
 */

/** The part of a DataTransfer a drop needs. A real DataTransfer fits it; tests build their own. */
export interface DropSource {
  readonly items?: ArrayLike<DropItem>;
  readonly files: ArrayLike<File>;
}

export interface DropItem {
  readonly kind: string;
  getAsFile(): File | null;
  /** Chromium's way to tell a dropped folder from a file. */
  webkitGetAsEntry?(): { readonly isDirectory: boolean } | null;
}

export interface DroppedPath {
  name: string;
  path: string;
}

export interface SkippedDrop {
  name: string;
  reason: string;
}

export interface DropPlan {
  /** Images the engine can be asked to generate from (their paths on disk are known). */
  images: DroppedPath[];
  folders: DroppedPath[];
  /** The first PNG: it may carry this app's parameters. Readable by path, or by bytes in a browser. */
  png: { name: string; path: string | null; file: File } | null;
  skipped: SkippedDrop[];
}

// The types a watched folder accepts by default; the engine checks every file again anyway.
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export const NOT_AN_IMAGE = 'not a PNG, JPEG or WebP image';
export const FILE_PATH_UNKNOWN = 'generating from a dropped file needs the desktop app (a browser does not tell the window where the file is)';
export const FOLDER_PATH_UNKNOWN = 'watching a dropped folder needs the desktop app (a browser does not tell the window where the folder is)';

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function isImage(file: File): boolean {
  return IMAGE_TYPES.includes(file.type) || IMAGE_EXTENSIONS.includes(extensionOf(file.name));
}

function isPng(file: File): boolean {
  return file.type === 'image/png' || extensionOf(file.name) === 'png';
}

interface Dropped {
  file: File;
  isFolder: boolean;
}

function droppedEntries(source: DropSource): Dropped[] {
  const items = source.items === undefined ? [] : Array.from(source.items).filter((item) => item.kind === 'file');
  // Without items (older engines) folders cannot be told apart: the engine then skips them with its own reason.
  if (items.length === 0) return Array.from(source.files, (file) => ({ file, isFolder: false }));
  return items.flatMap((item) => {
    const file = item.getAsFile();
    return file === null ? [] : [{ file, isFolder: item.webkitGetAsEntry?.()?.isDirectory === true }];
  });
}

export function readDrop(source: DropSource, pathForFile: (file: File) => string | null): DropPlan {
  const plan: DropPlan = { images: [], folders: [], png: null, skipped: [] };
  for (const { file, isFolder } of droppedEntries(source)) {
    const path = pathForFile(file);
    const name = file.name;
    if (isFolder) {
      if (path === null) plan.skipped.push({ name, reason: FOLDER_PATH_UNKNOWN });
      else plan.folders.push({ name, path });
      continue;
    }
    if (!isImage(file)) {
      plan.skipped.push({ name, reason: NOT_AN_IMAGE });
      continue;
    }
    if (plan.png === null && isPng(file)) plan.png = { name, path, file };
    if (path === null) plan.skipped.push({ name, reason: FILE_PATH_UNKNOWN });
    else plan.images.push({ name, path });
  }
  return plan;
}

export function isEmptyDrop(plan: DropPlan): boolean {
  return plan.images.length === 0 && plan.folders.length === 0 && plan.png === null && plan.skipped.length === 0;
}
