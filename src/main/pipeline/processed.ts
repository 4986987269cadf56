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
): Promise<string | null> {
  const source = path.join(folderPath, relPath);
  if (!(await exists(source))) return null;
  const target = await freePath(path.join(folderPath, outcome.failed ? FAILED_FOLDER : DONE_FOLDER, relPath));
  if (outcome.failed) {
    // Written first: whoever sees the file in _failed/ finds its reason already beside it.
    const text = `${path.basename(relPath)} could not be generated:\n\n${outcome.reasons.map((reason) => `- ${reason}`).join('\n')}\n`;
    await writeFileAtomic(`${target}.error.txt`, Buffer.from(text, 'utf8'));
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
