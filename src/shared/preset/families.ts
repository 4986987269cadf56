// Model families and their ControlNet rules. The figures come from Scenario's NOTES table
// (/work/shared/scenario-api/NOTES.md) and the contract's per-family ranges.

export type ModelFamily = 'sd-1_5' | 'sd-xl' | 'flux-dev' | 'flux-schnell' | 'flux-pro';

export const MODEL_FAMILIES: readonly ModelFamily[] = ['sd-1_5', 'sd-xl', 'flux-dev', 'flux-schnell', 'flux-pro'];

/** A family as stored (a preset version's, a generation's), or undefined for 'unknown' and anything else. */
export function asModelFamily(text: string | undefined): ModelFamily | undefined {
  return (MODEL_FAMILIES as readonly (string | undefined)[]).includes(text) ? (text as ModelFamily) : undefined;
}

export interface NumberRange {
  min: number;
  max: number;
}

export interface FamilyRules {
  /** What a person calls the family, used in every message ("SDXL allows widths ..."). */
  label: string;
  /** Width and height share one range. */
  size: NumberRange;
  sizeMultiple: number;
  guidance: NumberRange & { default: number };
  /** Single modality names this family accepts (combinable up to `maxModalities`). */
  modalities: readonly string[];
  /** Family presets (`character`, ...): used alone, never combined with modalities. */
  presets: readonly string[];
  maxModalities: number;
  /** controlStart / controlEnd exist only for Flux.1-dev based models. */
  allowsControlWindow: boolean;
  /** Flux ignores a negative prompt unless negativePromptStrength > 0. */
  negativePromptNeedsStrength: boolean;
}

/** What every Flux variant shares: the variants differ only in guidance and the control window. */
const FLUX_COMMON = {
  size: { min: 64, max: 2048 },
  sizeMultiple: 8,
  modalities: ['canny', 'tile', 'depth', 'blur', 'pose', 'gray', 'low-quality'],
  presets: [],
  maxModalities: 1,
  negativePromptNeedsStrength: true,
} as const satisfies Omit<FamilyRules, 'label' | 'guidance' | 'allowsControlWindow'>;

export const FAMILY_RULES: Readonly<Record<ModelFamily, FamilyRules>> = {
  'sd-1_5': {
    label: 'SD 1.5',
    size: { min: 64, max: 1024 },
    sizeMultiple: 8,
    guidance: { min: 0, max: 20, default: 7.5 },
    modalities: ['canny', 'pose', 'depth', 'lines', 'seg', 'scribble', 'lineart', 'normal-map', 'illusion'],
    presets: ['character', 'landscape', 'city', 'interior'],
    maxModalities: 3,
    allowsControlWindow: false,
    negativePromptNeedsStrength: false,
  },
  'sd-xl': {
    label: 'SDXL',
    size: { min: 512, max: 2048 },
    sizeMultiple: 8,
    guidance: { min: 0, max: 20, default: 6 },
    modalities: ['canny', 'pose', 'depth', 'seg', 'illusion', 'scribble'],
    presets: ['character', 'landscape'],
    maxModalities: 3,
    allowsControlWindow: false,
    negativePromptNeedsStrength: false,
  },
  'flux-dev': { ...FLUX_COMMON, label: 'Flux dev', guidance: { min: 0, max: 10, default: 3.5 }, allowsControlWindow: true },
  // The NOTES table groups schnell with dev and gives no schnell-specific guidance figures,
  // so schnell uses dev's guidance range and default.
  'flux-schnell': { ...FLUX_COMMON, label: 'Flux schnell', guidance: { min: 0, max: 10, default: 3.5 }, allowsControlWindow: false },
  'flux-pro': { ...FLUX_COMMON, label: 'Flux pro', guidance: { min: 2, max: 5, default: 3 }, allowsControlWindow: false },
};

const FLUX_PRO_TYPES: readonly string[] = ['flux.1-pro', 'flux1.1-pro', 'flux.1.1-pro-ultra'];

/**
 * The family of a model, from its `type` (as returned by GET /models/{modelId}).
 * Schnell has no model type of its own: Scenario types it `flux.1*` like dev, so a Flux model
 * whose name or id mentions "schnell" is taken as schnell; every other `flux.1*` model is dev
 * (the stricter choice would lose controlStart/controlEnd for the common case).
 * Types with no ControlNet family (`custom`, `gpt-image-1`, ...) give undefined.
 */
export function familyOfModel(model: { type: string; name?: string; modelId?: string }): ModelFamily | undefined {
  const type = model.type.trim().toLowerCase();
  if (type.startsWith('sd-1_5')) return 'sd-1_5';
  if (type.startsWith('sd-xl')) return 'sd-xl';
  if (FLUX_PRO_TYPES.includes(type)) return 'flux-pro';
  if (type.startsWith('flux.1')) {
    const mentionsSchnell = [model.name, model.modelId].some((text) => text?.toLowerCase().includes('schnell'));
    return mentionsSchnell ? 'flux-schnell' : 'flux-dev';
  }
  return undefined;
}

/** Flux LoRA types (`flux.1-lora`, `flux.1-krea-lora`, `flux.1-kontext-lora`): the only ones that take a baseModelId. */
export function isFluxLora(type: string): boolean {
  const normalized = type.trim().toLowerCase();
  return normalized.startsWith('flux') && normalized.endsWith('-lora');
}

export function isFluxFamily(family: ModelFamily): boolean {
  return family.startsWith('flux');
}
