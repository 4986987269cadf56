/**
 * What one run of a saved preset version sends, whichever endpoint it goes to: a ControlNet
 * preset is checked by its family's rules and goes to /generate/controlnet; a custom-model preset
 * is checked against the version of the model's inputs it was saved with (kept in the store, so
 * this works offline) and goes to /generate/custom/{modelId}. The pipeline, the CLI's dry run and
 * the engine all build requests here.
 */
import {
  CUSTOM_FAMILY, buildCustomRequest, customSeedForRun, presetValues, randomSeedWithin, validateCustomPreset,
  type CustomPreset, type ModelInput,
} from '../../shared/model-inputs/index';
import { MODEL_FAMILIES, buildControlNetRequest, randomSeed, seedForRun, validatePreset } from '../../shared/preset/index';
import type { FieldIssue, ModelFamily } from '../../shared/preset/index';
import type { GenerateEndpoint } from '../scenario/index';
import type { PresetVersion } from '../store/index';

export interface PresetRun {
  endpoint: GenerateEndpoint;
  modelId: string;
  /** A new run's seed: the preset's own or a random one; null when the model has no seed input. */
  seedForRun(): string | null;
  /** A new random seed the model accepts (a variation's); null when it has no seed input. */
  randomSeed(): string | null;
  /** The canonical body (the bytes to send and store) with `image` in the input that takes the file. */
  requestJson(image: string, seed: string | null): string;
  /** What the history shows and searches. */
  summary: { modality: string; prompt: string; negativePrompt: string | null };
}

export type PresetRunCheck = { ok: true; run: PresetRun } | { ok: false; issues: FieldIssue[] };

export function isCustomFamily(family: string): boolean {
  return family === CUSTOM_FAMILY;
}

/** Checks a saved version and tells how to run it; `inputsOf` reads a version of a model's inputs from the store. */
export function presetRunOf(version: Pick<PresetVersion, 'family' | 'preset'>, inputsOf: (inputsVersion: string) => ModelInput[] | null): PresetRunCheck {
  if (isCustomFamily(version.family)) return customRun(version.preset, inputsOf);
  const family = (MODEL_FAMILIES as readonly string[]).includes(version.family) ? (version.family as ModelFamily) : undefined;
  const validation = validatePreset(version.preset, family === undefined ? {} : { family });
  if (!validation.ok) return validation;
  const document = validation.preset;
  return {
    ok: true,
    run: {
      endpoint: { kind: 'controlnet' },
      modelId: document.modelId,
      seedForRun: () => seedForRun(document),
      randomSeed,
      requestJson: (image, seed) => buildControlNetRequest(document, { image, seed: seed ?? seedForRun(document), family }).json,
      summary: { modality: document.modality, prompt: document.prompt, negativePrompt: document.negativePrompt ?? null },
    },
  };
}

function customRun(preset: unknown, inputsOf: (inputsVersion: string) => ModelInput[] | null): PresetRunCheck {
  const saved = preset as Partial<CustomPreset>;
  const inputs = typeof saved.inputsVersion === 'string' ? inputsOf(saved.inputsVersion) : null;
  if (inputs === null) {
    return { ok: false, issues: [{ field: 'modelId', message: "The model's inputs this preset was checked against are not in this library: open the preset and save it again while Scenario can be reached." }] };
  }
  const validation = validateCustomPreset(preset, inputs);
  if (!validation.ok) return validation;
  const document = validation.preset;
  const values = presetValues(document);
  const text = (name: string): string | null => (typeof values[name] === 'string' ? (values[name] as string) : null);
  return {
    ok: true,
    run: {
      endpoint: { kind: 'custom', modelId: document.modelId },
      modelId: document.modelId,
      seedForRun: () => customSeedForRun(document, inputs, randomSeed),
      randomSeed: () => randomSeedWithin(inputs, randomSeed),
      requestJson: (image, seed) => buildCustomRequest(document, inputs, { file: image, seed }).json,
      summary: { modality: text('controlModality') ?? '', prompt: text('prompt') ?? '', negativePrompt: text('negativePrompt') },
    },
  };
}
