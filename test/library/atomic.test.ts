import { spawn, execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileAtomic, moveFileAtomic, sweepStaleParts, writeFileAtomic } from '../../src/main/library/atomic';
import { LibraryError } from '../../src/main/library/errors';
import { useTempDirs } from './helpers';

const tempDir = useTempDirs();
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const writerScript = path.join(import.meta.dirname, 'fixtures', 'slow-atomic-writer.ts');

async function caught(promise: Promise<unknown>): Promise<LibraryError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LibraryError);
  return error as LibraryError;
}

/** Runs the writer in a child, SIGKILLs it mid-write, resolves once it is gone. */
async function killWriterMidWrite(finalPath: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', tsxLoader, writerScript, finalPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('writing')) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited before writing: ${output}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('writeFileAtomic', () => {
  it('writes bytes and streamed chunks into folders it makes, replacing the old file, leaving no temp file', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'nested', 'deeper', 'a.bin');
    await writeFileAtomic(target, Buffer.from('old'));
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('new ');
      yield Buffer.from('content');
    }
    await writeFileAtomic(target, chunks());
    expect(await readFile(target, 'utf8')).toBe('new content');
    expect(await readdir(path.dirname(target))).toEqual(['a.bin']);
  });

  it('leaves no partial file at the final path when the writer is SIGKILLed mid-write', async () => {
    const dir = await tempDir();
    const fresh = path.join(dir, 'fresh.bin');
    await killWriterMidWrite(fresh);
    const entries = await readdir(dir);
    expect(entries).not.toContain('fresh.bin');
    const parts = entries.filter((name) => name.endsWith('.part'));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatch(/^\.fresh\.bin\.[0-9a-f]{12}\.part$/);
    expect((await stat(path.join(dir, parts[0] ?? ''))).size).toBeGreaterThan(0);

    const replaced = path.join(dir, 'replaced.bin');
    await writeFile(replaced, 'previous version');
    await killWriterMidWrite(replaced);
    expect(await readFile(replaced, 'utf8')).toBe('previous version');

    // The startup sweep removes the leftovers and nothing else.
    await writeFile(path.join(dir, 'user-download.part'), 'a user file that merely ends in .part');
    expect(await sweepStaleParts(dir, { olderThanMs: 0 })).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual(['replaced.bin', 'user-download.part']);
  });

  it('fails with a typed io error and removes its temp file when the rename fails', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'occupied');
    await mkdir(path.join(target, 'child'), { recursive: true });
    const error = await caught(writeFileAtomic(target, Buffer.alloc(1024)));
    expect(error.code).toBe('io');
    expect(error.userMessage).toContain(target);
    expect(await readdir(dir)).toEqual(['occupied']);
  });

  it('reports disk-full and cleans up when the drive runs out of space', async (context) => {
    const mountPoint = await tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      context.skip('a tiny tmpfs cannot be mounted here (needs root); the read-only test covers cleanup');
    }
    try {
      const target = path.join(mountPoint, 'big.png');
      const error = await caught(writeFileAtomic(target, Buffer.alloc(1024 * 1024, 1)));
      expect(error.code).toBe('disk-full');
      expect(error.userMessage).toContain(target);
      expect(error.userMessage).toMatch(/free some space/i);
      expect(await readdir(mountPoint)).toEqual([]);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it('reports permission errors in a read-only folder', async (context) => {
    if (process.getuid?.() === 0) context.skip('root ignores folder permissions');
    const dir = await tempDir();
    await chmod(dir, 0o555);
    try {
      const error = await caught(writeFileAtomic(path.join(dir, 'a.png'), Buffer.alloc(10)));
      expect(error.code).toBe('permission');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await chmod(dir, 0o755);
    }
  });
});

describe('sweepStaleParts', () => {
  it('keeps young parts (another process may be writing) and honours dry runs', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'outputs', '2025'), { recursive: true });
    const old = path.join(root, 'outputs', '2025', '.a.png.0123456789ab.part');
    const young = path.join(root, 'outputs', '.b.png.0123456789ab.part');
    await writeFile(old, 'x');
    await writeFile(young, 'x');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old, anHourAgo, anHourAgo);
    expect(await sweepStaleParts(root, { dryRun: true })).toEqual(['outputs/2025/.a.png.0123456789ab.part']);
    expect(await readdir(path.dirname(old))).toHaveLength(1);
    expect(await sweepStaleParts(root)).toEqual(['outputs/2025/.a.png.0123456789ab.part']);
    expect(await readdir(path.dirname(old))).toHaveLength(0);
    expect(await readdir(path.dirname(young))).toContain('.b.png.0123456789ab.part');
  });
});

describe('copyFileAtomic and moveFileAtomic', () => {
  it('copies without touching the source, and moves without clobbering', async () => {
    const dir = await tempDir();
    const source = path.join(dir, 'source.png');
    await writeFile(source, 'image');
    const before = await stat(source);
    await copyFileAtomic(source, path.join(dir, 'copy', 'c.png'));
    expect(await readFile(path.join(dir, 'copy', 'c.png'), 'utf8')).toBe('image');
    expect((await stat(source)).mtimeMs).toBe(before.mtimeMs);

    await moveFileAtomic(path.join(dir, 'copy', 'c.png'), path.join(dir, 'moved', 'm.png'));
    expect(await readdir(path.join(dir, 'copy'))).toEqual([]);
    const error = await caught(moveFileAtomic(source, path.join(dir, 'moved', 'm.png')));
    expect(error.code).toBe('exists');
    expect(await readFile(source, 'utf8')).toBe('image');
  });
});
