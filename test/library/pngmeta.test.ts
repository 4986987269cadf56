import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LibraryError } from '../../src/main/library/errors';
import type { GenerationParameters } from '../../src/main/library/pngmeta';
import { embedParameters, formatA1111Parameters, parseA1111Parameters, readEmbeddedParameters } from '../../src/main/library/pngmeta';
import { makePng } from './helpers';

const parameters: GenerationParameters = {
  schemaVersion: 1,
  request: {
    modelId: 'model_abc',
    prompt: 'a cosy house, golden hour',
    negativePrompt: 'blurry',
    modality: 'depth:0.5,pose:1.0',
    numInferenceSteps: 30,
    scheduler: 'EulerAncestralDiscreteScheduler',
    guidance: 7.5,
    seed: '12345',
    width: 768,
    height: 512,
    numSamples: 2,
  },
  seed: '12345',
  modelId: 'model_abc',
  preset: { name: 'Houses — dusk ✨', version: 3 },
  generationId: 17,
  imageIndex: 1,
  jobId: 'job_1',
  assetId: 'asset_2',
  appVersion: '0.1.0',
};

/** Every chunk of a PNG: type, and whether its CRC is right. */
function chunkList(png: Buffer): { type: string; crcOk: boolean }[] {
  const chunks = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    chunks.push({ type: typeAndData.subarray(0, 4).toString('latin1'), crcOk: crc32(typeAndData) === png.readUInt32BE(offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

describe('PNG parameters', () => {
  it('round-trips both chunks with valid CRCs, before IEND, and sharp still decodes the image', async () => {
    const original = await makePng(64, 48);
    const embedded = embedParameters(original, parameters);
    const chunks = chunkList(embedded);
    expect(chunks.every((chunk) => chunk.crcOk)).toBe(true);
    expect(chunks.map((chunk) => chunk.type).slice(-3)).toEqual(['iTXt', 'tEXt', 'IEND']);

    const recalled = readEmbeddedParameters(embedded);
    expect(recalled.generation).toEqual(parameters);
    expect(recalled.a1111).toEqual({
      prompt: 'a cosy house, golden hour',
      negativePrompt: 'blurry',
      settings: {
        Steps: '30',
        Sampler: 'EulerAncestralDiscreteScheduler',
        'CFG scale': '7.5',
        Seed: '12345',
        Size: '768x512',
        Model: 'model_abc',
        ControlNet: 'depth:0.5,pose:1.0',
      },
    });

    const decoded = await sharp(embedded).raw().toBuffer({ resolveWithObject: true });
    const reference = await sharp(original).raw().toBuffer();
    expect([decoded.info.width, decoded.info.height]).toEqual([64, 48]);
    expect(decoded.data.equals(reference)).toBe(true);
  });

  it('replaces its own chunks when embedding again instead of stacking them', async () => {
    const once = embedParameters(await makePng(8, 8), parameters);
    const twice = embedParameters(once, { ...parameters, seed: '999' });
    expect(chunkList(twice).filter((chunk) => chunk.type === 'iTXt' || chunk.type === 'tEXt')).toHaveLength(2);
    expect(readEmbeddedParameters(twice).generation?.seed).toBe('999');
  });

  it('writes A1111 text as iTXt when the prompt is not Latin-1, and quotes values with separators', async () => {
    const unicode = { ...parameters, request: { ...parameters.request, prompt: '家, at night 🌙', negativePrompt: '' } };
    const png = embedParameters(await makePng(8, 8), unicode);
    expect(chunkList(png).filter((chunk) => chunk.type === 'iTXt')).toHaveLength(2);
    const recalled = readEmbeddedParameters(png).a1111;
    expect(recalled?.prompt).toBe('家, at night 🌙');
    expect(recalled?.negativePrompt).toBe('');
    expect(formatA1111Parameters(unicode)).toContain('ControlNet: "depth:0.5,pose:1.0"');
  });

  it('reads parameters written by other A1111-style tools', () => {
    const text = 'portrait of a knight\nwith a red cape\nNegative prompt: lowres, bad hands\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x768';
    expect(parseA1111Parameters(text)).toEqual({
      prompt: 'portrait of a knight\nwith a red cape',
      negativePrompt: 'lowres, bad hands',
      settings: { Steps: '20', Sampler: 'Euler a', 'CFG scale': '7', Seed: '42', Size: '512x768' },
    });
    expect(parseA1111Parameters('just a prompt: nothing else')).toEqual({ prompt: 'just a prompt: nothing else', negativePrompt: '', settings: {} });
  });

  it('returns nothing for a plain PNG and refuses non-PNG bytes', async () => {
    expect(readEmbeddedParameters(await makePng(4, 4))).toEqual({});
    const jpeg = await sharp(await makePng(4, 4)).jpeg().toBuffer();
    expect(() => readEmbeddedParameters(jpeg)).toThrow(LibraryError);
    const truncated = (await makePng(4, 4)).subarray(0, 40);
    expect(() => embedParameters(truncated, parameters)).toThrow(/not a readable PNG/);
  });

  it('ignores a chunk whose CRC is wrong', async () => {
    const png = embedParameters(await makePng(8, 8), parameters);
    const at = png.indexOf('scenario-hotfolder');
    png.writeUInt8(png.readUInt8(at + 40) ^ 0xff, at + 40);
    expect(readEmbeddedParameters(png).generation).toBeUndefined();
  });
});
