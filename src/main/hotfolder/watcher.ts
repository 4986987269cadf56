import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { ConcurrencyLimit } from '../../shared/concurrency.js';
import { checkComplete } from './completeness.js';
import type { Completeness } from './completeness.js';
import { HotFolderError } from './errors.js';
import { isIgnoredFile, isIgnoredFolder, normalizeExtensions } from './ignore.js';
import type { ReadyFile } from './ready-file.js';

export const DEFAULT_STABLE_MS = 1000;
export const DEFAULT_POLL_FALLBACK_MS = 1000;

export interface WatchFolderOptions {
  path: string;
  /** Watch subfolders too (symlinked folders are never followed, so loops cannot occur). */
  recursive: boolean;
  /** Accepted extensions; default png, jpg, jpeg, webp. */
  extensions?: readonly string[];
  /** A file that fails its format check is handed on anyway once its size and mtime held this long. Default 1000. */
  stableMs?: number;
  /**
   * Polling interval used once native watching has failed for lack of resources (inotify or file
   * handle limits) or support (some network drives). Default 1000.
   */
  pollFallbackMs?: number;
}

export interface WatchFolderHandlers {
  /** Once per (path, size, mtime): a later rewrite of the same path is handed on again. */
  onReady(file: ReadyFile): void;
  /** Watching continues after every error: the watcher restarts by itself with backoff. */
  onError(error: HotFolderError): void;
}

