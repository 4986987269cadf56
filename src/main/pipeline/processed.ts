import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { moveFileAtomic, writeFileAtomic } from '../library/atomic';

export const DONE_FOLDER = '_done';
export const FAILED_FOLDER = '_failed';

/**
 * Moves a processed input out of the way, inside its watched folder, keeping its sub-path:
 * `_done/<relPath>` or `_failed/<relPath>` with `<name>.error.txt` beside it saying why. Never
 * replaces a file already there (a second copy gets " (2)"), never deletes: the input is the
 * person's. Returns the new path, or null when the file was already gone from its place.
 */
export async function moveProcessedInput(
  folderPath: string,
  relPath: string,
  outcome: { failed: false } | { failed: true; reasons: string[] },
  companions: readonly string[] = [],
): Promise<string | null> {
  const source = path.join(folderPath, relPath);
  if (!(await exists(source))) return null;
  const into = outcome.failed ? FAILED_FOLDER : DONE_FOLDER;
  const target = await freePath(path.join(folderPath, into, relPath));
  if (outcome.failed) {
    // Written first: whoever sees the file in _failed/ finds its reason already beside it.
    const text = `${path.basename(relPath)} could not be generated:\n\n${outcome.reasons.map((reason) => `- ${reason}`).join('\n')}\n`;
    await writeFileAtomic(`${target}.error.txt`, Buffer.from(text, 'utf8'));
  }
  // Its sidecars go with it (first, so the image never arrives without them).
  for (const companion of companions) {
    const from = path.join(folderPath, companion);
    if (await exists(from)) await moveFileAtomic(from, await freePath(path.join(folderPath, into, companion)));
  }
  await moveFileAtomic(source, target);
  return target;
}

async function exists(filePath: string): Promise<boolean> {
  return lstat(filePath).then(
    () => true,
    () => false,
  );
}

async function freePath(wanted: string): Promise<string> {
  if (!(await exists(wanted))) return wanted;
  const extension = path.extname(wanted);
  const stem = wanted.slice(0, wanted.length - extension.length);
  for (let n = 2; ; n += 1) {
    const candidate = `${stem} (${n})${extension}`;
    if (!(await exists(candidate))) return candidate;
  }
}

interface TrackedFile {
  folderPath: string;
  relPath: string;
  generationIds: number[];
  /** Files that move with it (its sidecars), relative to the folder. */
  companions?: string[];
}

export interface ProcessedFilesOptions {
  /** The generation's state and reason, or null when it is gone. */
  outcomeOf: (generationId: number) => { ended: boolean; failedReason: string | null } | null;
  /** Runs a file move in its turn (input-file work is bounded). */
  inTurn: <T>(work: () => Promise<T>) => Promise<T>;
  onMoved: (from: string, to: string) => void;
  onMoveFailed: (filePath: string, error: unknown) => void;
}

/**
 * Input files of folders whose processed action is "move": each waits until every generation made
 * from it has ended, then goes to `_done/` or `_failed/`. Owns which file each generation came from.
 */
export class ProcessedFiles {
  readonly #options: ProcessedFilesOptions;
  readonly #tracked = new Map<string, TrackedFile>();
  readonly #fileOf = new Map<number, string>();

  constructor(options: ProcessedFilesOptions) {
    this.#options = options;
  }

  track(filePath: string, file: TrackedFile): void {
    for (const id of this.#tracked.get(filePath)?.generationIds ?? []) this.#fileOf.delete(id);
    this.#tracked.set(filePath, file);
    for (const id of file.generationIds) this.#fileOf.set(id, filePath);
    void this.#settle(filePath);
  }

  /** A generation ended: its file may be ready to move. */
  generationEnded(generationId: number): void {
    const filePath = this.#fileOf.get(generationId);
    if (filePath !== undefined) void this.#settle(filePath);
  }

  async #settle(filePath: string): Promise<void> {
    const file = this.#tracked.get(filePath);
    if (file === undefined) return;
    const outcomes = file.generationIds.map((id) => this.#options.outcomeOf(id)).filter((outcome) => outcome !== null);
    if (outcomes.some((outcome) => !outcome.ended)) return;
    this.#tracked.delete(filePath);
    for (const id of file.generationIds) this.#fileOf.delete(id);
    const reasons = outcomes.map((outcome) => outcome.failedReason).filter((reason) => reason !== null);
    try {
      const movedTo = await this.#options.inTurn(() => moveProcessedInput(file.folderPath, file.relPath, reasons.length === 0 ? { failed: false } : { failed: true, reasons }, file.companions));
      if (movedTo !== null) this.#options.onMoved(filePath, movedTo);
    } catch (error) {
      this.#options.onMoveFailed(filePath, error);
    }
  }
}
