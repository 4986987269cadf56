// A preset is every field of Scenario's ControlNet request except the per-run ones (image, seed
// when random) plus a name. `presetSchema` holds the contract's structural rules; `validatePreset`
// adds the model family's rules and turns every problem into a sentence that says how to fix it.
import { z } from 'zod';
import { FAMILY_RULES, isFluxFamily, type FamilyRules, type ModelFamily } from './families';
import { formatModality, parseModality, type ParsedModality } from './modality';
import { isValidSeed } from './seed';

export const SCHEDULERS = [
  'DDIMScheduler', 'DDPMScheduler', 'DEISMultistepScheduler', 'DPMSolverMultistepScheduler',
  'DPMSolverSinglestepScheduler', 'EulerAncestralDiscreteScheduler', 'EulerDiscreteScheduler',
  'HeunDiscreteScheduler', 'KDPM2AncestralDiscreteScheduler', 'KDPM2DiscreteScheduler', 'LCMScheduler',
  'LMSDiscreteScheduler', 'PNDMScheduler', 'TCDScheduler', 'UniPCMultistepScheduler',
] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

export const PRESET_NAME_MAX = 80;
export const SIZE_MULTIPLE = 8;

const requiredText = z.string().trim().min(1);
// An empty optional text means "not set": the request must then omit the field, not send "".
const optionalText = z.string().trim().optional().transform((text) => (text === '' ? undefined : text));

