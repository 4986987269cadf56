// The hot-folder detector: which files in a watched folder are complete inputs, as they arrive.
export { watchFolder, DEFAULT_STABLE_MS, DEFAULT_POLL_FALLBACK_MS } from './watcher.js';
export type { WatchFolderOptions, WatchFolderHandlers, FolderWatch } from './watcher.js';
export { scanFolder } from './scan.js';
export type { ScanFolderOptions } from './scan.js';
export { checkComplete } from './completeness.js';
export type { Completeness, ImageFormat, IncompleteReason } from './completeness.js';
export { isIgnoredPath, DEFAULT_EXTENSIONS } from './ignore.js';
export type { IgnoreOptions } from './ignore.js';
export type { ReadyFile, CompletenessEvidence } from './ready-file.js';
export { HotFolderError } from './errors.js';
export type { HotFolderErrorCode } from './errors.js';
