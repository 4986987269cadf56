/**
 * The simulator's own reading of the inputs it publishes: POST /generate/custom/{modelId} is
 * checked here, never with the client's interpreter, so a client bug cannot be mirrored by the
 * server that tests it. The first problem found is answered as a 400 naming the field.
 */
import type { SimulatedInput } from './custom-models';

export interface InputProblem {
  field: string;
  message: string;
}

function given(value: unknown): boolean {
  return !(value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0));
}

function scalarOk(type: string, value: unknown): boolean {
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  if (type === 'file') return typeof value === 'string' && (value.startsWith('asset_') || /^data:[a-z]+\/[^;]+;base64,/i.test(value));
  return typeof value === 'string';
}

function requiredBy(input: SimulatedInput, body: Record<string, unknown>): string | undefined {
  const rules = input.required;
  if (rules === undefined || input.default !== undefined) return undefined;
  if (rules.always) return `${input.name} is required`;
  const defined = Object.keys(rules.ifDefined ?? {}).find((other) => given(body[other]));
  if (defined !== undefined) return `${input.name} is required when ${defined} is given`;
  const undefinedOther = Object.keys(rules.ifNotDefined ?? {}).find((other) => !given(body[other]));
  if (undefinedOther !== undefined) return `${input.name} is required when ${undefinedOther} is not given`;
  for (const [other, values] of Object.entries(rules.conditionalValues ?? {})) {
    const value = body[other];
    const items = Array.isArray(value) ? value : [value];
    if (given(value) && items.some((item) => values.includes(item as string | number))) return `${input.name} is required when ${other} is ${String(value)}`;
  }
  return undefined;
}

function offStep(input: SimulatedInput, value: number): boolean {
  if (input.step === undefined) return false;
  const count = (value - (input.min ?? 0)) / input.step;
  return Math.abs(count - Math.round(count)) > 1e-9;
}

function itemProblem(input: SimulatedInput, field: string, value: unknown, isItem: boolean): string | undefined {
  const scalarType = input.type.replace(/_array$/, '');
  if (!scalarOk(scalarType, value)) return `${field} must be a ${scalarType === 'file' ? 'file (asset id or data URL)' : scalarType}`;
  if (input.allowedValues && input.allowedValues.length > 0 && !input.allowedValues.includes(value as string | number)) {
    return `${field} must be one of ${input.allowedValues.join(', ')}`;
  }
  if (typeof value === 'number' && !isItem) {
    if (input.min !== undefined && value < input.min) return `${field} must be greater than or equal to ${input.min}`;
    if (input.max !== undefined && value > input.max) return `${field} must be less than or equal to ${input.max}`;
    if (offStep(input, value)) return `${field} must be on a step of ${input.step} from ${input.min ?? 0}`;
  }
  if (typeof value === 'string' && scalarType !== 'file') {
    if (input.minLength !== undefined && value.length < input.minLength) return `${field} must be at least ${input.minLength} characters long`;
    if (input.maxLength !== undefined && value.length > input.maxLength) return `${field} must be at most ${input.maxLength} characters long`;
  }
  return undefined;
}

/** The first problem of `body` against the model's inputs, or undefined when it is acceptable. */
export function customBodyProblem(inputs: readonly SimulatedInput[], body: Record<string, unknown>): InputProblem | undefined {
  const names = new Set(inputs.map((input) => input.name));
  for (const key of Object.keys(body)) {
    if (!names.has(key)) return { field: key, message: `${key} is not an input of this model` };
  }
  for (const input of inputs) {
    const value = body[input.name];
    if (!given(value)) {
      const required = requiredBy(input, body);
      if (required !== undefined) return { field: input.name, message: required };
      continue;
    }
    if (input.type.endsWith('_array')) {
      // A bare value for a list is an error here: Scenario drops it silently, which is worse.
      if (!Array.isArray(value)) return { field: input.name, message: `${input.name} must be an array` };
      if (input.min !== undefined && value.length < input.min) return { field: input.name, message: `${input.name} must hold at least ${input.min} items` };
      if (input.max !== undefined && value.length > input.max) return { field: input.name, message: `${input.name} must hold at most ${input.max} items` };
      for (const [index, item] of value.entries()) {
        const problem = itemProblem(input, `${input.name}[${index}]`, item, true);
        if (problem !== undefined) return { field: input.name, message: problem };
      }
      continue;
    }
    const problem = itemProblem(input, input.name, value, false);
    if (problem !== undefined) return { field: input.name, message: problem };
  }
  return undefined;
}

/**
 * The simulator's price of a custom run: the model's base cost scaled by every costImpact input,
 * a number by its ratio to its default, a choice by its rank in the list, an option on by 2.
 */
export function customCost(baseCost: number, inputs: readonly SimulatedInput[], body: Record<string, unknown>): number {
  let factor = 1;
  for (const input of inputs) {
    if (!input.costImpact) continue;
    const value = body[input.name] ?? input.default;
    if (typeof value === 'number') factor *= typeof input.default === 'number' && input.default > 0 ? value / input.default : value;
    else if (typeof value === 'string' && input.allowedValues) factor *= Math.max(1, input.allowedValues.indexOf(value) + 1);
    else if (value === true) factor *= 2;
  }
  return Math.max(1, Math.ceil(baseCost * factor - 1e-9));
}