/** Stored in canonical form, so equal modalities compare and hash equal. */
const modalitySchema = z.string().transform((text, context) => {
  const parsed = parseModality(text);
  if (!parsed.ok) {
    context.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return formatModality(parsed.value);
});

const sizeSchema = z.number().int().min(64).max(2048).multipleOf(SIZE_MULTIPLE);

export const conceptSchema = z.strictObject({
  modelId: requiredText,
  scale: z.number().min(-2).max(2),
  modelEpoch: optionalText,
});

export const presetSchema = z.strictObject({
  name: z.string().trim().min(1).max(PRESET_NAME_MAX),
  modelId: requiredText,
  prompt: requiredText,
  modality: modalitySchema,
  negativePrompt: optionalText,
  negativePromptStrength: z.number().min(0).max(10).optional(),
  guidance: z.number().min(0).max(20).optional(),
  numInferenceSteps: z.number().int().min(1).max(150).optional(),
  numSamples: z.number().int().min(1).max(128).optional(),
  width: sizeSchema.optional(),
  height: sizeSchema.optional(),
  /** Absent: a new random seed for every run. */
  seed: z.string().trim().refine(isValidSeed).optional(),
  scheduler: z.enum(SCHEDULERS).optional(),
  disableModalityDetection: z.boolean().optional(),
  controlStart: z.number().min(0).max(0.9).optional(),
  controlEnd: z.number().min(0.1).max(1).optional(),
  baseModelId: optionalText,
  concepts: z.array(conceptSchema).optional(),
  modelEpoch: optionalText,
  hideResults: z.boolean().optional(),
  intermediateImages: z.boolean().optional(),
});

export type Preset = z.output<typeof presetSchema>;
export type PresetInput = z.input<typeof presetSchema>;
export type Concept = z.output<typeof conceptSchema>;

export interface FieldIssue {
  /** Dotted path of the field: `width`, `concepts.0.scale`. */
  field: string;
  message: string;
}

export interface PresetContext {
  family?: ModelFamily;
  compliantModelIds?: string[];
  /** True when the model is a Flux LoRA (see isFluxLora); undefined when not known. */
  isLora?: boolean;
}

export type PresetValidation = { ok: true; preset: Preset } | { ok: false; issues: FieldIssue[] };

export interface FamilyDefaults {
  guidance: number;
  width: number;
  height: number;
  numSamples: number;
  numInferenceSteps: number;
}

/** Values the request builder fills when a preset leaves them out (the editor shows them as placeholders). */
export const GENERIC_DEFAULTS = { width: 512, height: 512, numSamples: 4, numInferenceSteps: 30 } as const;

export function defaultsFor(family: ModelFamily): FamilyDefaults {
  return { ...GENERIC_DEFAULTS, guidance: FAMILY_RULES[family].guidance.default };
}

export function validatePreset(input: unknown, context: PresetContext = {}): PresetValidation {
  const structural = presetSchema.safeParse(input, { error: humanMessage });
  const issues: FieldIssue[] = [];
  if (context.family) issues.push(...familyIssues(input, FAMILY_RULES[context.family]));
  issues.push(...baseModelIssues(input, context));
  if (!structural.success) {
    issues.push(...structural.error.issues.flatMap(toFieldIssues));
  }
  // One issue per field: a family rule is more specific than the contract's wider range, so it wins.
  const firstPerField = issues.filter((issue, index) => issues.findIndex((other) => other.field === issue.field) === index);
  if (firstPerField.length > 0 || !structural.success) return { ok: false, issues: firstPerField };
  return { ok: true, preset: structural.data };
}

// ---- family rules, read from the raw input so they report even when other fields are broken ----

function familyIssues(input: unknown, rules: FamilyRules): FieldIssue[] {
  const fields = asRecord(input);
  const issues: FieldIssue[] = [];
  const { label } = rules;

  for (const field of ['width', 'height'] as const) {
    const value = fields[field];
    if (typeof value !== 'number') continue;
    const plural = `${field}s`;
    if (value < rules.size.min) {
      issues.push({ field, message: `${label} allows ${plural} from ${rules.size.min} to ${rules.size.max}: ${value} is too small.` });
    } else if (value > rules.size.max) {
      issues.push({ field, message: `${label} allows ${plural} from ${rules.size.min} to ${rules.size.max}: ${value} is too large.` });
    }
  }

  const guidance = fields.guidance;
  if (typeof guidance === 'number' && (guidance < rules.guidance.min || guidance > rules.guidance.max)) {
    const side = guidance < rules.guidance.min ? 'too low' : 'too high';
    issues.push({ field: 'guidance', message: `${label} allows guidance from ${rules.guidance.min} to ${rules.guidance.max}: ${guidance} is ${side}.` });
  }

  if (typeof fields.modality === 'string') {
    const parsed = parseModality(fields.modality);
    const message = parsed.ok ? modalityMessage(parsed.value, rules) : undefined;
    if (message) issues.push({ field: 'modality', message });
  }

  if (!rules.allowsControlWindow) {
    if (fields.controlStart !== undefined) issues.push({ field: 'controlStart', message: 'Control start is only for Flux dev models: remove it.' });
    if (fields.controlEnd !== undefined) issues.push({ field: 'controlEnd', message: 'Control end is only for Flux dev models: remove it.' });
  }

  const hasNegativePrompt = typeof fields.negativePrompt === 'string' && fields.negativePrompt.trim() !== '';
  const strength = fields.negativePromptStrength;
  if (rules.negativePromptNeedsStrength && hasNegativePrompt && !(typeof strength === 'number' && strength > 0)) {
    issues.push({
      field: 'negativePromptStrength',
      message: 'A negative prompt on Flux needs a negative prompt strength above 0: set one (for example 1) or clear the negative prompt.',
    });
  }
  return issues;
}

function modalityMessage(parsed: ParsedModality, rules: FamilyRules): string | undefined {
  const { label } = rules;
  if (parsed.kind === 'preset') {
    if (rules.presets.includes(parsed.name)) return undefined;
    if (rules.presets.length === 0) {
      return `${label} has no presets like '${parsed.name}': use one modality from ${orList(rules.modalities)}.`;
    }
    return `${label} has no preset '${parsed.name}': use ${orList(rules.presets)}, or modalities.`;
  }
  const unsupported = parsed.items.find((item) => !rules.modalities.includes(item.name));
  if (unsupported) {
    return `${label} does not support the modality '${unsupported.name}': use ${orList(rules.modalities)}.`;
  }
  if (parsed.items.length > rules.maxModalities) {
    const extra = parsed.items.slice(rules.maxModalities).map((item) => `'${item.name}'`);
    const limit = rules.maxModalities === 1 ? 'exactly one modality' : `at most ${rules.maxModalities} modalities`;
    return `${label} takes ${limit}: remove ${andList(extra)}.`;
  }
  return undefined;
}

function baseModelIssues(input: unknown, context: PresetContext): FieldIssue[] {
  const baseModelId = asRecord(input).baseModelId;
  if (typeof baseModelId !== 'string' || baseModelId.trim() === '') return [];
  const id = baseModelId.trim();
  const knownNotFluxLora = context.isLora === false || (context.family !== undefined && !isFluxFamily(context.family));
  if (knownNotFluxLora) return [{ field: 'baseModelId', message: 'Base model is only for Flux LoRA models: remove it.' }];
  const compliant = context.compliantModelIds;
  if (context.isLora && compliant && !compliant.includes(id)) {
    const message = compliant.length === 0
      ? `Base model ${id} cannot be used: this model lists no compliant models, so remove it.`
      : `Base model ${id} is not one of this model's compliant models: ${compliant.join(', ')}.`;
    return [{ field: 'baseModelId', message }];
  }
  return [];
}

// ---- contract-level messages ----

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  modelId: 'Model',
  prompt: 'Prompt',
  modality: 'Modality',
  negativePrompt: 'Negative prompt',
  negativePromptStrength: 'Negative prompt strength',
  guidance: 'Guidance',
  numInferenceSteps: 'Steps',
  numSamples: 'Number of images',
  width: 'Width',
  height: 'Height',
  seed: 'Seed',
  scheduler: 'Scheduler',
  disableModalityDetection: 'Disable modality detection',
  controlStart: 'Control start',
  controlEnd: 'Control end',
  baseModelId: 'Base model',
  concepts: 'Concepts',
  modelEpoch: 'Model epoch',
  hideResults: 'Hide results',
  intermediateImages: 'Intermediate images',
};

