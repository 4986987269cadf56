/**
 * What an imported job's `metadata.input` becomes here: the request stored as that job's (its
 * control image named by asset id, as our own requests are), the preset document that builds the
 * same body again, and, when no preset can, why it cannot be reproduced through our endpoints.
 */
import { createHash } from 'node:crypto';
import { buildControlNetRequest, canonicalJson, validatePreset, type ModelFamily } from '../../shared/preset';
import { IMPORTED_PRESET_NAME, type GenerationOrigin, type ImportedPreset } from '../store';

export interface ImportedParameters {
  /** Canonical JSON of the request as Scenario lists it (minus its `type`). */
  requestJson: string;
  modelId: string;
  prompt: string;
  negativePrompt: string | null;
  modality: string;
  seed: string | null;
  /** The control map's asset id, when it is an asset. */
  controlAssetId: string | null;
  origin: GenerationOrigin;
  notReproducible: string | null;
}

/** Fields Scenario lists in a job's input that are not part of the body (the job's kind). */
const LISTING_ONLY = ['type'];

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function readImportedParameters(job: { jobType?: string | undefined; metadata?: { input?: unknown } | undefined }, family: ModelFamily | undefined): ImportedParameters {
  const input = typeof job.metadata?.input === 'object' && job.metadata.input !== null ? (job.metadata.input as Record<string, unknown>) : {};
  const request = Object.fromEntries(Object.entries(input).filter(([key]) => !LISTING_ONLY.includes(key)));
  const control = text(input.image) ?? text(input.controlImage);
  const controlAssetId = control?.startsWith('asset_') ? control : null;
  const seed = input.seed === undefined || input.seed === null ? null : String(input.seed);
  const preset = presetOfRequest(request);
  const notReproducible = reproductionProblem(job, input, request, preset, controlAssetId, seed, family);
  return {
    requestJson: canonicalJson(request),
    modelId: text(input.modelId) ?? 'unknown',
    prompt: text(input.prompt) ?? '',
    negativePrompt: text(input.negativePrompt),
    modality: text(input.modality) ?? text(input.controlModality) ?? 'unknown',
    seed,
    controlAssetId,
    // A body this app could have sent itself came from a machine like this one; anything else
    // from Scenario's web app or a plugin (the API does not tell those two apart).
    origin: notReproducible === null ? 'another-machine' : 'web-app-or-plugin',
    notReproducible,
  };
}

/** The preset document whose run builds `request` again: the request without its control image and seed, named for where it came from. */
function presetOfRequest(request: Record<string, unknown>): Record<string, unknown> {
  const { image: _image, controlImage: _controlImage, seed: _seed, ...fields } = request;
  return { name: IMPORTED_PRESET_NAME, ...fields };
}

/**
 * The preset version an imported generation is reproduced with, made when someone reproduces it
 * (one per distinct document and family): its run sends the generation's request again.
 */
export function importedPresetOf(requestJson: string, family: string): ImportedPreset {
  const document = presetOfRequest(JSON.parse(requestJson) as Record<string, unknown>);
  return { contentSha256: createHash('sha256').update(`${family}\n${canonicalJson(document)}`).digest('hex'), family, document };
}

function reproductionProblem(
  job: { jobType?: string | undefined },
  input: Record<string, unknown>,
  request: Record<string, unknown>,
  preset: Record<string, unknown>,
  controlAssetId: string | null,
  seed: string | null,
  family: ModelFamily | undefined,
): string | null {
  if (job.jobType !== undefined && job.jobType !== 'inference') return `It was made by a ${job.jobType} job, which this app does not send.`;
  if (input.type !== undefined && input.type !== 'controlnet') return `It was made by a ${String(input.type)} generation, which this app does not send (it sends ControlNet generations).`;
  if (controlAssetId === null) return 'It was made without a control image stored at Scenario, and this app generates from control images.';
  if (seed === null) return 'Scenario does not list its seed.';
  if (family === undefined) return `Its model ${String(input.modelId)} is not one whose family this app knows (SD 1.5, SDXL, Flux), or this key cannot see it.`;
  const validation = validatePreset(preset, { family });
  if (!validation.ok) return `Its parameters are outside what this app sends: ${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`;
  const rebuilt = buildControlNetRequest(validation.preset, { image: controlAssetId, seed, family });
  if (rebuilt.json !== canonicalJson(request)) {
    const differing = [...new Set([...Object.keys(rebuilt.body), ...Object.keys(request)])]
      .filter((key) => canonicalJson((rebuilt.body as unknown as Record<string, unknown>)[key]) !== canonicalJson(request[key]))
      .sort();
    return `Its request left ${differing.join(', ')} to Scenario's defaults (or set them in a way this app does not), so this app cannot send the very same request.`;
  }
  return null;
}
