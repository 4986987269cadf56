import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from '../library/atomic.js';
import { LibraryError, toLibraryError } from '../library/errors.js';
import { ScenarioError, abortedError, describeCause, errorForStatus } from './errors.js';
import type { ScenarioHttp } from './http.js';
import { abortScope, isTransient, readRetryAfterMs, withRetry } from './http.js';
import { exchange } from './transport.js';

export interface DownloadOptions {
  signal?: AbortSignal;
  /** A signed URL already known for this asset (from getAssets); used first, replaced if expired. */
  expectedUrl?: string;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** sha256 (hex) of the bytes written. */
  sha256: string;
}

export interface DownloadedBytes {
  data: Buffer;
  /** sha256 (hex) of `data`. */
  sha256: string;
}

/** Where the bytes of one download attempt go. */
interface DownloadSink<T> {
  /** The server answered with the file: make room for it. */
  open(): Promise<void>;
  write(chunk: Uint8Array): Promise<void> | void;
  /** Every byte arrived (Content-Length checked). */
  finish(sha256: string): Promise<T>;
  /** The attempt failed: nothing of it may remain. */
  discard(): Promise<void>;
}

/**
 * Downloads an asset's file to `destPath`: the bytes go to `destPath.part`, which is checked
 * against Content-Length, fsynced and only then renamed, so `destPath` is complete or absent.
 */
export function downloadAsset(
  http: ScenarioHttp,
  resolveUrl: (signal?: AbortSignal) => Promise<string>,
  assetId: string,
  destPath: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  return downloadWithFreshUrl(http, resolveUrl, assetId, options, () => fileSink(destPath));
}

/**
 * Downloads an asset's file into memory, for a caller that transforms the bytes before writing
 * them (the pipeline embeds parameters): no scratch file to write, fsync, read back and remove.
 */
export function downloadAssetBytes(
  http: ScenarioHttp,
  resolveUrl: (signal?: AbortSignal) => Promise<string>,
  assetId: string,
  options: DownloadOptions = {},
): Promise<DownloadedBytes> {
  return downloadWithFreshUrl(http, resolveUrl, assetId, options, memorySink);
}

/**
 * The signed URL is used exactly as given (its query string is its signature). A 403 from the
 * storage service means the URL expired: the asset is fetched again for a fresh one.
 */
function downloadWithFreshUrl<T>(
  http: ScenarioHttp,
  resolveUrl: (signal?: AbortSignal) => Promise<string>,
  assetId: string,
  options: DownloadOptions,
  makeSink: () => DownloadSink<T>,
): Promise<T> {
  const { signal } = options;
  let url = options.expectedUrl;
  let urlIsFresh = false;
  return withRetry(
    http.retry,
    async () => {
      if (url === undefined) {
        url = await resolveUrl(signal);
        urlIsFresh = true;
      }
      const attemptUrl = url;
      const triedFreshUrl = urlIsFresh;
      urlIsFresh = false;
      try {
        return await downloadOnce(http, attemptUrl, assetId, makeSink(), signal);
      } catch (error) {
        // A URL fetched a moment ago cannot have expired: that 403 is a real refusal.
        if (error instanceof ScenarioError && error.code === 'forbidden' && !triedFreshUrl) url = undefined;
        throw error;
      }
    },
    { signal, clock: http.clock, shouldRetry: (error) => isTransient(error) || (error.code === 'forbidden' && url === undefined) },
  );
}

async function downloadOnce<T>(http: ScenarioHttp, url: string, assetId: string, sink: DownloadSink<T>, signal?: AbortSignal): Promise<T> {
  const what = `the image of asset ${assetId}`;
  // A stall timer, reset on every chunk: a large file may take long, a silent connection may not.
  const stall = abortScope(signal, http.requestTimeoutMs);
  let opened = false;
  try {
    // No Authorization header: the signed URL is its own credential, and the storage host must
    // never see the API secret. `identity` keeps Content-Length comparable with the bytes written.
    const response = await exchange(url, { method: 'GET', headers: { 'Accept-Encoding': 'identity', 'User-Agent': http.userAgent }, signal: stall.signal });
    if (response.status < 200 || response.status >= 300) {
      response.discard();
      throw errorForStatus(response.status, { what, retryAfterMs: readRetryAfterMs(response.headers, undefined) });
    }
    opened = true;
    await sink.open();
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of response.body) {
      await sink.write(chunk);
      hash.update(chunk);
      bytes += chunk.length;
      stall.restartTimer();
    }
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) !== bytes) {
      throw new ScenarioError('network', `The download of ${what} was cut short (${bytes} of ${declared} bytes). The app retries by itself.`);
    }
    return await sink.finish(hash.digest('hex'));
  } catch (error) {
    if (opened) await sink.discard();
    if (error instanceof ScenarioError || error instanceof LibraryError) throw error;
    if (signal?.aborted) throw abortedError();
    const cause = describeCause(error, http.redact);
    if (stall.timedOut) {
      throw new ScenarioError('timeout', `The download of ${what} stalled. Check your connection; the app retries by itself.`, { cause });
    }
    throw new ScenarioError('network', `The connection broke while downloading ${what}. Check your connection; the app retries by itself.`, { cause });
  } finally {
    stall.release();
  }
}

function memorySink(): DownloadSink<DownloadedBytes> {
  let chunks: Uint8Array[] = [];
  let length = 0;
  return {
    open: async () => undefined,
    write(chunk) {
      chunks.push(chunk);
      length += chunk.length;
    },
    finish: async (sha256) => ({ data: Buffer.concat(chunks, length), sha256 }),
    async discard() {
      chunks = [];
    },
  };
}

function fileSink(destPath: string): DownloadSink<DownloadResult> {
  const partPath = `${destPath}.part`;
  let handle: FileHandle | undefined;
  let bytes = 0;
  return {
    async open() {
      handle = await onDisk(destPath, async () => {
        await mkdir(path.dirname(destPath), { recursive: true });
        return open(partPath, 'w');
      });
    },
    async write(chunk) {
      await onDisk(destPath, () => (handle as FileHandle).write(chunk));
      bytes += chunk.length;
    },
    async finish(sha256) {
      const finished = handle as FileHandle;
      await onDisk(destPath, async () => {
        await finished.sync();
        await finished.close();
      });
      handle = undefined;
      await onDisk(destPath, () => rename(partPath, destPath));
      await fsyncDirectory(path.dirname(destPath));
      return { path: destPath, bytes, sha256 };
    },
    async discard() {
      await handle?.close().catch(() => undefined);
      await unlink(partPath).catch(() => undefined);
    },
  };
}

/** File-system failures are the library's kind of error (disk full, permissions), not Scenario's. */
async function onDisk<T>(destPath: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toLibraryError(error, 'write', destPath);
  }
}