const CONCEPT_FIELD_LABELS: Record<string, string> = { modelId: 'model', scale: 'scale', modelEpoch: 'model epoch' };

const REQUIRED_HINTS: Record<string, string> = {
  name: 'give the preset a name',
  modelId: 'choose a model',
  prompt: 'describe the image you want',
  modality: "enter one, for example 'canny' or 'depth:0.5,pose:1'",
};

type ZodIssue = z.core.$ZodRawIssue;

function humanMessage(issue: ZodIssue): string {
  const path = issue.path ?? [];
  const label = labelOf(path);
  const key = String(path[path.length - 1] ?? '');
  const value = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `${label} is required: ${REQUIRED_HINTS[key] ?? 'fill it in'}.`;
      return `${label} must be ${expectedWords(issue.expected)}: ${describe(value)} is not.`;
    case 'too_small':
      if (issue.origin === 'string') return `${label} is empty: ${REQUIRED_HINTS[key] ?? 'fill it in'}.`;
      return `${label} ${describe(value)} is too small: use ${String(issue.minimum)} or more.`;
    case 'too_big':
      if (issue.origin === 'string') {
        return `${label} is ${typeof value === 'string' ? value.length : 'too many'} characters long: shorten it to ${String(issue.maximum)} or fewer.`;
      }
      return `${label} ${describe(value)} is too large: use ${String(issue.maximum)} or less.`;
    case 'not_multiple_of': {
      const step = Number(issue.divisor);
      const lower = Math.floor(Number(value) / step) * step;
      return `${label} ${describe(value)} must be a multiple of ${step}: use ${lower} or ${lower + step}.`;
    }
    case 'invalid_value':
      return `${label} ${describe(value)} is not one Scenario knows: use ${orList(issue.values.map(String))}.`;
    // unrecognized_keys is split into one issue per key by toFieldIssues.
    case 'custom':
      if (key === 'seed') return `Seed ${describe(value)} must be digits only, without leading zeros (such as 42): fix it, or leave it empty for a random seed.`;
      return `${label} is not valid: check it.`;
    default:
      return `${label} is not valid: check it.`;
  }
}

function labelOf(path: readonly PropertyKey[]): string {
  if (path[0] === 'concepts' && typeof path[1] === 'number') {
    const inner = path[2] === undefined ? '' : ` ${CONCEPT_FIELD_LABELS[String(path[2])] ?? String(path[2])}`;
    return `Concept ${path[1] + 1}${inner}`;
  }
  if (path.length === 0) return 'The preset';
  return FIELD_LABELS[String(path[0])] ?? String(path[0]);
}

function expectedWords(expected: string): string {
  switch (expected) {
    case 'number': return 'a number';
    case 'int': return 'a whole number';
    case 'string': return 'text';
    case 'boolean': return 'on or off (true or false)';
    case 'array': return 'a list';
    case 'object': return 'an object';
    default: return `a ${expected}`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** An unknown key is its own field's problem, so the editor can point at it. */
function toFieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: `Unknown field '${key}': remove it.` }));
  }
  return [{ field: fieldOf(issue.path), message: issue.message }];
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function asRecord(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
}

function orList(items: readonly string[]): string {
  return joinList(items, 'or');
}

function andList(items: readonly string[]): string {
  return joinList(items, 'and');
}

function joinList(items: readonly string[], word: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
