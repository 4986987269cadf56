import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkComplete } from '../../src/main/hotfolder/index.js';
import { makeImage, makeTempFolder } from './fixtures.js';

describe('checkComplete', () => {
  let folder: Awaited<ReturnType<typeof makeTempFolder>>;
  const images: Record<'png' | 'jpeg' | 'webp', Buffer> = { png: Buffer.alloc(0), jpeg: Buffer.alloc(0), webp: Buffer.alloc(0) };
  beforeAll(async () => {
    folder = await makeTempFolder();
    for (const format of ['png', 'jpeg', 'webp'] as const) images[format] = await makeImage(format);
  });
  afterAll(() => folder.cleanup());

  async function check(name: string, bytes: Buffer | string) {
    const path = join(folder.path, name);
    await writeFile(path, bytes);
    return checkComplete(path);
  }

  it.each(['png', 'jpeg', 'webp'] as const)('judges a whole %s complete, by its bytes', async (format) => {
    const result = await check(`whole.${format}`, images[format]);
    expect(result).toMatchObject({ complete: true, format, size: images[format].length });
  });

  it('judges by content, not by name', async () => {
    expect(await check('named-png-but-jpeg.png', images.jpeg)).toMatchObject({ complete: true, format: 'jpeg' });
  });

  it.each([
    ['png', 'png-no-iend'],
    ['jpeg', 'jpeg-no-eoi'],
    ['webp', 'webp-size-mismatch'],
  ] as const)('judges a truncated %s incomplete (%s)', async (format, reason) => {
    const bytes = images[format];
    const result = await check(`truncated.${format}`, bytes.subarray(0, bytes.length - 5));
    expect(result).toEqual({ complete: false, reason, size: bytes.length - 5, mtimeMs: expect.any(Number) });
  });

  it('tolerates zero padding after the JPEG end marker', async () => {
    expect(await check('padded.jpg', Buffer.concat([images.jpeg, Buffer.alloc(100)]))).toMatchObject({ complete: true, format: 'jpeg' });
  });

  it('does not take the end of an embedded EXIF thumbnail for the end of the JPEG', async () => {
    // SOI, then an APP1 "Exif" segment holding a whole small JPEG (the thumbnail), then the rest.
    const thumbnail = await makeImage('jpeg', 8);
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), thumbnail]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
    const whole = Buffer.concat([images.jpeg.subarray(0, 2), app1, images.jpeg.subarray(2)]);
    // A writer that wrote the metadata first has, for a moment, a file ending in the thumbnail's EOI.
    const partial = whole.subarray(0, 2 + app1.length);
    expect(partial.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(await check('metadata-only.jpg', partial)).toMatchObject({ complete: false, reason: 'jpeg-no-eoi' });
    expect(await check('with-thumbnail.jpg', whole)).toMatchObject({ complete: true, format: 'jpeg', size: whole.length });
  });

  it('rejects a WebP with bytes appended after its RIFF size', async () => {
    expect(await check('grown.webp', Buffer.concat([images.webp, Buffer.alloc(4)]))).toMatchObject({ complete: false, reason: 'webp-size-mismatch' });
  });

  it('names what is wrong with text, empty, missing files and folders', async () => {
    expect(await check('text.png', 'not an image at all')).toMatchObject({ complete: false, reason: 'unknown-format', size: 19 });
    expect(await check('empty.png', '')).toMatchObject({ complete: false, reason: 'empty', size: 0 });
    expect(await check('tiny.png', images.png.subarray(0, 4))).toMatchObject({ complete: false, reason: 'unknown-format' });
    expect(await checkComplete(join(folder.path, 'absent.png'))).toEqual({ complete: false, reason: 'missing' });
    expect(await checkComplete(folder.path)).toMatchObject({ complete: false, reason: 'not-a-file' });
  });
});
