import type { ImageFormat, IncompleteReason } from './completeness.js';

/**
 * How a file was judged complete: its format proves it was written to its end, or it merely stopped
 * changing (a truncated or mislabelled file: the pipeline's validator fails it with a named reason).
 */
export type CompletenessEvidence =
  | { kind: 'format'; format: ImageFormat }
  | { kind: 'stable'; reason: IncompleteReason };

/** A file that is complete, not ignored, and should be considered as an input. */
export interface ReadyFile {
  /** Absolute path. */
  path: string;
  /** Relative to the watched folder, with forward slashes. */
  relPath: string;
  size: number;
  mtimeMs: number;
  evidence: CompletenessEvidence;
  /** Already in the folder when watching (re)started or when scanned: the catch-up, not a new arrival. */
  initial: boolean;
}
