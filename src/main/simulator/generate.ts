/**
 * POST /generate/controlnet: validation from the contract, the model's family rules, the
 * control image (data URL or uploaded asset id), dry runs and the request to create a job.
 */
import { createHash, randomInt } from 'node:crypto';
import { requestSchema } from './contract';
import { creativeUnitsCost, DEFAULT_INFERENCE_STEPS, DEFAULT_NUM_SAMPLES } from './cost';
import { badRequest, notFound } from './errors';
import { checkFamilyRules, FAMILY_RULES, familyOfType, type GenerateParameters } from './families';
import { inspectImage } from './images';
import type { SimulatedModel } from './models';
import type { StoredAsset } from './state';
import { validateAgainst } from './validate';

/** The body fields the simulator reads: the family rules' parameters plus what every request carries. */
export interface GenerateRequest extends GenerateParameters {
  modelId: string;
  prompt: string;
  image?: string;
  controlImage?: string;
  seed?: string;
  numSamples?: number;
  numInferenceSteps?: number;
}

/** A generate request that passed every check, with its defaults filled in. */
export interface AcceptedGenerate {
  body: GenerateRequest;
  model: SimulatedModel;
  control: Buffer;
  controlSha256: string;
  width: number;
  height: number;
  numSamples: number;
  numInferenceSteps: number;
  seed: string;
  cost: number;
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;

export function decodeBase64Image(text: string): Buffer {
  const base64 = DATA_URL.test(text) ? text.slice(text.indexOf(',') + 1) : text;
  return Buffer.from(base64, 'base64');
}

/** The bytes a file field names: an uploaded asset, or a data URL of a readable image. */
export async function resolveFileValue(field: string, value: string, assets: ReadonlyMap<string, StoredAsset>): Promise<Buffer> {
  if (value.startsWith('asset_')) {
    const asset = assets.get(value);
    if (!asset) throw notFound(`${field}: asset ${value} was not found`, { field, assetId: value });
    if (!('bytes' in asset.content)) throw badRequest(`${field}: asset ${value} is not an uploaded image`, { field });
    return asset.content.bytes;
  }
  if (!DATA_URL.test(value)) throw badRequest(`${field} must be a data URL (data:image/png;base64,...) or an asset id`, { field });
  const bytes = decodeBase64Image(value);
  if ((await inspectImage(bytes)) === undefined) throw badRequest(`${field} is not a readable image`, { field });
  return bytes;
}

function requireInteger(body: GenerateRequest, field: 'numSamples' | 'numInferenceSteps' | 'width' | 'height'): void {
  const value = body[field];
  if (value !== undefined && !Number.isInteger(value)) throw badRequest(`${field} must be an integer`, { field });
}

export async function acceptGenerate(body: Record<string, unknown>, models: ReadonlyMap<string, SimulatedModel>, assets: ReadonlyMap<string, StoredAsset>): Promise<AcceptedGenerate> {
  // The contract's modality enum lists single names only; the combined syntax and presets are
  // valid too, so modality is checked by the family rules' own parser instead.
  const issue = validateAgainst(requestSchema('PostControlnetInferencesRequest'), body, { skipEnumAt: ['modality'] });
  if (issue) throw badRequest(issue.message, { field: issue.field, rule: issue.rule });
  const request = body as unknown as GenerateRequest;
  for (const field of ['numSamples', 'numInferenceSteps', 'width', 'height'] as const) requireInteger(request, field);

  const model = models.get(request.modelId);
  if (!model) throw notFound(`modelId: model ${request.modelId} was not found`, { field: 'modelId', modelId: request.modelId });
  if (model.status !== 'trained') throw badRequest(`modelId: model ${model.id} is not trained (status ${model.status})`, { field: 'modelId' });
  if (!model.capabilities.includes('controlnet')) throw badRequest(`modelId: model ${model.id} does not support controlnet`, { field: 'modelId' });
  checkFamilyRules(model, request);

  const field = request.image !== undefined ? 'image' : 'controlImage';
  const value = request.image ?? request.controlImage;
  if (value === undefined || value === '') throw badRequest('image is required: send the control map as a data URL or an asset id', { field: 'image' });
  const control = await resolveFileValue(field, value, assets);

  const family = familyOfType(model.type);
  const defaultSize = family ? FAMILY_RULES[family].defaultSize : 1024;
  const width = request.width ?? defaultSize;
  const height = request.height ?? defaultSize;
  const numSamples = request.numSamples ?? DEFAULT_NUM_SAMPLES;
  const numInferenceSteps = request.numInferenceSteps ?? DEFAULT_INFERENCE_STEPS;
  return {
    body: request,
    model,
    control,
    controlSha256: createHash('sha256').update(control).digest('hex'),
    width,
    height,
    numSamples,
    numInferenceSteps,
    // Without a seed Scenario picks one; the simulator does too and reports it.
    seed: request.seed ?? String(randomInt(0, 2 ** 31)),
    cost: creativeUnitsCost({ numSamples, width, height, numInferenceSteps }),
  };
}

/** The `inference` object of the 200 answer. */
export function inferenceToApi(accepted: AcceptedGenerate, inferenceId: string, imageId: string): Record<string, unknown> {
  const { body } = accepted;
  const echoed: Record<string, unknown> = {};
  for (const key of ['guidance', 'negativePrompt', 'negativePromptStrength', 'controlStart', 'controlEnd', 'baseModelId'] as const) {
    if (body[key] !== undefined) echoed[key] = body[key];
  }
  return {
    id: inferenceId,
    type: 'controlnet',
    prompt: body.prompt,
    modality: body.modality,
    image: imageId,
    imageId,
    seed: accepted.seed,
    width: accepted.width,
    height: accepted.height,
    numSamples: accepted.numSamples,
    numInferenceSteps: accepted.numInferenceSteps,
    ...echoed,
  };
}
