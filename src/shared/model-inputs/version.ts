// Which version of a model's inputs a preset was checked against, and what changed since: a
// model's inputs can change upstream, and a preset made for the old ones must say so instead of
// failing at the next file.
import { canonicalJson } from '../preset/canonical-json';
import { labelOf, type ModelInput } from './inputs';

/**
 * A short stable name of one set of inputs: a 53-bit hash (cyrb53) of their canonical JSON.
 * Not a security hash: it only tells two versions of a model's inputs apart, in Node and the browser.
 */
export function inputsVersion(inputs: readonly ModelInput[]): string {
  const text = canonicalJson(inputs);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `inputs-${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0')}`;
}

/** What the checks read of one input; descriptions and labels changing alone do not matter. */
const CHECKED_KEYS = ['type', 'kind', 'allowedValues', 'min', 'max', 'step', 'minLength', 'maxLength', 'default', 'required'] as const;

/** One sentence per input that was added, removed or whose checks changed, in the new model's order. */
export function describeInputChanges(before: readonly ModelInput[], after: readonly ModelInput[]): string[] {
  const old = new Map(before.map((input) => [input.name, input]));
  const now = new Set(after.map((input) => input.name));
  const changes: string[] = [];
  for (const input of after) {
    const previous = old.get(input.name);
    if (previous === undefined) {
      changes.push(`${labelOf(input)} (${input.name}) is new${input.required?.always === true && input.default === undefined ? ' and required' : ''}.`);
      continue;
    }
    const changed = CHECKED_KEYS.filter((key) => canonicalJson(previous[key]) !== canonicalJson(input[key]));
    if (changed.length > 0) {
      changes.push(`${labelOf(input)} (${input.name}) changed: ${changed.map((key) => `${key} ${shown(previous[key])} → ${shown(input[key])}`).join(', ')}.`);
    }
  }
  for (const input of before) {
    if (!now.has(input.name)) changes.push(`${labelOf(input)} (${input.name}) was removed.`);
  }
  return changes;
}

function shown(value: unknown): string {
  return value === undefined ? 'none' : canonicalJson(value);
}
