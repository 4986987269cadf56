/**
 * The real browser and the real page for the end-to-end tests and the window benchmark: Debian's
 * Chromium driven by playwright-core, and the renderer's web build kept fresh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'out/renderer');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

/** A setup problem the person running the tests must fix (the test says exactly what to do). */
export class E2eSetupError extends Error {
  override readonly name = 'E2eSetupError';

  constructor(
    readonly code: 'chromium-missing' | 'renderer-build-failed',
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** CHROMIUM_PATH, else Debian's Chromium; never a silent skip when neither is there. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM;
  if (!existsSync(wanted)) {
    throw new E2eSetupError(
      'chromium-missing',
      `Chromium is not installed at ${wanted}. Install it (Debian/Ubuntu: \`sudo apt-get install chromium\`) or set CHROMIUM_PATH to a Chromium binary; \`npx playwright install\` is not used by this project.`,
    );
  }
  return wanted;
}

/** Headless, quiet (no update checks, sync or QUIC probes that would add noise to timings). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** What the renderer's web build is made from: a change to any of these makes out/renderer stale. */
const RENDERER_SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts'].map((entry) => path.join(REPO_ROOT, entry));

function newestMtime(entry: string): number {
  const info = statSync(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), info.mtimeMs);
}

function builtIsFresh(): boolean {
  const index = path.join(RENDERER_DIR, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= Math.max(...RENDERER_SOURCES.map(newestMtime));
}

const BUILD_LOCK = path.join(ARTIFACTS_DIR, '.renderer-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Makes sure out/renderer matches the sources, building only the renderer when it does not
 * (`npm test` already ran the full build; `npx vitest run test/e2e` may not have). Test files run
 * in parallel forks, so one builds while the others wait on a lock directory.
 */
export async function ensureRendererBuild(): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  while (!builtIsFresh()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) rmdirSync(BUILD_LOCK);
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (builtIsFresh()) break;
      // In a child process: vite sets NODE_ENV and loads plugins, none of which belongs in a test worker.
      const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'test/e2e/build-renderer.ts')], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 180_000,
      });
      if (result.status !== 0) {
        throw new E2eSetupError('renderer-build-failed', `Building the renderer failed; run \`npx tsx test/e2e/build-renderer.ts\` to see why.\n${result.stderr || result.stdout}`);
      }
    } finally {
      rmdirSync(BUILD_LOCK);
    }
  }
  return RENDERER_DIR;
}
