/**
 * Per-family ControlNet rules (NOTES.md table), kept as simulator-side data and applied using
 * the requested model's `type`. The simulator's own copy: never the client's.
 */
import { badRequest } from './errors';
import { parseModality } from './modality';
import type { SimulatedModel } from './models';

export type Family = 'sd-1_5' | 'sd-xl' | 'flux';
export type FluxVariant = 'dev' | 'schnell' | 'pro';

interface Range {
  min: number;
  max: number;
}

export interface FamilyRules {
  size: Range;
  guidance: Range;
  defaultGuidance: number;
  defaultSize: number;
  modalities: readonly string[];
  presets: readonly string[];
  /** How many modalities one request may combine. */
  modalityCount: Range;
}

export const FAMILY_RULES: Record<Family, FamilyRules> = {
  'sd-1_5': {
    size: { min: 64, max: 1024 },
    guidance: { min: 0, max: 20 },
    defaultGuidance: 7.5,
    defaultSize: 512,
    modalities: ['canny', 'pose', 'depth', 'lines', 'seg', 'scribble', 'lineart', 'normal-map', 'illusion'],
    presets: ['character', 'landscape', 'city', 'interior'],
    modalityCount: { min: 1, max: 3 },
  },
  'sd-xl': {
    size: { min: 512, max: 2048 },
    guidance: { min: 0, max: 20 },
    defaultGuidance: 6,
    defaultSize: 1024,
    modalities: ['canny', 'pose', 'depth', 'seg', 'illusion', 'scribble'],
    presets: ['character', 'landscape'],
    modalityCount: { min: 1, max: 3 },
  },
  flux: {
    size: { min: 64, max: 2048 },
    guidance: { min: 0, max: 10 },
    defaultGuidance: 3.5,
    defaultSize: 1024,
    modalities: ['canny', 'tile', 'depth', 'blur', 'pose', 'gray', 'low-quality'],
    presets: [],
    modalityCount: { min: 1, max: 1 },
  },
};

const FLUX_PRO_GUIDANCE: Range = { min: 2, max: 5 };

export function familyOfType(type: string): Family | undefined {
  if (type.startsWith('sd-1_5')) return 'sd-1_5';
  if (type.startsWith('sd-xl')) return 'sd-xl';
  if (type.startsWith('flux')) return 'flux';
  return undefined;
}

export function isFluxLora(model: SimulatedModel): boolean {
  return familyOfType(model.type) === 'flux' && model.type.endsWith('-lora');
}

/** Dev, schnell or pro, from the model (or, for a LoRA, the base it runs on). */
export function fluxVariant(model: SimulatedModel, baseModelId: string | undefined): FluxVariant {
  if (model.type.includes('pro')) return 'pro';
  const runsOn = isFluxLora(model) ? (baseModelId ?? model.compliantModelIds[0] ?? model.id) : model.id;
  return runsOn.includes('schnell') ? 'schnell' : 'dev';
}

export interface GenerateParameters {
  modality: string;
  width?: number;
  height?: number;
  guidance?: number;
  controlStart?: number;
  controlEnd?: number;
  negativePrompt?: string;
  negativePromptStrength?: number;
  baseModelId?: string;
}

function checkRange(field: string, value: number | undefined, range: Range, why: string): void {
  if (value === undefined) return;
  if (value < range.min || value > range.max) {
    throw badRequest(`${field} must be between ${range.min} and ${range.max} for ${why}`, { field, min: range.min, max: range.max });
  }
}

/** Throws a 400 ApiFailure naming the field when the request breaks a rule of the model's family. */
export function checkFamilyRules(model: SimulatedModel, request: GenerateParameters): void {
  const family = familyOfType(model.type);
  if (family === undefined) throw badRequest(`modelId ${model.id} (type ${model.type}) does not support controlnet`, { field: 'modelId' });
  const rules = FAMILY_RULES[family];
  const why = `${model.type} models`;

  for (const field of ['width', 'height'] as const) {
    const value = request[field];
    checkRange(field, value, rules.size, why);
    if (value !== undefined && (!Number.isInteger(value) || value % 8 !== 0)) {
      throw badRequest(`${field} must be a multiple of 8`, { field });
    }
  }

  const variant = family === 'flux' ? fluxVariant(model, request.baseModelId) : undefined;
  checkRange('guidance', request.guidance, variant === 'pro' ? FLUX_PRO_GUIDANCE : rules.guidance, variant === 'pro' ? 'Flux pro models' : why);

  const parsed = parseModality(request.modality, rules.presets);
  if (!parsed.ok) throw badRequest(parsed.message, { field: 'modality' });
  if (parsed.value.kind === 'list') {
    const { items } = parsed.value;
    for (const item of items) {
      if (!rules.modalities.includes(item.name)) {
        throw badRequest(`modality ${item.name} is not available for ${why}; use one of ${[...rules.modalities, ...rules.presets].join(', ')}`, { field: 'modality' });
      }
    }
    if (items.length < rules.modalityCount.min || items.length > rules.modalityCount.max) {
      const expected = rules.modalityCount.min === rules.modalityCount.max ? `exactly ${rules.modalityCount.max}` : `${rules.modalityCount.min} to ${rules.modalityCount.max}`;
      throw badRequest(`modality must list ${expected} item(s) for ${why}`, { field: 'modality' });
    }
  }

  if (request.controlStart !== undefined || request.controlEnd !== undefined) {
    if (variant !== 'dev') {
      const field = request.controlStart !== undefined ? 'controlStart' : 'controlEnd';
      throw badRequest(`${field} is only available for Flux.1-dev models`, { field });
    }
    if (request.controlStart !== undefined && request.controlEnd !== undefined && request.controlStart >= request.controlEnd) {
      throw badRequest('controlStart must be lower than controlEnd', { field: 'controlStart' });
    }
  }

  if (family === 'flux' && request.negativePrompt !== undefined && request.negativePrompt !== '' && !((request.negativePromptStrength ?? 0) > 0)) {
    throw badRequest('negativePrompt needs negativePromptStrength greater than 0 for Flux models', { field: 'negativePromptStrength' });
  }

  if (request.baseModelId !== undefined) {
    if (!isFluxLora(model)) throw badRequest('baseModelId is only accepted for Flux LoRA models', { field: 'baseModelId' });
    if (!model.compliantModelIds.includes(request.baseModelId)) {
      throw badRequest(`baseModelId must be one of ${model.compliantModelIds.join(', ')}`, { field: 'baseModelId' });
    }
  }
}
