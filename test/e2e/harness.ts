/**
 * One app under test: a temp home, the web host (engine + in-process simulator + bridge serving
 * the renderer's web build), a fresh Chromium context on its page, and a Node-side client over
 * the same bridge for arranging state and reading it back.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startWebHost, type WebHost } from '../../src/main/engine/host';
import { createApi, type Api } from '../../src/shared/ipc/client';
import { BRIDGE_SOCKET_PATH, BRIDGE_TOKEN_PARAM, websocketTransport } from '../../src/shared/ipc/websocket-transport';
import { ARTIFACTS_DIR, REPO_ROOT, ensureRendererBuild } from './chromium';

export const CONTROL_IMAGES = path.resolve(REPO_ROOT, '../shared/control-images');
export const SCREENS_DIR = path.join(ARTIFACTS_DIR, 'screens');

export interface AppUnderTest {
  host: WebHost;
  home: string;
  /** An empty folder outside the home, to bind as a watched folder. */
  dropFolder: string;
  /** The same contract the page uses, from Node: for arranging state and checking the engine's answer. */
  api: Api;
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page: a test ends by expecting none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenAppOptions {
  /** Time a simulated job takes; short keeps tests fast, long leaves time to watch progress. */
  latencyMs?: number;
  /** Skip the first-run dialog (marks it done in the page's storage before the app loads). */
  skipFirstRun?: boolean;
}

export async function openApp(browser: Browser, { latencyMs = 300, skipFirstRun = true }: OpenAppOptions = {}): Promise<AppUnderTest> {
  const rendererDir = await ensureRendererBuild();
  const home = mkdtempSync(path.join(tmpdir(), 'e2e-home-'));
  const dropFolder = mkdtempSync(path.join(tmpdir(), 'e2e-drop-'));
  const removeTemp = () => [home, dropFolder].forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  let host: WebHost | undefined;
  let context: BrowserContext | undefined;
  try {
    host = await startWebHost({ home, simulator: { latencyMs }, rendererDir });
    const bridge = connectApi(host.url);

    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    if (skipFirstRun) await context.addInitScript(() => localStorage.setItem('scenario-hotfolder.first-run-done', 'yes'));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 20_000 }).catch((error: unknown) => {
      // Say why: a crash in the renderer shows up as a page error, not as a missing element.
      throw new Error(`The app never showed its main navigation in Chromium. Page errors: ${pageErrors.join(' | ') || 'none'}`, { cause: error });
    });

    const openedHost = host;
    const openedContext = context;
    return {
      host,
      home,
      dropFolder,
      api: bridge.api,
      context,
      page,
      pageErrors,
      async close() {
        await openedContext.close();
        bridge.close();
        await openedHost.close();
        removeTemp();
      },
    };
  } catch (error) {
    await context?.close();
    await host?.close();
    removeTemp();
    throw error;
  }
}

/** A client of the contract from Node, over the bridge the page uses (token from the page URL). */
export function connectApi(pageUrl: string): { api: Api; close(): void } {
  const url = new URL(pageUrl);
  const transport = websocketTransport({ url: `ws://${url.host}${BRIDGE_SOCKET_PATH}`, token: url.searchParams.get(BRIDGE_TOKEN_PARAM) ?? '' });
  return { api: createApi(transport), close: () => transport.close() };
}

/** Saves the page as test-artifacts/screens/<name>.png for a person to look at. */
export async function saveScreen(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs` saying what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