export interface FolderWatch {
  /**
   * Settles once the first start attempt has: every file already present has been handed on or is
   * awaiting completion, or the folder was reported missing/unreadable (watching resumes when it is back).
   */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RESTART_BACKOFF_MIN_MS = 100;
const RESTART_BACKOFF_MAX_MS = 5000;
/** A watcher that ran this long without failing was healthy: the next failure restarts at the minimum backoff again. */
const HEALTHY_RUN_MS = 30_000;
/** Native watching cannot work on this system or drive: these switch the restarted watcher to polling. */
const NATIVE_UNAVAILABLE_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'ENOSYS', 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM']);

/**
 * Completeness checks at once, across every watcher of the process: each holds a file open, and a
 * folder of thousands of files at start (the catch-up) would otherwise open them all together
 * and run into the open-file limit (256 by default on macOS, 1024 on Linux).
 */
const fileChecks = new ConcurrencyLimit(16);

interface Candidate {
  initial: boolean;
  checking: boolean;
  /** An event arrived during a check: check again right after it. */
  recheck: boolean;
  timer?: NodeJS.Timeout;
  signature?: string;
  unchangedSince: number;
}

/**
 * Watches one folder and hands on each file that is complete and not ignored. Completeness is
 * checked on every add/change event from the file's own bytes (PNG IEND, JPEG EOI, WebP RIFF size),
 * so pickup takes milliseconds; files that never pass are handed on after `stableMs` without change.
 * Files already present are handed on as the catch-up (`initial: true`): the caller needs no separate
 * scan. A file deleted before it completed is never handed on.
 */
export function watchFolder(options: WatchFolderOptions, handlers: WatchFolderHandlers): FolderWatch {
  const root = resolve(options.path);
  const extensions = normalizeExtensions(options.extensions);
  const stableMs = options.stableMs ?? DEFAULT_STABLE_MS;
  const pollFallbackMs = options.pollFallbackMs ?? DEFAULT_POLL_FALLBACK_MS;
  // Re-check pending files often enough to notice a quiet end of writing well within stableMs.
  const recheckMs = Math.min(200, Math.max(20, Math.floor(stableMs / 5)));

  const candidates = new Map<string, Candidate>();
  /** path → "size:mtimeMs" last handed on: the same content state is never handed on twice. */
  const handedOn = new Map<string, string>();
  let watcher: FSWatcher | undefined;
  let closed = false;
  let usePolling = false;
  let consecutiveFailures = 0;
  let startedAt = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  /** Ends the wait for a starting watcher's initial scan when that watcher fails first. */
  let abandonStart: (() => void) | undefined;
  /** True while an outage was reported, so retries do not repeat the same error. */
  let outageReported = false;

  const relativeOf = (path: string) => relative(root, path).split(sep).join('/');

  function report(error: HotFolderError): void {
    // A check still running when close() was called must not speak for a watch that is gone.
    if (closed) return;
    try {
      handlers.onError(error);
    } catch {
      // The error handler's own failure has nowhere better to go; watching must go on.
    }
  }

  function handOn(path: string, file: Omit<ReadyFile, 'path' | 'relPath' | 'initial'>, candidate: Candidate): void {
    forgetCandidate(path);
    handedOn.set(path, signatureOf(file.size, file.mtimeMs));
    try {
      handlers.onReady({ path, relPath: relativeOf(path), initial: candidate.initial, ...file });
    } catch (error) {
      handedOn.delete(path);
      report(HotFolderError.handlerFailed(root, error));
    }
  }

  function forgetCandidate(path: string): void {
    const candidate = candidates.get(path);
    if (candidate?.timer) clearTimeout(candidate.timer);
    candidates.delete(path);
  }

  function forgetPath(path: string): void {
    forgetCandidate(path);
    handedOn.delete(path);
  }

  function forgetFolder(folder: string): void {
    const prefix = folder + sep;
    for (const path of [...candidates.keys(), ...handedOn.keys()]) {
      if (path.startsWith(prefix)) forgetPath(path);
    }
  }

  /** Checks a file now; if it is not complete yet, schedules the next check. Resolves after the first check. */
  async function consider(path: string, initial: boolean): Promise<void> {
    let candidate = candidates.get(path);
    if (!candidate) {
      candidate = { initial, checking: false, recheck: false, unchangedSince: 0 };
      candidates.set(path, candidate);
    }
    if (candidate.checking) {
      candidate.recheck = true;
      return;
    }
    if (candidate.timer) clearTimeout(candidate.timer);
    candidate.timer = undefined;

    candidate.checking = true;
    const result = await fileChecks.run(() => checkComplete(path));
    candidate.checking = false;
    if (closed || candidates.get(path) !== candidate) return;
    const changedMeanwhile = candidate.recheck;
    candidate.recheck = false;
    judge(path, candidate, result);
    if (changedMeanwhile) await consider(path, candidate.initial);
  }

  /** Hands the file on, drops it, or leaves it pending with its next check scheduled. */
  function judge(path: string, candidate: Candidate, result: Completeness): void {
    // Gone, or not judgeable at all: drop it; its next event brings it back.
    const { size, mtimeMs } = result;
    if (size === undefined || mtimeMs === undefined || (!result.complete && result.reason === 'not-a-file')) {
      forgetCandidate(path);
      return;
    }
    const signature = signatureOf(size, mtimeMs);
    if (handedOn.get(path) === signature) {
      forgetCandidate(path);
      return;
    }
    if (result.complete) {
      handOn(path, { size, mtimeMs, evidence: { kind: 'format', format: result.format } }, candidate);
      return;
    }
    const now = performance.now();
    if (candidate.signature !== signature) {
      candidate.signature = signature;
      candidate.unchangedSince = now;
    } else if (now - candidate.unchangedSince >= stableMs && result.reason !== 'empty') {
      // Writers create a file before filling it: an empty file waits for content, however long.
      handOn(path, { size, mtimeMs, evidence: { kind: 'stable', reason: result.reason } }, candidate);
      return;
    }
    candidate.timer = setTimeout(() => void consider(path, candidate.initial), recheckMs);
  }

  function isIgnoredEntry(path: string, stats?: Stats): boolean {
    const relPath = relative(root, path);
    if (relPath === '' || relPath.startsWith('..')) return false;
    return stats?.isFile() ? isIgnoredFile(relPath, extensions) : isIgnoredFolder(relPath);
  }

  function fail(error: HotFolderError, { folderGone }: { folderGone: boolean }): void {
    if (closed || !watcher) return;
    const failed = watcher;
    watcher = undefined;
    abandonStart?.();
    void failed.close().catch(() => undefined);
    for (const path of [...candidates.keys()]) forgetCandidate(path);
    // Everything that was in a vanished folder is gone: what is there when it returns is new.
    if (folderGone) handedOn.clear();
    if (!outageReported) report(error);
    outageReported = true;
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    if (cause?.code && NATIVE_UNAVAILABLE_CODES.has(cause.code)) usePolling = true;
    scheduleRestart();
  }

  function scheduleRestart(): void {
    if (closed) return;
    if (performance.now() - startedAt >= HEALTHY_RUN_MS) consecutiveFailures = 0;
    const delay = Math.min(RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_MIN_MS * 2 ** consecutiveFailures);
    consecutiveFailures += 1;
    restartTimer = setTimeout(() => void start(), delay);
  }

  /** Starts a chokidar watcher; resolves once its initial files have each been checked once. */
  async function start(): Promise<void> {
    restartTimer = undefined;
    try {
      const stats = await stat(root);
      if (!stats.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!outageReported) report(code === 'ENOENT' ? HotFolderError.folderMissing(root) : HotFolderError.folderUnreadable(root, error));
      outageReported = true;
      scheduleRestart();
      return;
    }
    if (closed) return;

    startedAt = performance.now();
    const initialChecks: Promise<void>[] = [];
    let initialScanDone = false;
    const current = watch(root, {
      // The catch-up comes from chokidar's own initial scan, so no file can slip between a scan and the watch.
      ignoreInitial: false,
      awaitWriteFinish: false,
      followSymlinks: false,
      depth: options.recursive ? undefined : 0,
      ignored: isIgnoredEntry,
      ignorePermissionErrors: true,
      ...(usePolling ? { backend: 'polling' as const, pollingInterval: pollFallbackMs, pollingBinaryInterval: pollFallbackMs } : {}),
    });
    watcher = current;
    const onFileEvent = (path: string) => {
      if (watcher !== current || isIgnoredFile(relative(root, path), extensions)) return;
      const check = consider(path, !initialScanDone);
      if (!initialScanDone) initialChecks.push(check);
    };
    current.on('add', onFileEvent);
    current.on('change', onFileEvent);
    current.on('unlink', (path) => forgetPath(path));
    current.on('unlinkDir', (path) => {
      if (watcher !== current) return;
      if (resolve(path) === root) fail(HotFolderError.folderMissing(root), { folderGone: true });
      else forgetFolder(path);
    });
    current.on('error', (error) => {
      if (watcher === current) fail(HotFolderError.watchFailed(root, error), { folderGone: false });
    });
    await new Promise<void>((resolveReady) => {
      current.once('ready', resolveReady);
      // A watcher that failed before its initial scan ended never becomes ready.
      abandonStart = resolveReady;
    });
    abandonStart = undefined;
    initialScanDone = true;
    if (watcher === current) outageReported = false;
    await Promise.all(initialChecks);
  }

  const ready = start();

  return {
    ready,
    async close() {
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      for (const path of [...candidates.keys()]) forgetCandidate(path);
      const current = watcher;
      watcher = undefined;
      abandonStart?.();
      await current?.close();
    },
  };
}

function signatureOf(size: number, mtimeMs: number): string {
  return `${size}:${mtimeMs}`;
}
