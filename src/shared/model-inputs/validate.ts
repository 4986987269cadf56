// One interpreter of a model's `inputs`: it checks a set of values the way the model describes
// them and says, per field, what is wrong and how to fix it ("Width 1001 must be a multiple of 8:
// use 1000 or 1008"). The window, the CLI and the pipeline all check custom-model values here.
import { isArrayInput, isDefined, labelOf, type ModelInput } from './inputs';

export interface InputIssue {
  /** The input's name (the body's key). */
  field: string;
  message: string;
}

export interface CheckOptions {
  /** Keys allowed beside the model's inputs (a preset's own `name`, `modelId`, `fileInput`...). */
  ownKeys?: readonly string[];
}

/** Every problem of `values` against `inputs`, at most one per field, in the model's order. */
export function checkInputValues(inputs: readonly ModelInput[], values: Readonly<Record<string, unknown>>, options: CheckOptions = {}): InputIssue[] {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const issues: InputIssue[] = [];
  for (const key of Object.keys(values)) {
    if (byName.has(key) || options.ownKeys?.includes(key) || values[key] === undefined) continue;
    issues.push({ field: key, message: `Unknown field '${key}': this model has no input of that name, so remove it.` });
  }
  for (const input of inputs) {
    const message = requiredMessage(input, values, byName) ?? (isDefined(values[input.name]) ? valueMessage(input, values[input.name]) : undefined);
    if (message !== undefined) issues.push({ field: input.name, message });
  }
  return issues;
}

// ---- required rules ----

function requiredMessage(input: ModelInput, values: Readonly<Record<string, unknown>>, byName: ReadonlyMap<string, ModelInput>): string | undefined {
  if (isDefined(values[input.name]) || input.default !== undefined) return undefined;
  const rules = input.required;
  if (rules === undefined) return undefined;
  const label = labelOf(input);
  const other = (name: string): string => {
    const found = byName.get(name);
    return found === undefined ? name : labelOf(found);
  };
  if (rules.always === true) return `${label} is required: ${input.type.startsWith('file') ? 'give it an image' : 'fill it in'}.`;
  for (const [name, said] of Object.entries(rules.ifDefined ?? {})) {
    if (isDefined(values[name])) return withModelWords(`${label} is required when ${other(name)} is set: fill it in, or clear ${other(name)}.`, said);
  }
  for (const [name, said] of Object.entries(rules.ifNotDefined ?? {})) {
    if (!isDefined(values[name])) return withModelWords(`${label} is required when ${other(name)} is not set: fill in one of them.`, said);
  }
  for (const [name, wanted] of Object.entries(rules.conditionalValues ?? {})) {
    const given = values[name];
    const list = Array.isArray(wanted) ? wanted : [wanted];
    const hits = Array.isArray(given) ? given.some((item) => list.includes(item)) : list.includes(given);
    if (isDefined(given) && hits) return `${label} is required when ${other(name)} is ${describe(Array.isArray(given) ? given.find((item) => list.includes(item)) : given)}: fill it in.`;
  }
  return undefined;
}

/** Scenario's rules may carry their own sentence; ours says what to do, theirs why. */
function withModelWords(ours: string, said: unknown): string {
  return typeof said === 'string' && said.trim() !== '' ? `${ours} (${said.trim()})` : ours;
}

// ---- one value ----

function valueMessage(input: ModelInput, value: unknown): string | undefined {
  const label = labelOf(input);
  if (isArrayInput(input)) {
    if (!Array.isArray(value)) {
      return `${label} must be a list${input.type === 'file_array' ? ' (even of one image)' : ''}: ${describe(value)} is not.`;
    }
    if (input.min !== undefined && value.length < input.min) return `${label} has ${countOf(value.length)}: give at least ${input.min}.`;
    if (input.max !== undefined && value.length > input.max) return `${label} has ${countOf(value.length)}: give at most ${input.max}.`;
    for (const [index, item] of value.entries()) {
      const problem = itemMessage(input, `${label} item ${index + 1}`, item, false);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return itemMessage(input, label, value, true);
}

/** One scalar: the whole value, or one item of an array input (`ranged`: min/max bound the value, not a count). */
function itemMessage(input: ModelInput, label: string, value: unknown, ranged: boolean): string | undefined {
  const kind = input.type.replace('_array', '');
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${label} must be on or off (true or false): ${describe(value)} is not.`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${label} must be a number: ${describe(value)} is not.`;
      return choiceMessage(input, label, value) ?? (ranged ? rangeMessage(input, label, value) : undefined);
    case 'file':
      if (typeof value !== 'string' || !isFileReference(value)) {
        return `${label} must be an image: an asset id (asset_...) or a data URL, and ${describe(value)} is neither.`;
      }
      return undefined;
    default:
      // string and model
      if (typeof value !== 'string') return `${label} must be text: ${describe(value)} is not.`;
      return choiceMessage(input, label, value) ?? lengthMessage(input, label, value);
  }
}

export function isFileReference(value: string): boolean {
  return /^asset_[A-Za-z0-9_-]+$/.test(value) || /^data:[a-z]+\/[a-z0-9.+-]+;base64,/i.test(value);
}

function choiceMessage(input: ModelInput, label: string, value: string | number): string | undefined {
  const allowed = input.allowedValues;
  if (allowed === undefined || allowed.length === 0 || allowed.includes(value)) return undefined;
  return `${label} ${describe(value)} is not one this model knows: use ${orList(allowed.map(String))}.`;
}

function rangeMessage(input: ModelInput, label: string, value: number): string | undefined {
  if (input.min !== undefined && value < input.min) return `${label} ${value} is too small: use ${input.min} or more.`;
  if (input.max !== undefined && value > input.max) return `${label} ${value} is too large: use ${input.max} or less.`;
  const step = input.step;
  if (step === undefined) return undefined;
  const origin = input.min ?? 0;
  const steps = (value - origin) / step;
  if (isWhole(steps)) return undefined;
  const lower = tidy(origin + Math.floor(steps) * step);
  const upper = tidy(lower + step);
  const choices = [lower, upper].filter((candidate) => (input.min === undefined || candidate >= input.min) && (input.max === undefined || candidate <= input.max));
  const onGrid = isWhole(origin / step) ? `a multiple of ${step}` : `${origin} plus a multiple of ${step}`;
  return `${label} ${value} must be ${onGrid}: use ${orList(choices.map(String))}.`;
}

/** Steps such as 0.05 are not exact in binary: a value within this share of a step is on it. */
const STEP_TOLERANCE = 1e-9;

function isWhole(count: number): boolean {
  return Math.abs(count - Math.round(count)) <= STEP_TOLERANCE;
}

function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

function lengthMessage(input: ModelInput, label: string, value: string): string | undefined {
  if (input.minLength !== undefined && value.length < input.minLength) {
    return `${label} is ${value.length} characters long: use at least ${input.minLength}.`;
  }
  if (input.maxLength !== undefined && value.length > input.maxLength) {
    return `${label} is ${value.length} characters long: shorten it to ${input.maxLength} or fewer.`;
  }
  return undefined;
}

function countOf(count: number): string {
  return count === 1 ? '1 item' : `${count} items`;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
