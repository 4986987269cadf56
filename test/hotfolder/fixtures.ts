import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { HotFolderError, ReadyFile, WatchFolderHandlers } from '../../src/main/hotfolder/index.js';

/** Noise compresses badly, so the PNG is big enough to be written slowly in 1 KB steps. */
export async function makeImage(format: 'png' | 'jpeg' | 'webp', side = 32): Promise<Buffer> {
  const pixels = randomBytes(side * side * 3);
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).toFormat(format).toBuffer();
}

export async function makeTempFolder(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'hotfolder-test-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records what a watcher hands on, with the time each arrived. */
export class Collector implements WatchFolderHandlers {
  readonly files: Array<ReadyFile & { at: number }> = [];
  readonly errors: HotFolderError[] = [];

  onReady = (file: ReadyFile) => {
    this.files.push({ ...file, at: performance.now() });
  };

  onError = (error: HotFolderError) => {
    this.errors.push(error);
  };

  relPaths(): string[] {
    return this.files.map((file) => file.relPath).sort();
  }

  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; got ${JSON.stringify(this.relPaths())}, errors ${this.errors.map((e) => e.code).join(',')}`);
      await sleep(10);
    }
  }

  waitForFile(relPath: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.files.some((file) => file.relPath === relPath), timeoutMs);
  }
}
