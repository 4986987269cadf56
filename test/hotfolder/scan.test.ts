import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFolder } from '../../src/main/hotfolder/index.js';
import type { ReadyFile } from '../../src/main/hotfolder/index.js';
import { makeImage, makeTempFolder } from './fixtures.js';

describe('scanFolder', () => {
  let folder: Awaited<ReturnType<typeof makeTempFolder>>;
  beforeAll(async () => {
    folder = await makeTempFolder();
    const png = await makeImage('png', 64);
    await mkdir(join(folder.path, 'sub', '_done'), { recursive: true });
    await writeFile(join(folder.path, 'top.png'), png);
    await writeFile(join(folder.path, 'scan.jpg'), await makeImage('jpeg'));
    await writeFile(join(folder.path, 'sub', 'nested.webp'), await makeImage('webp'));
    await writeFile(join(folder.path, 'sub', '_done', 'processed.png'), png);
    await writeFile(join(folder.path, '.top.png.Xa12'), png);
    await writeFile(join(folder.path, 'readme.txt'), 'x');
    await writeFile(join(folder.path, 'being-written.png'), png.subarray(0, 500));
    const old = new Date(Date.now() - 60_000);
    await writeFile(join(folder.path, 'abandoned.png'), png.subarray(0, 500));
    await utimes(join(folder.path, 'abandoned.png'), old, old);
    await symlink(folder.path, join(folder.path, 'sub', 'loop'));
  });
  afterAll(() => folder.cleanup());

  async function scan(recursive: boolean): Promise<ReadyFile[]> {
    const files: ReadyFile[] = [];
    for await (const file of scanFolder({ path: folder.path, recursive })) files.push(file);
    return files.sort((a, b) => a.relPath.localeCompare(b.relPath));
  }

  it('lists complete candidates with the ignore rules, leaving out files still being written', async () => {
    const files = await scan(false);
    expect(files.map((file) => [file.relPath, file.evidence])).toEqual([
      ['abandoned.png', { kind: 'stable', reason: 'png-no-iend' }],
      ['scan.jpg', { kind: 'format', format: 'jpeg' }],
      ['top.png', { kind: 'format', format: 'png' }],
    ]);
    expect(files.every((file) => file.initial && file.path === join(folder.path, file.relPath))).toBe(true);
  });

  it('descends into subfolders when recursive, but not into ignored or symlinked ones', async () => {
    expect((await scan(true)).map((file) => file.relPath)).toEqual(['abandoned.png', 'scan.jpg', 'sub/nested.webp', 'top.png']);
  });

  it('throws when the folder is missing', async () => {
    await expect(scanFolder({ path: join(folder.path, 'absent'), recursive: false }).next()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
