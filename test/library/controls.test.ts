import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeControlImage } from '../../src/main/library/controls';
import { LibraryError } from '../../src/main/library/errors';
import { SAMPLE_CONTROL_IMAGES, useTempDirs } from './helpers';

const tempDir = useTempDirs();

describe('storeControlImage', () => {
  it('copies once by content hash with metadata, never touching the source', async () => {
    const root = await tempDir();
    const source = path.join(SAMPLE_CONTROL_IMAGES, 'canny-house-768x512.png');
    const sourceBefore = await stat(source);
    const sha256 = createHash('sha256').update(await readFile(source)).digest('hex');

    const first = await storeControlImage(root, source);
    expect(first).toEqual({
      sha256,
      relPath: `controls/${sha256.slice(0, 2)}/${sha256}.png`,
      bytes: sourceBefore.size,
      width: 768,
      height: 512,
      format: 'png',
      alreadyStored: false,
    });
    expect(await readFile(path.join(root, first.relPath))).toEqual(await readFile(source));

    // Same bytes under another name: stored once.
    const dropFolder = await tempDir();
    const renamedCopy = path.join(dropFolder, 'another name.png');
    await writeFile(renamedCopy, await readFile(source));
    const second = await storeControlImage(root, renamedCopy);
    expect(second).toEqual({ ...first, alreadyStored: true });
    expect(await readdir(path.join(root, 'controls', sha256.slice(0, 2)))).toEqual([`${sha256}.png`]);

    const sourceAfter = await stat(source);
    expect(sourceAfter.mtimeMs).toBe(sourceBefore.mtimeMs);
    expect(await readdir(dropFolder)).toEqual(['another name.png']);
  });

  it('keeps the format as the extension (jpeg as .jpg, webp)', async () => {
    const root = await tempDir();
    const jpeg = await storeControlImage(root, path.join(SAMPLE_CONTROL_IMAGES, 'scribble-face-512.jpg'));
    const webp = await storeControlImage(root, path.join(SAMPLE_CONTROL_IMAGES, 'pose-standing-512x768.webp'));
    expect(jpeg.relPath).toMatch(/\.jpg$/);
    expect(jpeg.format).toBe('jpeg');
    expect([webp.format, webp.width, webp.height]).toEqual(['webp', 512, 768]);
  });

  it('refuses a file that is not an image, and a missing file, with typed errors', async () => {
    const root = await tempDir();
    const notImage = path.join(await tempDir(), 'notes.png');
    await writeFile(notImage, 'this is text');
    const invalid: unknown = await storeControlImage(root, notImage).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(LibraryError);
    expect((invalid as LibraryError).code).toBe('invalid-image');
    const missing: unknown = await storeControlImage(root, notImage + '.gone').catch((e: unknown) => e);
    expect((missing as LibraryError).code).toBe('not-found');
    expect(await readdir(root)).toEqual([]);
  });
});
