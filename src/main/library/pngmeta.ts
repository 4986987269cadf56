import { crc32, inflateSync } from 'node:zlib';
import { z } from 'zod';
import { LibraryError } from './errors';

/**
 * Generation parameters travel inside each output PNG, so a file copied out of the library still
 * says how it was made, and dropping it back on the app recalls the settings. Two text chunks are
 * inserted before IEND:
 *   - iTXt `scenario-hotfolder`: our JSON (exact request body, ids, versions), UTF-8;
 *   - `parameters`: the Automatic1111 text most image tools already read.
 */
export const PNG_METADATA_KEYWORD = 'scenario-hotfolder';
const A1111_KEYWORD = 'parameters';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const generationParametersSchema = z.object({
  schemaVersion: z.literal(1),
  /** The canonical request body exactly as it was POSTed to /generate/controlnet. */
  request: z.record(z.string(), z.unknown()),
  seed: z.string().nullable(),
  modelId: z.string(),
  preset: z.object({ name: z.string(), version: z.number().int() }),
  generationId: z.union([z.string(), z.number()]),
  imageIndex: z.number().int().nonnegative(),
  jobId: z.string().nullable(),
  assetId: z.string().nullable(),
  appVersion: z.string(),
});
export type GenerationParameters = z.infer<typeof generationParametersSchema>;

export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  /** "Steps", "Sampler", "CFG scale", "Seed", "Size", "Model", "ControlNet", ... as written. */
  settings: Record<string, string>;
}

export interface RecalledParameters {
  /** Present when the PNG was written by this app. */
  generation?: GenerationParameters;
  /** Present when the PNG carries Automatic1111-style text (ours or another tool's). */
  a1111?: A1111Parameters;
}

interface Chunk {
  type: string;
  data: Buffer;
  /** Whole chunk: length, type, data and CRC. */
  raw: Buffer;
}

/** Width and height from a PNG's IHDR chunk, or null when `png` does not start as a PNG. */
export function pngDimensions(png: Uint8Array): { width: number; height: number } | null {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function invalidPng(why: string): LibraryError {
  return new LibraryError('invalid-png', `The file is not a readable PNG (${why}). Use a PNG written by this app or another image tool.`);
}

function parseChunks(png: Uint8Array): Chunk[] {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw invalidPng('no PNG signature');
  const chunks: Chunk[] = [];
  let offset = PNG_SIGNATURE.length;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw invalidPng('truncated chunk header');
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) throw invalidPng('truncated chunk');
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    chunks.push({ type, data: bytes.subarray(offset + 8, offset + 8 + length), raw: bytes.subarray(offset, end) });
    offset = end;
    if (type === 'IEND') break;
  }
  if (chunks.at(-1)?.type !== 'IEND') throw invalidPng('no IEND chunk');
  return chunks;
}

/** Checked only where a chunk is read (text chunks): image data is copied as it is, its CRC with it. */
function crcValid(chunk: Chunk): boolean {
  const typeAndData = chunk.raw.subarray(4, chunk.raw.length - 4);
  return crc32(typeAndData) === chunk.raw.readUInt32BE(chunk.raw.length - 4);
}

function encodeChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

