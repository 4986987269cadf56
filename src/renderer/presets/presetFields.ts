import type { PresetInput } from '../../shared/preset';

/** The preset fields the editor has a control for, labelled as the editor labels them, in its order. */
export const PRESET_FIELD_LABELS = {
  name: 'Name',
  modelId: 'Model id',
  prompt: 'Prompt',
  modality: 'Modality',
  width: 'Width',
  height: 'Height',
  guidance: 'Guidance',
  numInferenceSteps: 'Steps',
  numSamples: 'Images per run',
  scheduler: 'Scheduler',
  negativePrompt: 'Negative prompt',
  negativePromptStrength: 'Negative prompt strength',
  controlStart: 'Control start',
  controlEnd: 'Control end',
  disableModalityDetection: 'Detect the modality in the image',
  seed: 'Seed',
  concepts: 'Concepts (LoRA)',
  baseModelId: 'Base model',
} as const satisfies Partial<Record<keyof PresetInput, string>>;

export type LabelledField = keyof typeof PRESET_FIELD_LABELS;

/** What a field left out of a preset means when it runs. */
export function unsetMeaning(field: string): string {
  if (field === 'seed') return 'random for every run';
  if (field === 'concepts' || field === 'negativePrompt' || field === 'baseModelId') return 'none';
  return 'model default';
}

export const LABELLED_FIELDS = new Set<string>(Object.keys(PRESET_FIELD_LABELS));

export interface PresetValueRow {
  field: string;
  label: string;
  /** Null when the version leaves the field out (the model's default, or a random seed). */
  value: string | null;
  /** The field has another value in the preset's current version. */
  differs: boolean;
}

/**
 * Every field of a saved preset document as label and text, in the editor's order, then any field
 * the editor has no control for (an imported one). `current` marks what has changed since.
 */
export function presetValueRows(preset: Record<string, unknown>, current: Record<string, unknown> | null): PresetValueRow[] {
  const extra = [...new Set([...Object.keys(preset), ...Object.keys(current ?? {})])].filter((field) => !LABELLED_FIELDS.has(field)).sort();
  return [...Object.keys(PRESET_FIELD_LABELS), ...extra].map((field) => {
    const value = valueText(preset[field]);
    return {
      field,
      label: (PRESET_FIELD_LABELS as Record<string, string>)[field] ?? field,
      value,
      differs: current !== null && value !== valueText(current[field]),
    };
  });
}

function valueText(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(conceptText).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A LoRA concept as the artist thinks of it: "model_x × 0.8". */
function conceptText(item: unknown): string {
  const concept = item as { modelId?: unknown; scale?: unknown } | null;
  if (typeof concept?.modelId === 'string' && typeof concept.scale === 'number') return `${concept.modelId} × ${concept.scale}`;
  return JSON.stringify(item);
}
