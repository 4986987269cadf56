// A model's own description of its generation inputs (`model.inputs` of GET /models/{modelId}),
// read loosely: Scenario adds keys over time, and a key this app does not know must not make a
// model unusable. Only what the validator, the form and the request builder read is typed.
import { z } from 'zod';

export const INPUT_TYPES = ['boolean', 'file', 'file_array', 'model', 'model_array', 'number', 'number_array', 'string', 'string_array'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const requiredRulesSchema = z.looseObject({
  always: z.boolean().optional(),
  /** Required when the named input is defined; the value is the message to show. */
  ifDefined: z.record(z.string(), z.unknown()).optional(),
  /** Required when the named input is not defined; the value is the message to show. */
  ifNotDefined: z.record(z.string(), z.unknown()).optional(),
  /** Required when the named input has one of the listed values (one value or a list). */
  conditionalValues: z.record(z.string(), z.unknown()).optional(),
});

export const modelInputSchema = z.looseObject({
  name: z.string().min(1),
  type: z.enum(INPUT_TYPES),
  kind: z.string().optional(),
  label: z.string().optional(),
  description: z.string().optional(),
  hint: z.string().optional(),
  group: z.string().optional(),
  allowedValues: z.array(z.union([z.string(), z.number()])).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
  minLength: z.number().optional(),
  maxLength: z.number().optional(),
  default: z.unknown().optional(),
  required: requiredRulesSchema.optional(),
  costImpact: z.boolean().optional(),
  prompt: z.boolean().optional(),
});

export type ModelInput = z.infer<typeof modelInputSchema>;
export type RequiredRules = z.infer<typeof requiredRulesSchema>;

export const modelInputsSchema = z.array(modelInputSchema);

/** The inputs a model publishes, or undefined when it publishes none (it then uses /generate/controlnet). */
export function publishedInputs(model: unknown): ModelInput[] | undefined {
  const inputs = typeof model === 'object' && model !== null ? (model as { inputs?: unknown }).inputs : undefined;
  if (!Array.isArray(inputs) || inputs.length === 0) return undefined;
  const parsed = modelInputsSchema.safeParse(inputs);
  // An input of a type this app does not know is left out of the form, never sent.
  if (parsed.success) return parsed.data;
  return inputs.flatMap((input) => {
    const one = modelInputSchema.safeParse(input);
    return one.success ? [one.data] : [];
  });
}

export function isArrayInput(input: Pick<ModelInput, 'type'>): boolean {
  return input.type.endsWith('_array');
}

export function isFileInput(input: Pick<ModelInput, 'type'>): boolean {
  return input.type === 'file' || input.type === 'file_array';
}

export function isImageFileInput(input: Pick<ModelInput, 'type' | 'kind'>): boolean {
  return isFileInput(input) && (input.kind === undefined || input.kind === 'image');
}

/** What a person calls the input: its label, else its name. */
export function labelOf(input: Pick<ModelInput, 'name' | 'label'>): string {
  return input.label?.trim() || input.name;
}

/**
 * The input that receives the dropped file: the preset's choice, else `controlImage` when the
 * model has it, else the model's first image file input. Undefined when the model takes no image.
 */
export function defaultFileInput(inputs: readonly ModelInput[]): string | undefined {
  const control = inputs.find((input) => input.name === 'controlImage' && isImageFileInput(input));
  return (control ?? inputs.find(isImageFileInput))?.name;
}

/** A value counts as given when it is neither absent, null, an empty text nor an empty list. */
export function isDefined(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}
