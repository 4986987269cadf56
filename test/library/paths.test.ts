import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryError } from '../../src/main/library/errors';
import { controlImageRelPath, outputImageRelPath, presetSlug, resolveInsideLibrary, thumbnailRelPath, trashRelPath } from '../../src/main/library/paths';
import { useTempDirs } from './helpers';

const tempDir = useTempDirs();

describe('library layout', () => {
  it('stores control images under a two-character hash prefix', () => {
    const sha = 'ab'.padEnd(64, '0');
    expect(controlImageRelPath(sha, 'png')).toBe(`controls/ab/${sha}.png`);
    expect(() => controlImageRelPath('../etc', 'png')).toThrow(TypeError);
  });

  it('names outputs by local date, preset slug, generation id and index', () => {
    const rel = outputImageRelPath({ createdAt: new Date(2025, 0, 2, 23, 59), presetName: 'Café Depth / v2', generationId: 42, index: 3 });
    expect(rel).toBe('outputs/2025/01/02/cafe-depth-v2-42-3.png');
  });

  it('makes slugs that are safe file names everywhere', () => {
    expect(presetSlug('CON')).toBe('con');
    expect(presetSlug('a<b>c:d"e|f?g*h\\i')).toBe('a-b-c-d-e-f-g-h-i');
    expect(presetSlug('...   ')).toBe('preset');
    expect(presetSlug('日本語')).toBe('preset');
    expect(presetSlug('x'.repeat(100))).toHaveLength(40);
    expect(presetSlug(`${'a'.repeat(39)} b`)).toBe('a'.repeat(39));
  });

  it('refuses generation ids that would need sanitising', () => {
    expect(() => outputImageRelPath({ createdAt: new Date(), presetName: 'p', generationId: '../1', index: 0 })).toThrow(TypeError);
  });

  it('derives thumbnail and trash paths from the image path', () => {
    expect(thumbnailRelPath('outputs/2025/01/02/p-1-0.png')).toBe('thumbs/outputs/2025/01/02/p-1-0.webp');
    expect(trashRelPath('b1', 'outputs/2025/01/02/p-1-0.png')).toBe('trash/b1/outputs/2025/01/02/p-1-0.png');
  });
});

describe('resolveInsideLibrary', () => {
  async function rejection(root: string, relPath: string): Promise<LibraryError> {
    const error: unknown = await resolveInsideLibrary(root, relPath).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryError);
    return error as LibraryError;
  }

  it('resolves a normal rel path, existing or not', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'outputs'), { recursive: true });
    await writeFile(path.join(root, 'outputs', 'a.png'), 'x');
    const real = await resolveInsideLibrary(root, 'outputs/a.png');
    expect(real.endsWith(path.join('outputs', 'a.png'))).toBe(true);
    expect(await resolveInsideLibrary(root, 'outputs/new/b.png')).toMatch(/outputs[/\\]new[/\\]b\.png$/);
    expect(await resolveInsideLibrary(root, 'outputs/with%20space.png')).toMatch(/with space\.png$/);
  });

  it.each([
    ['../secret'],
    ['outputs/../../secret'],
    ['outputs/./a.png'],
    ['%2e%2e/secret'],
    ['%2E%2E%2Fsecret'],
    ['outputs%2f..%2f..%2fsecret'],
    ['%252e%252e/secret'],
    ['..%5csecret'],
    ['outputs\\..\\..\\secret'],
    ['/etc/passwd'],
    ['%2fetc/passwd'],
    ['C:/Windows/win.ini'],
    ['outputs//a.png'],
    [''],
    ['a\0b'],
    ['%zz'],
  ])('rejects %j', async (relPath) => {
    const root = await tempDir();
    const error = await rejection(root, relPath);
    expect(error.code).toBe('outside-library');
  });

  it('rejects symlinks that lead outside the root, including dangling ones', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await mkdir(path.join(root, 'outputs'));
    await symlink(outside, path.join(root, 'outputs', 'escape'));
    await symlink(path.join(outside, 'not-yet.txt'), path.join(root, 'outputs', 'dangling.txt'));
    expect((await rejection(root, 'outputs/escape/secret.txt')).code).toBe('outside-library');
    expect((await rejection(root, 'outputs/escape/new.txt')).code).toBe('outside-library');
    expect((await rejection(root, 'outputs/dangling.txt')).code).toBe('outside-library');
  });

  it('says so when the library folder itself is gone (an unplugged drive)', async () => {
    const root = path.join(await tempDir(), 'unplugged');
    expect((await rejection(root, 'outputs/a.png')).code).toBe('not-found');
  });

  it('accepts symlinks that stay inside the root', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'outputs'));
    await writeFile(path.join(root, 'outputs', 'a.png'), 'x');
    await symlink(path.join(root, 'outputs', 'a.png'), path.join(root, 'outputs', 'link.png'));
    expect(await resolveInsideLibrary(root, 'outputs/link.png')).toMatch(/outputs[/\\]a\.png$/);
  });
});