function iTXtChunk(keyword: string, text: string): Buffer {
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text
  return encodeChunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

// eslint-disable-next-line no-control-regex
const LATIN1 = /^[\u0000-\u00ff]*$/;

/** tEXt when the text fits Latin-1 (what A1111 readers expect), iTXt otherwise, as A1111 itself does. */
function textChunk(keyword: string, text: string): Buffer {
  if (!LATIN1.test(text)) return iTXtChunk(keyword, text);
  return encodeChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
}

/** Decodes tEXt, zTXt and iTXt chunks; returns undefined for other chunks or undecodable ones. */
function decodeTextChunk(chunk: Chunk): { keyword: string; text: string } | undefined {
  if (!crcValid(chunk)) return undefined;
  const { type, data } = chunk;
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1) return undefined;
  const keyword = data.subarray(0, keywordEnd).toString('latin1');
  try {
    if (type === 'tEXt') return { keyword, text: data.subarray(keywordEnd + 1).toString('latin1') };
    if (type === 'zTXt') return { keyword, text: inflateSync(data.subarray(keywordEnd + 2)).toString('latin1') };
    if (type === 'iTXt') {
      const compressed = data[keywordEnd + 1] === 1;
      const languageEnd = data.indexOf(0, keywordEnd + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      if (languageEnd < 0 || translatedEnd < 0) return undefined;
      const text = data.subarray(translatedEnd + 1);
      return { keyword, text: (compressed ? inflateSync(text) : text).toString('utf8') };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const TEXT_CHUNK_TYPES = new Set(['tEXt', 'zTXt', 'iTXt']);

/** A1111 quotes a value holding a separator, as JSON, so the line stays parseable. */
function a1111Value(value: string): string {
  return /[,:"\n]/.test(value) ? JSON.stringify(value) : value;
}

function stringField(request: Record<string, unknown>, key: string): string | undefined {
  const value = request[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** "<prompt>\nNegative prompt: ...\nSteps: N, Sampler: ..., CFG scale: G, Seed: S, Size: WxH, Model: ..., ControlNet: ..." */
export function formatA1111Parameters(parameters: GenerationParameters): string {
  const { request } = parameters;
  const width = stringField(request, 'width');
  const height = stringField(request, 'height');
  const settings: [string, string | undefined][] = [
    ['Steps', stringField(request, 'numInferenceSteps')],
    ['Sampler', stringField(request, 'scheduler')],
    ['CFG scale', stringField(request, 'guidance')],
    ['Seed', parameters.seed ?? stringField(request, 'seed')],
    ['Size', width !== undefined && height !== undefined ? `${width}x${height}` : undefined],
    ['Model', parameters.modelId],
    ['ControlNet', stringField(request, 'modality')],
  ];
  const lines = [stringField(request, 'prompt') ?? ''];
  const negativePrompt = stringField(request, 'negativePrompt');
  if (negativePrompt) lines.push(`Negative prompt: ${negativePrompt}`);
  lines.push(settings.flatMap(([name, value]) => (value === undefined ? [] : [`${name}: ${a1111Value(value)}`])).join(', '));
  return lines.join('\n');
}

const A1111_SETTING = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;

function parseSettingsLine(line: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [, name, value] of line.matchAll(A1111_SETTING)) {
    if (name === undefined || value === undefined) continue;
    settings[name.trim()] = value.startsWith('"') ? String(safeJson(value) ?? value) : value.trim();
  }
  return settings;
}

export function parseA1111Parameters(text: string): A1111Parameters {
  const lines = text.trim().split('\n');
  // Like A1111: the last line holds the settings when it parses as at least three "Name: value".
  const lastLineSettings = parseSettingsLine(lines.at(-1) ?? '');
  const hasSettingsLine = lines.length > 1 && Object.keys(lastLineSettings).length >= 3;
  if (hasSettingsLine) lines.pop();
  const negativeAt = lines.findIndex((line) => line.startsWith('Negative prompt:'));
  const promptLines = negativeAt < 0 ? lines : lines.slice(0, negativeAt);
  const negativeLines = negativeAt < 0 ? [] : lines.slice(negativeAt);
  return {
    prompt: promptLines.join('\n'),
    negativePrompt: negativeLines.join('\n').replace(/^Negative prompt:\s?/, ''),
    settings: hasSettingsLine ? lastLineSettings : {},
  };
}

/**
 * Returns a copy of `png` carrying `parameters` (both chunks) before IEND. Text chunks with the
 * same keywords are replaced, so embedding twice never stacks duplicates; image data is untouched.
 */
export function embedParameters(png: Uint8Array, parameters: GenerationParameters): Buffer {
  return Buffer.concat(embedParametersInPieces(png, parameters));
}

/**
 * The same file as embedParameters, as pieces to write one after the other: the image data stays
 * where it is (views of `png`), so a large image is not copied once more just to add some text.
 */
export function embedParametersInPieces(png: Uint8Array, parameters: GenerationParameters): Buffer[] {
  const chunks = parseChunks(png);
  const iend = chunks.pop();
  if (iend === undefined) throw invalidPng('no IEND chunk');
  const source = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const pieces: Buffer[] = [];
  // The signature and the chunks kept side by side in the original are one piece.
  let run = { start: 0, end: PNG_SIGNATURE.length };
  for (const chunk of chunks) {
    const keyword = TEXT_CHUNK_TYPES.has(chunk.type) ? decodeTextChunk(chunk)?.keyword : undefined;
    if (keyword === PNG_METADATA_KEYWORD || keyword === A1111_KEYWORD) continue;
    const start = chunk.raw.byteOffset - source.byteOffset;
    if (run.end !== start) {
      pieces.push(source.subarray(run.start, run.end));
      run = { start, end: start };
    }
    run.end += chunk.raw.length;
  }
  pieces.push(source.subarray(run.start, run.end));
  pieces.push(
    Buffer.concat([iTXtChunk(PNG_METADATA_KEYWORD, JSON.stringify(parameters)), textChunk(A1111_KEYWORD, formatA1111Parameters(parameters)), iend.raw]),
  );
  return pieces;
}

/** Recalls parameters from a PNG written by this app (both parts) or by an A1111-style tool (a1111 only). */
export function readEmbeddedParameters(png: Uint8Array): RecalledParameters {
  const recalled: RecalledParameters = {};
  for (const chunk of parseChunks(png)) {
    if (!TEXT_CHUNK_TYPES.has(chunk.type)) continue;
    const text = decodeTextChunk(chunk);
    if (text?.keyword === PNG_METADATA_KEYWORD) {
      const parsed = generationParametersSchema.safeParse(safeJson(text.text));
      if (parsed.success) recalled.generation = parsed.data;
    } else if (text?.keyword === A1111_KEYWORD) {
      recalled.a1111 = parseA1111Parameters(text.text);
    }
  }
  return recalled;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
