import sharp from 'sharp';
import { FAMILY_RULES, MODEL_FAMILIES } from '../../shared/preset/index';
import type { ModelFamily } from '../../shared/preset/index';
import { absoluteLibraryPath } from '../library/paths';
import type { Input } from '../store/index';

export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;
/** Scenario's widest ControlNet size: no family accepts a larger side. */
export const MAX_CONTROL_SIDE = 2048;
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

function isModelFamily(family: string): family is ModelFamily {
  return (MODEL_FAMILIES as readonly string[]).includes(family);
}

/**
 * Why this control image cannot be sent, or null when it can. Every reason names the file and
 * says what to do. The header decides the cheap cases; a full decode then catches a truncated or
 * damaged file whose header looks fine.
 */
export interface InputCheck {
  family: string;
  maxBytes: number;
  /** The library copy's bytes, when already in memory. */
  contents?: Buffer;
}

export async function inputProblem(input: Input, libraryRoot: string, options: InputCheck): Promise<string | null> {
  const name = JSON.stringify(input.originalPath);
  if (input.bytes === 0) return `${name} is empty (0 bytes). Save the control image again, then drop it again.`;
  if (input.bytes > options.maxBytes) {
    return `${name} is ${megabytes(input.bytes)} MB; control images are limited to ${megabytes(options.maxBytes)} MB. Save a smaller image (PNG, JPEG or WebP), then drop it again.`;
  }
  if (input.format === null) return `${name} is not an image that can be read (not PNG, JPEG or WebP, or damaged). Export it as PNG, then drop it again.`;
  if (!ACCEPTED_FORMATS.has(input.format)) return `${name} is a ${input.format.toUpperCase()} image; use PNG, JPEG or WebP.`;
  const rules = isModelFamily(options.family) ? FAMILY_RULES[options.family] : undefined;
  const maxSide = Math.min(MAX_CONTROL_SIDE, rules?.size.max ?? MAX_CONTROL_SIDE);
  const width = input.width ?? 0;
  const height = input.height ?? 0;
  if (width > maxSide || height > maxSide) {
    const who = rules === undefined ? 'Scenario' : rules.label;
    return `${name} is ${width}×${height} px; ${who} accepts control images of at most ${maxSide} px a side. Resize it, then drop it again.`;
  }
  try {
    await sharp(options.contents ?? absoluteLibraryPath(libraryRoot, input.libraryRelPath), { failOn: 'truncated', limitInputPixels: maxSide * maxSide })
      .raw()
      .toBuffer();
  } catch {
    return `${name} is damaged or truncated (its image data ends early or cannot be decoded). Save it again, then drop it again.`;
  }
  return null;
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}
