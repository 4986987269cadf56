// The `modality` string of a ControlNet request: one to three `name[:weight]` items joined by
// commas (weights in ]0, 1]), or one family preset with an optional weight. Parsing checks the
// syntax and the names known to the contract; which names a family accepts is checked in schema.ts.

/** Single modality names of the contract's enum. */
export const MODALITY_NAMES: readonly string[] = [
  'blur', 'canny', 'depth', 'gray', 'illusion', 'lineart', 'lines', 'low-quality',
  'normal-map', 'pose', 'scribble', 'seg', 'sketch', 'tile',
];

/** Family presets (SD 1.5 and SDXL): used alone, never combined. */
export const MODALITY_PRESETS: readonly string[] = ['character', 'landscape', 'city', 'interior'];

export const MAX_MODALITIES = 3;

export interface ModalityItem {
  name: string;
  weight?: number;
}

export type ParsedModality =
  | { kind: 'modalities'; items: ModalityItem[] }
  | { kind: 'preset'; name: string; weight?: number };

export type ModalityParseResult = { ok: true; value: ParsedModality } | { ok: false; message: string };

// Plain decimals only ("0.5", "1", ".25", "1.0"): no exponents, signs or hex, which Number() would take.
const WEIGHT_PATTERN = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const EXAMPLE = "for example 'canny', 'depth:0.5,pose:1' or 'character'";

export function parseModality(text: string): ModalityParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return fail(`Modality is empty: enter one, ${EXAMPLE}.`);

  const parts = trimmed.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) {
    return fail(`Modality '${trimmed}' has an empty item: remove the extra comma.`);
  }
  if (parts.length > MAX_MODALITIES) {
    return fail(`Modality '${trimmed}' lists ${parts.length} items: use at most ${MAX_MODALITIES}.`);
  }

  const items: ModalityItem[] = [];
  for (const part of parts) {
    const item = parseItem(part);
    if (!item.ok) return item;
    if (items.some((seen) => seen.name === item.value.name)) {
      return fail(`Modality '${item.value.name}' appears twice: keep it once.`);
    }
    items.push(item.value);
  }

  const preset = items.find((item) => MODALITY_PRESETS.includes(item.name));
  if (preset) {
    if (items.length > 1) {
      return fail(`The preset '${preset.name}' cannot be combined with other modalities: use it alone.`);
    }
    const value: ParsedModality = preset.weight === undefined
      ? { kind: 'preset', name: preset.name }
      : { kind: 'preset', name: preset.name, weight: preset.weight };
    return { ok: true, value };
  }
  return { ok: true, value: { kind: 'modalities', items } };
}

/** The canonical text: lowercase names, no spaces, weights printed minimally (0.5, 1). */
export function formatModality(parsed: ParsedModality): string {
  const items = parsed.kind === 'preset' ? [{ name: parsed.name, weight: parsed.weight }] : parsed.items;
  return items.map((item) => (item.weight === undefined ? item.name : `${item.name}:${formatWeight(item.weight)}`)).join(',');
}

/**
 * The shortest plain decimal that reads back as the same number. String() gives the shortest
 * digits but switches to exponent form (1.5e-7), which the weight syntax forbids: move the point.
 */
function formatWeight(weight: number): string {
  const shortest = String(weight);
  const [mantissa = '', exponentText] = shortest.split('e');
  if (exponentText === undefined) return shortest;
  const digits = mantissa.replace('.', '');
  const pointAt = 1 + Number(exponentText); // the mantissa has one digit before its point
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  return digits.padEnd(pointAt, '0');
}

/** The names a parsed modality uses, presets included. */
export function modalityNames(parsed: ParsedModality): string[] {
  return parsed.kind === 'preset' ? [parsed.name] : parsed.items.map((item) => item.name);
}

function parseItem(part: string): { ok: true; value: ModalityItem } | { ok: false; message: string } {
  const [rawName = '', rawWeight, ...rest] = part.split(':').map((piece) => piece.trim());
  const name = rawName.toLowerCase();
  if (rest.length > 0) return fail(`Modality item '${part}' has more than one ':': write it as name:weight.`);
  if (!MODALITY_NAMES.includes(name) && !MODALITY_PRESETS.includes(name)) {
    return fail(`Unknown modality '${rawName}': use one of ${[...MODALITY_NAMES, ...MODALITY_PRESETS].join(', ')}.`);
  }
  if (rawWeight === undefined) return { ok: true, value: { name } };
  if (!WEIGHT_PATTERN.test(rawWeight)) {
    return fail(`Weight '${rawWeight}' of '${name}' is not a number: write a decimal such as ${name}:0.5.`);
  }
  const weight = Number(rawWeight);
  if (weight <= 0 || weight > 1) {
    return fail(`Weight ${rawWeight} of '${name}' is out of range: use a value above 0 and at most 1, such as ${name}:0.5.`);
  }
  return { ok: true, value: { name, weight } };
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** What an artist calls each modality and family preset: the words the window shows instead of the API's names. */
const MODALITY_WORDS: Readonly<Record<string, string>> = {
  blur: 'Blur', canny: 'Canny edges', depth: 'Depth', gray: 'Grayscale', illusion: 'Illusion', lineart: 'Line art',
  lines: 'Straight lines', 'low-quality': 'Low quality', 'normal-map': 'Normal map', pose: 'Pose', scribble: 'Scribble',
  seg: 'Segmentation', sketch: 'Sketch', tile: 'Tile',
  character: 'Character', landscape: 'Landscape', city: 'City', interior: 'Interior',
};

/**
 * A modality as words ("Depth 0.5 + Pose"): each item's word, with its weight when one was
 * given. Text that does not parse (an old row, a name added later) is shown as it is.
 */
export function modalityWords(modality: string): string {
  const parsed = parseModality(modality);
  if (!parsed.ok) return modality;
  const items = parsed.value.kind === 'preset' ? [{ name: parsed.value.name, weight: parsed.value.weight }] : parsed.value.items;
  return items.map(({ name, weight }) => `${MODALITY_WORDS[name] ?? name}${weight === undefined ? '' : ` ${formatWeight(weight)}`}`).join(' + ');
}
