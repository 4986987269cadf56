/**
 * Per-file overrides from sidecars, as artists ask of batch tools: beside `shot_010.png`,
 * `shot_010.txt` is the file's prompt and `shot_010.json` overrides any preset field for it. A
 * prompt may use `{file}` (the file's name without extension), `{folder}` (its folder's name) and
 * `{frame}` (the trailing digits of its name). A sidecar is read once it stops changing; a bad one
 * fails its file, naming the sidecar and the field.
 *
 * Exporters may write the image first: an image just written is taken once `SIDECAR_SETTLE_MS`
 * passed since its last write, so a sidecar that follows it within that window is used. A sidecar
 * that arrives (or changes) after its image was taken cannot change what was sent: it is reported.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../shared/clock';

/** The extensions of a sidecar (without the dot); an image's sidecars share its stem. */
export const SIDECAR_EXTENSIONS = ['txt', 'json'] as const;
/** How long after an image's last write a sidecar of its stem may still arrive and be used. */
export const SIDECAR_SETTLE_MS = 1000;
/** Images taken that late sidecars are reported against (the latest ones, while the engine runs). */
const TAKEN_IMAGES_KEPT = 1000;
/** A sidecar is taken once its size and time stay the same across this pause (a writer may still be at it). */
const STABLE_MS = 150;
const STABLE_CHECKS = 20;
/** A sidecar cannot change what the preset is or which model it runs on. */
const FIXED_FIELDS = ['name', 'modelId', 'fileInput', 'inputsVersion'];
/** The text fields whose tokens are replaced (a ControlNet preset's and most custom models' names). */
const PROMPT_FIELDS = ['prompt', 'negativePrompt'];

export interface SidecarRead {
  /** The sidecars found beside the file (absolute paths), to move with it. */
  files: string[];
  /** Each sidecar's last write (mtimeMs) as read: a later write is a change that was not used. */
  writtenAt: Record<string, number>;
  /** Preset fields they set: the .txt's prompt, then the .json's fields (which win). */
  overrides: Record<string, unknown>;
  /** Why they cannot be used (names the sidecar and the field), or null. */
  problem: string | null;
  /** Which sidecar set each field (its file name), to name it in a problem. */
  origins: Record<string, string>;
}

export function isSidecarPath(filePath: string): boolean {
  return (SIDECAR_EXTENSIONS as readonly string[]).includes(path.extname(filePath).slice(1).toLowerCase());
}

function stemOf(filePath: string): string {
  return filePath.slice(0, filePath.length - path.extname(filePath).length);
}

/** Where an image's sidecars would be (they may not exist): `.txt`, then `.json`. */
export function sidecarPathsOf(imagePath: string): string[] {
  const stem = stemOf(imagePath);
  return SIDECAR_EXTENSIONS.map((extension) => `${stem}.${extension}`);
}

/**
 * Waits, when no sidecar of the image is there yet, until `settleMs` passed since the image was
 * last written (a file's times are the wall clock's): an exporter that writes the image first has
 * written its sidecars by then. An image written earlier (the start's catch-up) does not wait.
 */
export async function settleForSidecars(imagePath: string, settleMs: number, clock: Clock, signal: AbortSignal): Promise<void> {
  if (settleMs <= 0) return;
  const found = await Promise.all(sidecarPathsOf(imagePath).map((sidecar) => stat(sidecar).then(() => true, () => false)));
  if (found.includes(true)) return;
  const written = await stat(imagePath).catch(() => null);
  const left = written === null ? 0 : settleMs - (Date.now() - written.mtimeMs);
  if (left > 0) await clock.sleep(Math.min(left, settleMs), signal);
}

/**
 * The images taken lately, by stem, with the sidecars they used: a sidecar that arrives (or
 * changes) afterwards for one of them was not used, and the person is told how to use it.
 */
export class TakenImages {
  readonly #byStem = new Map<string, { imagePath: string; used: Record<string, number>; generationIds: number[] }>();

