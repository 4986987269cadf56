// A preset for a model that publishes its own inputs, sent through /generate/custom/{modelId}.
// It stays flat like a ControlNet preset: its name, the model, the inputs' values by name, and
// optionally which input receives the dropped file. `inputsVersion` records the version of the
// model's inputs it was last checked against.
import { z } from 'zod';
import { canonicalJson } from '../preset/canonical-json';
import { PRESET_NAME_MAX } from '../preset/schema';
import { defaultFileInput, isArrayInput, isImageFileInput, labelOf, type ModelInput } from './inputs';
import { checkInputValues, type InputIssue } from './validate';
import { inputsVersion } from './version';

/** The preset's own keys; every other key is an input's value. */
export const CUSTOM_PRESET_KEYS = ['name', 'modelId', 'fileInput', 'inputsVersion'] as const;

/** The model family recorded for presets that go through the custom endpoint. */
export const CUSTOM_FAMILY = 'custom';

/** The input that carries the seed, when the model has one ("Vary seed" needs it). */
export const SEED_INPUT = 'seed';

export interface CustomPreset {
  name: string;
  modelId: string;
  fileInput?: string;
  inputsVersion?: string;
  [input: string]: unknown;
}

/** The structure every custom preset has (what the IPC contract checks); its values are checked against the model's inputs. */
export const customPresetSchema = z.looseObject({
  name: z.string().trim().min(1).max(PRESET_NAME_MAX),
  modelId: z.string().trim().min(1),
  fileInput: z.string().optional(),
  inputsVersion: z.string().optional(),
});

/** A saved custom preset carries the version of the inputs it was checked against; a ControlNet preset never does. */
export function isCustomPresetDocument(preset: unknown): boolean {
  return typeof preset === 'object' && preset !== null && typeof (preset as { inputsVersion?: unknown }).inputsVersion === 'string';
}

export type CustomPresetValidation = { ok: true; preset: CustomPreset } | { ok: false; issues: InputIssue[] };

/** What the dropped file is checked as while the preset is edited: any asset id will do. */
const DROPPED_FILE_STAND_IN = 'asset_dropped-file';

/** The values of the model's inputs a preset holds (its own keys left out). */
export function presetValues(preset: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(preset).filter(([key, value]) => !(CUSTOM_PRESET_KEYS as readonly string[]).includes(key) && value !== undefined));
}

/** The input the dropped file goes to, or undefined when the model takes no image. */
export function fileInputOf(preset: Pick<CustomPreset, 'fileInput'>, inputs: readonly ModelInput[]): ModelInput | undefined {
  const name = preset.fileInput ?? defaultFileInput(inputs);
  return inputs.find((input) => input.name === name);
}

/** Checks a draft against the model's inputs; a valid one comes back trimmed and stamped with the inputs' version. */
export function validateCustomPreset(draft: unknown, inputs: readonly ModelInput[]): CustomPresetValidation {
  const fields = typeof draft === 'object' && draft !== null && !Array.isArray(draft) ? (draft as Record<string, unknown>) : {};
  const issues: InputIssue[] = [];
  const name = typeof fields.name === 'string' ? fields.name.trim() : '';
  if (name === '') issues.push({ field: 'name', message: 'Name is required: give the preset a name.' });
  else if (name.length > PRESET_NAME_MAX) issues.push({ field: 'name', message: `Name is ${name.length} characters long: shorten it to ${PRESET_NAME_MAX} or fewer.` });
  const modelId = typeof fields.modelId === 'string' ? fields.modelId.trim() : '';
  if (modelId === '') issues.push({ field: 'modelId', message: 'Model is required: choose a model.' });

  const fileInputName = fields.fileInput;
  const fileInput = typeof fileInputName === 'string' || fileInputName === undefined ? fileInputOf({ ...(fileInputName === undefined ? {} : { fileInput: fileInputName }) }, inputs) : undefined;
  if (fileInputName !== undefined && (fileInput === undefined || !isImageFileInput(fileInput))) {
    const choices = inputs.filter(isImageFileInput).map((input) => input.name);
    issues.push({ field: 'fileInput', message: `File input ${JSON.stringify(fileInputName)} is not one of this model's image inputs: use ${choices.length > 0 ? choices.join(' or ') : 'none (this model takes no image)'}.` });
  } else if (fileInput === undefined) {
    issues.push({ field: 'modelId', message: 'This model takes no image, so a hot folder cannot feed it: choose a model with an image input.' });
  }

  const values = presetValues(fields);
  if (fileInput !== undefined && values[fileInput.name] !== undefined) {
    issues.push({ field: fileInput.name, message: `${labelOf(fileInput)} receives the dropped file: remove its value from the preset.` });
  }
  const checked = { ...values, ...(fileInput === undefined ? {} : { [fileInput.name]: isArrayInput(fileInput) ? [DROPPED_FILE_STAND_IN] : DROPPED_FILE_STAND_IN }) };
  const known = new Set(issues.map((issue) => issue.field));
  issues.push(...checkInputValues(inputs, checked).filter((issue) => !known.has(issue.field)));
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    preset: { name, modelId, ...(typeof fileInputName === 'string' ? { fileInput: fileInputName } : {}), inputsVersion: inputsVersion(inputs), ...values },
  };
}

export interface CustomRequest {
  body: Record<string, unknown>;
  /** canonicalJson(body): the bytes to send to /generate/custom/{modelId} and to store. */
  json: string;
}

/**
 * The exact body for one run: the preset's values, the dropped file in its input (always a list
 * for an array input: Scenario drops a bare string silently) and the run's seed when the model has
 * a seed input. The model's id is in the path, never in the body.
 */
export function buildCustomRequest(preset: CustomPreset, inputs: readonly ModelInput[], run: { file: string; seed: string | null }): CustomRequest {
  const fileInput = fileInputOf(preset, inputs);
  if (fileInput === undefined) throw new Error(`Model ${preset.modelId} has no image input for the dropped file.`);
  const body: Record<string, unknown> = { ...presetValues(preset), [fileInput.name]: isArrayInput(fileInput) ? [run.file] : run.file };
  const seedInput = inputs.find((input) => input.name === SEED_INPUT);
  if (seedInput !== undefined && run.seed !== null) body[SEED_INPUT] = seedInput.type === 'number' ? Number(run.seed) : run.seed;
  return { body, json: canonicalJson(body) };
}

/** The seed a run of this preset uses: the preset's own, a new random one, or null when the model has no seed input. */
export function customSeedForRun(preset: CustomPreset, inputs: readonly ModelInput[], random: () => string): string | null {
  const own = preset[SEED_INPUT];
  if (!inputs.some((input) => input.name === SEED_INPUT)) return null;
  return own === undefined ? randomSeedWithin(inputs, random) : String(own);
}

/** A random seed inside the range the model's seed input allows (a 32-bit draw folded into it). */
export function randomSeedWithin(inputs: readonly ModelInput[], random: () => string): string | null {
  const seed = inputs.find((input) => input.name === SEED_INPUT);
  if (seed === undefined) return null;
  const min = Math.ceil(seed.min ?? 0);
  const max = Math.floor(seed.max ?? 2 ** 32 - 1);
  return String(min + (Number(random()) % (max - min + 1)));
}
