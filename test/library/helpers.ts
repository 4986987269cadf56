import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach } from 'vitest';

/** A fresh temp folder per call, removed after the test. */
export function useTempDirs(): () => Promise<string> {
  const created: string[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'library-test-'));
    created.push(dir);
    return dir;
  };
}

/** A real PNG with some structure (a gradient), so compression and decoding are exercised. */
export async function makePng(width: number, height: number, seed = 0): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      pixels[i] = (x + seed) & 0xff;
      pixels[i + 1] = (y * 3 + seed) & 0xff;
      pixels[i + 2] = ((x ^ y) + seed) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

export const SAMPLE_CONTROL_IMAGES = '/work/shared/control-images';
