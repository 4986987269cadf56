/**
 * The Electron host: app lifecycle around one engine, one window, a tray and the IPC contract.
 *
 * Where the engine runs: in this main process, not in a utilityProcess. Its work is I/O (HTTP
 * polling, file copies, atomic writes) on Node's event loop, thumbnails run on sharp's own
 * threads, and SQLite queries are indexed and paged (at most 500 rows), so none of it holds the
 * loop for long. In-process, the credentials decrypted by safeStorage (main-process only) never
 * cross another process boundary, native modules are loaded once, and there is one process to
 * package and debug. Because every call already goes through the contract's dispatcher, moving
 * the engine into a utilityProcess later only means carrying the same `Reply` envelopes over a
 * MessagePort, if a slow query ever shows up in the window's responsiveness.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, session, type BrowserWindow } from 'electron';
import { connectionFor, type ScenarioConnection } from '../engine/connection';
import { openWindowEngine } from '../engine/window-engine';
import type { ApiCredentials } from '../engine/api-credentials';
import type { ContractEvent } from '../../shared/ipc/contract';
import { bindIpc } from './ipc';
import { installMenu } from './menu';
import { notifyGenerations } from './notifications';
import { LIBRARY_URL_BASE, type AppOrigins } from './policy';
import { handleAppProtocols, registerPrivilegedSchemes } from './protocol';
import { createSafeStorageCredentials } from './secrets';
import { applySessionSecurity } from './security';
import { createDesktopShell } from './shell';
import { createTray } from './tray';
import { createMainWindow } from './window';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const PRELOAD_PATH = here('../preload/index.cjs');
const RENDERER_DIR = here('../renderer');
const TRAY_ICON = app.isPackaged ? join(process.resourcesPath, 'icon.png') : here('../../build/icon.png');

registerPrivilegedSchemes();

if (!app.requestSingleInstanceLock()) {
  // Two instances would watch the same folders and write the same database.
  app.quit();
} else {
  void app.whenReady().then(start).catch((error: unknown) => {
    console.error('Scenario Hot Folder could not start:', error instanceof Error ? error.message : 'unknown error');
    app.exit(1);
  });
}

/**
 * Without stored credentials the app uses the built-in simulator, so a new user can try
 * everything; its results are labelled as simulated. The same rule applies at start and after
 * the key is saved or forgotten in Settings.
 */
const desktopConnection = (credentials: ApiCredentials | null): ScenarioConnection => connectionFor(credentials) ?? { simulator: true };

async function start(): Promise<void> {
  const dataFolder = app.getPath('userData');
  const origins: AppOrigins = { devServerUrl: app.isPackaged ? null : (process.env['ELECTRON_RENDERER_URL'] ?? null) };
  applySessionSecurity(session.defaultSession, origins);

  // Things only the desktop can do come in as host adapters: the keychain, the OS shell (with
  // file drags out of the window), and image URLs on our own protocol.
  let window: BrowserWindow | null = null;
  const credentials = createSafeStorageCredentials(join(dataFolder, 'credentials.bin'));
  // The history and library live where the CLI keeps them (SCENARIO_HOTFOLDER_HOME, else the
  // OS app-data folder), so the app and `scenario-hotfolder` share one library; the engine's home
  // lock keeps them from running two pipelines on it at once: while a headless watcher holds it,
  // the window works on that watcher's engine instead (it says so). Window bounds and the
  // encrypted key stay in Electron's own userData folder.
  const engine = await openWindowEngine({
    scenario: desktopConnection(await credentials.load()),
    // On a real Scenario the team's history comes in by itself (never from the simulator).
    teamSync: true,
    host: {
      credentials,
      connectionFor: desktopConnection,
      shell: createDesktopShell({ window: () => window, appIconPath: TRAY_ICON }),
      info: { version: app.getVersion(), platform: process.platform, libraryUrlBase: LIBRARY_URL_BASE, usingSimulator: false, nativeFileDrag: true },
    },
  });
  const { handlers } = engine;
  // The watcher it was attached to stopped: started again, the app takes the library itself.
  engine.onLost(() => {
    app.relaunch();
    app.exit(0);
  });

  handleAppProtocols({
    rendererDir: RENDERER_DIR,
    libraryRoot: async () => (await handlers['settings.get']()).libraryLocation,
  });

  const ipc = bindIpc(handlers, engine.onEvent, origins, ({ channel, code }) => console.warn(`IPC ${channel} failed: ${code}`));

  const showWindow = async () => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    window = await createMainWindow({ preloadPath: PRELOAD_PATH, boundsFile: join(dataFolder, 'window-bounds.json'), origins });
    ipc.attach(window);
  };

  const queue = {
    pauseAll: () => void handlers['queue.pauseAll']().catch(() => undefined),
    resumeAll: () => void handlers['queue.resumeAll']().catch(() => undefined),
  };
  installMenu(queue, { isMac: process.platform === 'darwin', isDev: !app.isPackaged });
  const tray = createTray(TRAY_ICON, { ...queue, showWindow: () => void showWindow(), quit: () => app.quit() });
  const stopTray = engine.onEvent((event: ContractEvent) => {
    if (event.name === 'queue.changed') tray.update(event.payload);
  });
  void handlers['queue.status']().then(tray.update, () => undefined);
  const stopNotifications = notifyGenerations(engine.onEvent, () => void showWindow());

  app.on('second-instance', () => void showWindow());
  app.on('activate', () => void showWindow());
  // Closing the window keeps the hot folders running from the tray; Quit ends the app.
  app.on('window-all-closed', () => undefined);

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    stopTray();
    stopNotifications();
    ipc.dispose();
    tray.destroy();
    // Every state is committed before its side effect, so closing is safe at any point.
    void engine.close().finally(() => app.exit(0));
  });

  await showWindow();
}
