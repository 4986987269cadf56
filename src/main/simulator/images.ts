/**
 * Deterministic stand-in images. An output is a seeded colour field (two colours, a gradient
 * direction and ripples, all drawn from a hash of prompt, model, seed and sample index) shaded by
 * the control map resized to width×height, so the control structure stays visible, the same
 * inputs give byte-identical PNGs and another seed gives a visibly different picture.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

export interface RenderRecipe {
  /** The control map's bytes (any format sharp reads), or undefined for a plain colour field. */
  control: Buffer | undefined;
  prompt: string;
  modelId: string;
  seed: string;
  sampleIndex: number;
  width: number;
  height: number;
}

/** Resized luminance maps are reused across samples and jobs of the same control image. */
const luminanceCache = new Map<string, Buffer>();
const LUMINANCE_CACHE_SIZE = 32;

async function luminance(control: Buffer, width: number, height: number): Promise<Buffer> {
  const key = `${createHash('sha256').update(control).digest('hex')}:${width}x${height}`;
  const cached = luminanceCache.get(key);
  if (cached) return cached;
  const raw = await sharp(control).flatten({ background: '#ffffff' }).greyscale().resize(width, height, { fit: 'fill' }).raw().toBuffer();
  luminanceCache.set(key, raw);
  if (luminanceCache.size > LUMINANCE_CACHE_SIZE) {
    const oldest = luminanceCache.keys().next().value;
    if (oldest !== undefined) luminanceCache.delete(oldest);
  }
  return raw;
}

/** Scenario's thumbnails are small WebP copies; the simulator's are at most this many pixels a side. */
const THUMBNAIL_SIDE = 256;

/** The thumbnail-size copy of an image Scenario offers beside the full file. */
export function renderThumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer();
}

export async function renderImage(recipe: RenderRecipe): Promise<Buffer> {
  const { width, height } = recipe;
  const digest = createHash('sha256')
    .update(JSON.stringify([recipe.prompt, recipe.modelId, recipe.seed, recipe.sampleIndex]))
    .update(recipe.control ?? Buffer.alloc(0))
    .digest();
  const from = [digest[0] ?? 0, digest[1] ?? 0, digest[2] ?? 0];
  const to = [digest[3] ?? 0, digest[4] ?? 0, digest[5] ?? 0];
  const angle = ((digest[6] ?? 0) / 256) * 2 * Math.PI;
  const dx = Math.cos(angle) / Math.max(1, width);
  const dy = Math.sin(angle) / Math.max(1, height);
  const offset = Math.min(0, Math.cos(angle)) + Math.min(0, Math.sin(angle));
  // Seeded ripples instead of per-pixel noise: just as seed-dependent, but smooth, so the PNG
  // encoder stays fast and the files small.
  const ripple = (length: number, frequencyByte: number, phaseByte: number): Float64Array => {
    const frequency = (2 + (frequencyByte % 14)) * 2 * Math.PI;
    const phase = (phaseByte / 256) * 2 * Math.PI;
    return Float64Array.from({ length }, (_, index) => 14 * Math.sin((index / Math.max(1, length)) * frequency + phase));
  };
  const rippleX = ripple(width, digest[7] ?? 0, digest[8] ?? 0);
  const rippleY = ripple(height, digest[9] ?? 0, digest[10] ?? 0);
  const light = recipe.control ? await luminance(recipe.control, width, height) : undefined;

  const pixels = Buffer.allocUnsafe(width * height * 3);
  // The per-pixel loop dominates a simulated run's time: typed arrays and values hoisted out of
  // the inner loops, with the arithmetic in the same order so the bytes stay the same.
  const fromRgb = Float64Array.from(from);
  const spanRgb = Float64Array.from([0, 1, 2], (channel) => (to[channel] ?? 0) - (from[channel] ?? 0));
  const channel = (base: number, span: number, t: number, wave: number, shade: number): number => {
    const value = Math.round((base + span * t + wave) * shade);
    return value < 0 ? 0 : value > 255 ? 255 : value;
  };
  let index = 0;
  for (let y = 0; y < height; y++) {
    const rowT = y * dy;
    const rowWave = rippleY[y] as number;
    const rowStart = y * width;
    for (let x = 0; x < width; x++) {
      const t = x * dx + rowT - offset;
      const shade = light ? 0.2 + 0.8 * ((light[rowStart + x] as number) / 255) : 1;
      const wave = (rippleX[x] as number) + rowWave;
      pixels[index++] = channel(fromRgb[0] as number, spanRgb[0] as number, t, wave, shade);
      pixels[index++] = channel(fromRgb[1] as number, spanRgb[1] as number, t, wave, shade);
      pixels[index++] = channel(fromRgb[2] as number, spanRgb[2] as number, t, wave, shade);
    }
  }
  // Low compression keeps a 512×512 render well under 50 ms; the bytes stay deterministic.
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}

export interface ImageInfo {
  width: number;
  height: number;
  format: string;
}

/** Width, height and format of an image, or undefined if sharp cannot read it. */
export async function inspectImage(bytes: Buffer): Promise<ImageInfo | undefined> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height || !meta.format) return undefined;
    return { width: meta.width, height: meta.height, format: meta.format };
  } catch {
    return undefined;
  }
}

export function mimeTypeOf(format: string): string {
  return format === 'jpeg' ? 'image/jpeg' : `image/${format}`;
}
