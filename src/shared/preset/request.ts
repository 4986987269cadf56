// The exact body of POST /v1/generate/controlnet for one run of a preset. The body is complete
// (numSamples, size, steps and, when the family is known, guidance are explicit) so a stored body
// still describes the run if Scenario changes its defaults, and `json` is canonical so the same
// inputs always give the same bytes.
import { canonicalJson } from './canonical-json';
import { PresetError } from './errors';
import type { ModelFamily } from './families';
import { defaultsFor, GENERIC_DEFAULTS, type Preset, type Scheduler } from './schema';
import { isValidSeed, randomSeed } from './seed';

export interface ControlNetConcept {
  modelId: string;
  scale: number;
  modelEpoch?: string;
}

export interface ControlNetRequestBody {
  modelId: string;
  prompt: string;
  modality: string;
  /** Asset id (`asset_...`) or data URL of the control map. */
  image: string;
  seed: string;
  numSamples: number;
  width: number;
  height: number;
  numInferenceSteps: number;
  guidance?: number;
  negativePrompt?: string;
  negativePromptStrength?: number;
  scheduler?: Scheduler;
  disableModalityDetection?: boolean;
  controlStart?: number;
  controlEnd?: number;
  baseModelId?: string;
  concepts?: ControlNetConcept[];
  modelEpoch?: string;
  hideResults?: boolean;
  intermediateImages?: boolean;
}

export interface ControlNetRequestInput {
  image: string;
  seed: string;
  family?: ModelFamily;
}

export interface ControlNetRequest {
  body: ControlNetRequestBody;
  /** canonicalJson(body): the bytes to send and to store. */
  json: string;
}

/** The seed for one run: the preset's own, or a new random one when it has none. */
export function seedForRun(preset: Pick<Preset, 'seed'>): string {
  return preset.seed ?? randomSeed();
}

export function buildControlNetRequest(preset: Preset, input: ControlNetRequestInput): ControlNetRequest {
  if (!isValidSeed(input.seed)) {
    throw new PresetError('invalid-seed', `Seed '${input.seed}' is not a whole number: use digits only, such as 42.`);
  }
  if (input.image.trim() === '') {
    throw new PresetError('missing-image', 'No control image was given: add an image to generate from.');
  }
  const defaults = input.family ? defaultsFor(input.family) : GENERIC_DEFAULTS;
  // `name` is ours, not Scenario's: it never goes into the request.
  const { name: _name, concepts, ...fields } = preset;
  const body: ControlNetRequestBody = withoutUndefined({
    ...fields,
    image: input.image,
    seed: input.seed,
    numSamples: preset.numSamples ?? defaults.numSamples,
    width: preset.width ?? defaults.width,
    height: preset.height ?? defaults.height,
    numInferenceSteps: preset.numInferenceSteps ?? defaults.numInferenceSteps,
    guidance: preset.guidance ?? ('guidance' in defaults ? defaults.guidance : undefined),
    concepts: concepts?.map((concept) => withoutUndefined(concept)),
  });
  return { body, json: canonicalJson(body) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
