/**
 * Per-file overrides from sidecars, as artists ask of batch tools: beside `shot_010.png`,
 * `shot_010.txt` is the file's prompt and `shot_010.json` overrides any preset field for it. A
 * prompt may use `{file}` (the file's name without extension), `{folder}` (its folder's name) and
 * `{frame}` (the trailing digits of its name). A sidecar is read once it stops changing; a bad one
 * fails its file, naming the sidecar and the field.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../shared/clock';

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
  /** Preset fields they set: the .txt's prompt, then the .json's fields (which win). */
  overrides: Record<string, unknown>;
  /** Why they cannot be used (names the sidecar and the field), or null. */
  problem: string | null;
  /** Which sidecar set each field (its file name), to name it in a problem. */
  origins: Record<string, string>;
}

export async function readSidecars(imagePath: string, clock: Clock, signal: AbortSignal): Promise<SidecarRead> {
  const stem = imagePath.slice(0, imagePath.length - path.extname(imagePath).length);
  const text = await readWhenComplete(`${stem}.txt`, clock, signal);
  const json = await readWhenComplete(`${stem}.json`, clock, signal);
  const files = [text, json].filter((found) => found !== null).map((found) => found.file);
  const overrides: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  const failed = (problem: string): SidecarRead => ({ files, overrides, problem, origins });
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
  return { files, overrides, problem: null, origins };
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

async function readWhenComplete(file: string, clock: Clock, signal: AbortSignal): Promise<{ file: string; content: string } | null> {
  for (let check = 0; ; check += 1) {
    const before = await stat(file).catch(() => null);
    if (before === null) return null;
    await clock.sleep(STABLE_MS, signal);
    const content = await readFile(file, 'utf8').catch(() => null);
    const after = await stat(file).catch(() => null);
    if (content === null || after === null) return null;
    const settled = before.size === after.size && before.mtimeMs === after.mtimeMs && Buffer.byteLength(content) === after.size;
    if (settled || check >= STABLE_CHECKS) return { file, content };
  }
}
