import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { userMessageOf } from '../../shared/errors';
import { writeFileAtomic } from './atomic';
import type { ImagesRepository } from '../store/repositories/images';
import { LibraryError } from './errors';
import { absoluteLibraryPath, thumbnailRelPath } from './paths';

export const THUMBNAIL_LONGEST_SIDE = 256;
const DEFAULT_THUMBNAIL_CONCURRENCY = 2;

export interface ThumbnailResult {
  width: number;
  height: number;
  bytes: number;
}

/*
 * Where a thumbnail's time goes (CPU of all threads per 1024 px PNG of bench/history, sharp 0.35,
 * libvips 8.18): PNG decode ~3.5 ms (libpng, single-threaded), then the resize to 256 px and the
 * WebP encode. Whole thumbnail, best of 5 runs: lanczos3 + effort 2 (before) 12.7 ms,
 * lanczos3 + effort 0 11.1 ms, mitchell + effort 0 10.2 ms.
 * - WebP effort 0: files a few per cent larger; on smooth gradients it even bands less than
 *   effort 2, which spends its time making the file smaller, not better looking.
 * - Mitchell instead of lanczos3: a touch softer, no ringing halos; at 256 px text and fine lines
 *   stay as legible (compared side by side, enlarged).
 * - No smartSubsample: +50% CPU for crisper red edges nobody sees in a tile.
 * fastShrinkOnLoad does nothing for PNG (only JPEG and WebP can decode at a smaller size).
 */
const THUMBNAIL_KERNEL = 'mitchell';
const THUMBNAIL_WEBP = { quality: 80, effort: 0 } as const;

/**
 * Writes a WebP thumbnail, at most 256 px on its longest side (never enlarged), atomically, of
 * the image at `sourcePath`, or of `sourceBytes` when the caller already holds that image's bytes.
 */
export async function makeThumbnail(sourcePath: string, destinationPath: string, sourceBytes?: Uint8Array): Promise<ThumbnailResult> {
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await sharp(sourceBytes ?? sourcePath)
      .resize(THUMBNAIL_LONGEST_SIDE, THUMBNAIL_LONGEST_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: THUMBNAIL_KERNEL })
      .webp(THUMBNAIL_WEBP)
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new LibraryError('invalid-image', `Could not make a thumbnail of ${JSON.stringify(sourcePath)}: the image is missing or unreadable. It is tried again at the next start; if the image was deleted, \`scenario-hotfolder repair\` marks it missing.`, { cause: error });
  }
  // A thumbnail can always be made again (repair does): no fsync, about a quarter faster.
  await writeFileAtomic(destinationPath, output.data, { durable: false });
  return { width: output.info.width, height: output.info.height, bytes: output.data.length };
}

export interface ThumbnailJob {
  sourcePath: string;
  thumbnailPath: string;
  /**
   * The image's bytes, when the caller has them in memory (a download just written): sharp then
   * skips reading the file back, about 0.4 ms of a 5 ms thumbnail of a 512 px PNG.
   */
  sourceBytes?: Uint8Array;
}

/**
 * Queued jobs beyond this many do not keep their bytes: a backlog (a burst of large images) then
 * costs memory for its paths only, and its thumbnails read the files.
 */
const PENDING_JOBS_WITH_BYTES = 4;

export interface ThumbnailQueueOptions<Job extends ThumbnailJob> {
  /**
   * Thumbnails at once (default 2). PNG decoding is single-threaded and sharp runs each image on
   * one libvips thread by default (on glibc), so two at once is what uses two cores; raising
   * sharp.concurrency for one image at a time did worse (64-73/s against 70-104/s, same busy box).
   * More than two would take libuv pool threads the pipeline needs for files and hashing.
   */
  concurrency?: number;
  /** Record the thumbnail (e.g. the store's thumb_rel_path); the job carries the caller's ids. */
  onThumbnail: (job: Job, result: ThumbnailResult) => void | Promise<void>;
  /** A failed thumbnail is not fatal: the image stays, and the next start's backfill (or a repair) makes it again. */
  onError: (job: Job, error: unknown) => void;
}

/**
 * Background thumbnailing. enqueue() only records the job; work starts on a later turn of the
 * event loop, so a caller on a hot path (the download step) never waits for sharp.
 */
export class ThumbnailQueue<Job extends ThumbnailJob = ThumbnailJob> {
  private readonly pending: Job[] = [];
  private readonly queuedPaths = new Set<string>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;

  constructor(private readonly options: ThumbnailQueueOptions<Job>) {
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_THUMBNAIL_CONCURRENCY);
  }

  /** Adds a job unless the same thumbnail is already queued or being made. */
  enqueue(job: Job): void {
    if (this.queuedPaths.has(job.thumbnailPath)) return;
    this.queuedPaths.add(job.thumbnailPath);
    this.pending.push(this.pending.length < PENDING_JOBS_WITH_BYTES ? job : { ...job, sourceBytes: undefined });
    setImmediate(() => this.pump());
  }

  /** Jobs queued or being made. */
  get size(): number {
    return this.pending.length + this.running;
  }

  /** Thumbnails being made right now (never more than the concurrency). */
  get active(): number {
    return this.running;
  }

  /** Resolves once every queued job has finished (at once when nothing is queued). */
  onIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Forgets the jobs not started yet (a closing engine need not wait for a backlog); thumbnails
   * being made still finish, and onIdle resolves after them.
   */
  dropPending(): void {
    for (const job of this.pending) this.queuedPaths.delete(job.thumbnailPath);
    this.pending.length = 0;
    this.settleIdle();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.pending.shift();
      if (job === undefined) break;
      this.running += 1;
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      const result = await makeThumbnail(job.sourcePath, job.thumbnailPath, job.sourceBytes);
      await this.options.onThumbnail(job, result);
    } catch (error) {
      this.options.onError(job, error);
    } finally {
      this.running -= 1;
      this.queuedPaths.delete(job.thumbnailPath);
      this.pump();
      this.settleIdle();
    }
  }

  private settleIdle(): void {
    if (this.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A thumbnail of a stored image: the job carries what the store needs to record it. */
export interface ImageThumbnailJob extends ThumbnailJob {
  imageId: number;
  thumbRelPath: string;
}

export function imageThumbnailJob(root: string, image: { id: number; relPath: string }): ImageThumbnailJob {
  const thumbRelPath = thumbnailRelPath(image.relPath);
  return {
    imageId: image.id,
    thumbRelPath,
    sourcePath: absoluteLibraryPath(root, image.relPath),
    thumbnailPath: absoluteLibraryPath(root, thumbRelPath),
  };
}

/** What a person is told of a thumbnail that could not be made (both of the engine's queues say it alike). */
export function thumbnailFailureMessage(job: ThumbnailJob, error: unknown): string {
  return `No thumbnail for ${job.sourcePath}: ${userMessageOf(error)}`;
}

/** The queue the engine runs: each finished thumbnail is recorded on its image row. */
export function createImageThumbnailQueue(
  store: { images: Pick<ImagesRepository, 'setThumbnail'> },
  options: { concurrency?: number; onError: (job: ImageThumbnailJob, error: unknown) => void },
): ThumbnailQueue<ImageThumbnailJob> {
  return new ThumbnailQueue<ImageThumbnailJob>({
    ...options,
    onThumbnail: (job) => store.images.setThumbnail(job.imageId, job.thumbRelPath),
  });
}