  taken(imagePath: string, sidecars: SidecarRead, generationIds: number[]): void {
    const stem = stemOf(imagePath);
    this.#byStem.delete(stem);
    this.#byStem.set(stem, { imagePath, used: sidecars.writtenAt, generationIds });
    if (this.#byStem.size > TAKEN_IMAGES_KEPT) this.#byStem.delete(this.#byStem.keys().next().value as string);
  }

  /**
   * Why this sidecar, as last written at `mtimeMs`, was not used: it arrived or changed after its
   * image was taken. Null when it was used as it is, or no image of its stem was taken lately.
   */
  lateSidecarProblem(sidecarPath: string, mtimeMs: number): string | null {
    const image = this.#byStem.get(stemOf(sidecarPath));
    if (image === undefined) return null;
    const usedAt = image.used[sidecarPath];
    if (usedAt === mtimeMs) return null;
    const what = usedAt === undefined ? 'arrived after' : 'changed after';
    const generations = image.generationIds.length === 0 ? '' : ` (generation ${image.generationIds.join(', ')})`;
    return `${path.basename(sidecarPath)} ${what} ${path.basename(image.imagePath)} was taken${generations}, so it was not used. Write a sidecar before its image (or, now that this folder uses sidecars, within ${SIDECAR_SETTLE_MS / 1000} s after it); to use this one, keep it beside the image and run \`scenario-hotfolder generate IMAGE --preset NAME\`.`;
  }
}

export async function readSidecars(imagePath: string, clock: Clock, signal: AbortSignal): Promise<SidecarRead> {
  const [textPath, jsonPath] = sidecarPathsOf(imagePath) as [string, string];
  const text = await readWhenComplete(textPath, clock, signal);
  const json = await readWhenComplete(jsonPath, clock, signal);
  const found = [text, json].filter((sidecar) => sidecar !== null);
  const files = found.map((sidecar) => sidecar.file);
  const writtenAt = Object.fromEntries(found.map((sidecar) => [sidecar.file, sidecar.mtimeMs]));
  const overrides: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  const failed = (problem: string): SidecarRead => ({ files, writtenAt, overrides, problem, origins });
  if (text !== null) {
    const prompt = text.content.trim();
    if (prompt === '') return failed(`${path.basename(text.file)} is empty: write the prompt in it, or remove it.`);
    overrides.prompt = prompt;
    origins.prompt = path.basename(text.file);
  }
  if (json !== null) {
    const name = path.basename(json.file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.content);
    } catch (error) {
      return failed(`${name} is not valid JSON (${(error as Error).message}): fix it, then drop the image again.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return failed(`${name} must hold one JSON object of preset fields, such as {"prompt": "a knight", "seed": "42"}.`);
    }
    const fixed = Object.keys(parsed).find((key) => FIXED_FIELDS.includes(key));
    if (fixed !== undefined) return failed(`${name}: ${fixed} cannot be changed per file: remove it (bind another preset instead).`);
    Object.assign(overrides, parsed);
    for (const key of Object.keys(parsed)) origins[key] = name;
  }
  return { files, writtenAt, overrides, problem: null, origins };
}

/** The preset with the file's overrides, its prompt tokens replaced; and the fields that differ from the preset. */
export function applyOverrides(preset: Record<string, unknown>, overrides: Record<string, unknown>, imagePath: string): { document: Record<string, unknown>; changed: Record<string, unknown> | null } {
  const document: Record<string, unknown> = { ...preset, ...overrides };
  const tokens = tokensOf(imagePath);
  for (const field of PROMPT_FIELDS) {
    const value = document[field];
    if (typeof value === 'string') document[field] = value.replace(/\{(file|folder|frame)\}/g, (_match, token: keyof typeof tokens) => tokens[token]);
  }
  const changed = Object.fromEntries(Object.entries(document).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(preset[key])));
  return { document, changed: Object.keys(changed).length === 0 ? null : changed };
}

function tokensOf(imagePath: string): { file: string; folder: string; frame: string } {
  const file = path.basename(imagePath, path.extname(imagePath));
  return { file, folder: path.basename(path.dirname(imagePath)), frame: /(\d+)$/.exec(file)?.[1] ?? '' };
}

async function readWhenComplete(file: string, clock: Clock, signal: AbortSignal): Promise<{ file: string; content: string; mtimeMs: number } | null> {
  for (let check = 0; ; check += 1) {
    const before = await stat(file).catch(() => null);
    if (before === null) return null;
    await clock.sleep(STABLE_MS, signal);
    const content = await readFile(file, 'utf8').catch(() => null);
    const after = await stat(file).catch(() => null);
    if (content === null || after === null) return null;
    const settled = before.size === after.size && before.mtimeMs === after.mtimeMs && Buffer.byteLength(content) === after.size;
    if (settled || check >= STABLE_CHECKS) return { file, content, mtimeMs: after.mtimeMs };
  }
}
