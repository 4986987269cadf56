import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LibraryError } from '../../src/main/library/errors';
import type { ThumbnailJob } from '../../src/main/library/thumbnails';
import { ThumbnailQueue, makeThumbnail } from '../../src/main/library/thumbnails';
import { makePng, useTempDirs } from './helpers';

const tempDir = useTempDirs();

describe('makeThumbnail', () => {
  it('writes a WebP at most 256 px on its longest side, keeping the aspect ratio', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'wide.png'), await makePng(1024, 512));
    const result = await makeThumbnail(path.join(dir, 'wide.png'), path.join(dir, 'thumbs', 'wide.webp'));
    const metadata = await sharp(path.join(dir, 'thumbs', 'wide.webp')).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 256, 128]);
    expect(result).toMatchObject({ width: 256, height: 128 });
    expect(await readdir(path.join(dir, 'thumbs'))).toEqual(['wide.webp']);
  });

  it('never enlarges a small image', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'small.png'), await makePng(100, 60));
    expect(await makeThumbnail(path.join(dir, 'small.png'), path.join(dir, 'small.webp'))).toMatchObject({ width: 100, height: 60 });
  });
});

describe('ThumbnailQueue', () => {
  it('works in the background, two at once by default, records results and reports failures', async () => {
    const dir = await tempDir();
    const jobs: (ThumbnailJob & { imageId: number })[] = [];
    for (let id = 0; id < 5; id += 1) {
      await writeFile(path.join(dir, `${id}.png`), await makePng(300, 200, id));
      jobs.push({ imageId: id, sourcePath: path.join(dir, `${id}.png`), thumbnailPath: path.join(dir, 'thumbs', `${id}.webp`) });
    }
    jobs.push({ imageId: 99, sourcePath: path.join(dir, 'gone.png'), thumbnailPath: path.join(dir, 'thumbs', 'gone.webp') });

    const recorded: number[] = [];
    const failed: [number, unknown][] = [];
    let maxActive = 0;
    const queue = new ThumbnailQueue<(typeof jobs)[number]>({
      onThumbnail: (job) => {
        recorded.push(job.imageId);
      },
      onError: (job, error) => failed.push([job.imageId, error]),
    });
    const activeSampler = setInterval(() => {
      maxActive = Math.max(maxActive, queue.active);
    }, 1);

    for (const job of jobs) queue.enqueue(job);
    queue.enqueue(jobs[0]!); // already queued: ignored
    expect([queue.active, recorded.length]).toEqual([0, 0]); // nothing starts inside enqueue
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.active).toBe(2);
    await queue.onIdle();
    clearInterval(activeSampler);
    expect(maxActive).toBe(2);

    expect(recorded.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.[0]).toBe(99);
    expect(failed[0]?.[1]).toBeInstanceOf(LibraryError);
    expect(queue.size).toBe(0);
    expect((await readdir(path.join(dir, 'thumbs'))).sort()).toEqual(['0.webp', '1.webp', '2.webp', '3.webp', '4.webp']);
    await expect(queue.onIdle()).resolves.toBeUndefined();
  });

  it('drops the jobs not started yet on dropPending, lets the running one finish, and can queue them again', async () => {
    const dir = await tempDir();
    const jobs: ThumbnailJob[] = [];
    for (let id = 0; id < 4; id += 1) {
      await writeFile(path.join(dir, `${id}.png`), await makePng(300, 200, id));
      jobs.push({ sourcePath: path.join(dir, `${id}.png`), thumbnailPath: path.join(dir, 'thumbs', `${id}.webp`) });
    }
    const made: string[] = [];
    const queue = new ThumbnailQueue({ concurrency: 1, onThumbnail: (job) => void made.push(path.basename(job.thumbnailPath)), onError: () => undefined });
    for (const job of jobs) queue.enqueue(job);
    await new Promise((resolve) => setImmediate(resolve));
    expect([queue.active, queue.size]).toEqual([1, 4]);

    queue.dropPending();
    expect(queue.size).toBe(1);
    await queue.onIdle();
    expect(made).toEqual(['0.webp']);
    expect(await readdir(path.join(dir, 'thumbs'))).toEqual(['0.webp']);

    // A dropped job is forgotten, not remembered as queued.
    queue.enqueue(jobs[3]!);
    await queue.onIdle();
    expect(made).toEqual(['0.webp', '3.webp']);
  });

  it('makes a thumbnail from the bytes a job carries, and only the first queued jobs keep them', async () => {
    const dir = await tempDir();
    // No file at any sourcePath: a job can only succeed from its bytes.
    const jobs: ThumbnailJob[] = [];
    for (let id = 0; id < 7; id += 1) {
      jobs.push({ sourcePath: path.join(dir, `absent-${id}.png`), thumbnailPath: path.join(dir, 'thumbs', `${id}.webp`), sourceBytes: await makePng(300, 200, id) });
    }
    const made: string[] = [];
    const failed: string[] = [];
    const queue = new ThumbnailQueue({
      concurrency: 1,
      onThumbnail: (job) => void made.push(path.basename(job.thumbnailPath)),
      onError: (job) => void failed.push(path.basename(job.thumbnailPath)),
    });
    for (const job of jobs) queue.enqueue(job);
    await queue.onIdle();
    // Four jobs were queued when the fifth came: the fifth and later read their (absent) files.
    expect(made).toEqual(['0.webp', '1.webp', '2.webp', '3.webp']);
    expect(failed).toEqual(['4.webp', '5.webp', '6.webp']);
    expect((await sharp(path.join(dir, 'thumbs', '0.webp')).metadata()).width).toBe(256);
  });

  it('resolves onIdle at once when dropPending empties a queue that had not started', async () => {
    const dir = await tempDir();
    const queue = new ThumbnailQueue({ onThumbnail: () => undefined, onError: () => undefined });
    queue.enqueue({ sourcePath: path.join(dir, 'a.png'), thumbnailPath: path.join(dir, 'a.webp') });
    const idle = queue.onIdle();
    queue.dropPending();
    await idle;
    expect(queue.size).toBe(0);
  });
});
