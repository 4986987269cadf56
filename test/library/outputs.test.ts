import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { LibraryError } from '../../src/main/library/errors';
import { ensureLibraryLayout, storeOutputImage } from '../../src/main/library/outputs';
import type { GenerationParameters } from '../../src/main/library/pngmeta';
import { readEmbeddedParameters } from '../../src/main/library/pngmeta';
import { makePng, useTempDirs } from './helpers';

const tempDir = useTempDirs();

const parameters: GenerationParameters = {
  schemaVersion: 1,
  request: { modelId: 'model_abc', prompt: 'a lighthouse', modality: 'canny', seed: '5', width: 64, height: 48 },
  seed: '5',
  modelId: 'model_abc',
  preset: { name: 'Coast', version: 2 },
  generationId: 12,
  imageIndex: 0,
  jobId: 'job_9',
  assetId: 'asset_9',
  appVersion: '0.1.0',
};
const name = { createdAt: new Date(2025, 4, 6), presetName: 'Coast', generationId: 12, index: 0 };

describe('storeOutputImage', () => {
  it('writes the PNG with its parameters at its layout path; writing again replaces it', async () => {
    const root = await tempDir();
    await ensureLibraryLayout(root);
    expect((await readdir(root)).sort()).toEqual(['controls', 'outputs', 'thumbs', 'tmp', 'trash']);

    const stored = await storeOutputImage(root, await makePng(64, 48), name, parameters);
    const written = await readFile(path.join(root, stored.relPath));
    expect(stored).toEqual({ relPath: 'outputs/2025/05/06/coast-12-0.png', bytes: written.length, width: 64, height: 48 });
    expect(readEmbeddedParameters(written).generation).toEqual(parameters);

    const again = await storeOutputImage(root, await makePng(64, 48), name, parameters);
    expect(again).toEqual(stored);
    expect(await readdir(path.join(root, 'outputs/2025/05/06'))).toEqual(['coast-12-0.png']);
  });

  it('converts another format to PNG so it can carry the parameters', async () => {
    const root = await tempDir();
    const webp = await sharp(await makePng(40, 30)).webp({ lossless: true }).toBuffer();
    const stored = await storeOutputImage(root, webp, name, parameters);
    const written = await readFile(path.join(root, stored.relPath));
    expect((await sharp(written).metadata()).format).toBe('png');
    expect(readEmbeddedParameters(written).generation?.jobId).toBe('job_9');
  });

  it('refuses a damaged download with a typed error and writes nothing', async () => {
    const root = await tempDir();
    const error: unknown = await storeOutputImage(root, Buffer.from('<html>gateway timeout</html>'), name, parameters).catch((e: unknown) => e);
    expect((error as LibraryError).code).toBe('invalid-image');
    expect(await readdir(root)).toEqual([]);
  });
});
