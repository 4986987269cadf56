/**
 * The one app window. It applies policy.ts: secure webPreferences, only our own pages, no new
 * windows, external links only to allowed https hosts (in the user's browser).
 */
import { BrowserWindow, screen, shell } from 'electron';
import { APP_ENTRY_URL, browserWindowOptions, navigationDecision, windowOpenDecision, type AppOrigins } from './policy';
import { fitBoundsToDisplays, loadWindowBounds, saveWindowBounds } from './window-state';

export interface MainWindowOptions {
  preloadPath: string;
  /** JSON file where the bounds are remembered. */
  boundsFile: string;
  origins: AppOrigins;
}

export async function createMainWindow({ preloadPath, boundsFile, origins }: MainWindowOptions): Promise<BrowserWindow> {
  const saved = await loadWindowBounds(boundsFile);
  const bounds = fitBoundsToDisplays(saved, screen.getAllDisplays().map((display) => display.workArea));
  const window = new BrowserWindow(browserWindowOptions({ preloadPath, bounds }));
  const contents = window.webContents;

  const refuseForeign = (event: { url: string; preventDefault(): void }) => {
    if (navigationDecision(event.url, origins) === 'deny') event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });

  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    void saveWindowBounds(boundsFile, window.getNormalBounds()).catch(() => undefined);
  });

  await window.loadURL(origins.devServerUrl ?? APP_ENTRY_URL);
  return window;
}
