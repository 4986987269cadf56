import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderImage, type RenderRecipe } from '../../src/main/simulator/images';
import { controlPng } from './helpers';

const recipe = (overrides: Partial<RenderRecipe> = {}): RenderRecipe => ({
  control: controlPng(),
  prompt: 'a glass sphere',
  modelId: 'model_sd15-realistic',
  seed: '7',
  sampleIndex: 0,
  width: 512,
  height: 512,
  ...overrides,
});

async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let index = 0; index < a.length; index++) total += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
  return total / a.length;
}

describe('deterministic images', () => {
  it('gives byte-identical PNGs for the same inputs', async () => {
    expect((await renderImage(recipe())).equals(await renderImage(recipe()))).toBe(true);
  });

  it('gives a visibly different image for another seed, sample, prompt or model', async () => {
    const reference = await pixels(await renderImage(recipe()));
    for (const change of [{ seed: '8' }, { sampleIndex: 1 }, { prompt: 'a wooden sphere' }, { modelId: 'flux.1-dev' }]) {
      expect(meanAbsoluteDifference(reference, await pixels(await renderImage(recipe(change))))).toBeGreaterThan(10);
    }
  });

  it('keeps the control structure: bright control areas stay brighter than dark ones', async () => {
    const control = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } })
      .composite([{ input: { create: { width: 32, height: 64, channels: 3, background: '#ffffff' } }, left: 32, top: 0 }])
      .png()
      .toBuffer();
    const out = await sharp(await renderImage(recipe({ control, width: 128, height: 128 }))).greyscale().raw().toBuffer();
    let left = 0;
    let right = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        if (x < 56) left += out[y * 128 + x] ?? 0;
        if (x >= 72) right += out[y * 128 + x] ?? 0;
      }
    }
    expect(right).toBeGreaterThan(left * 2);
  });

  it('follows width and height', async () => {
    const meta = await sharp(await renderImage(recipe({ width: 320, height: 200 }))).metadata();
    expect([meta.width, meta.height]).toEqual([320, 200]);
  });
});
