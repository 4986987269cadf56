/**
 * Every security decision of the Electron host, as plain data and pure functions.
 *
 * This file must not import `electron`: the adapters (window.ts, ipc.ts, protocol.ts,
 * security.ts) only apply what is decided here, and test/electron checks these decisions from
 * the very values the adapters use. The bridge reuses the CSP builder and the image rules.
 */

/** The renderer is served from `app://renderer/`, never from file:// (which would trust every local file). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Library images are served from `library://local/<relPath>`. */
export const LIBRARY_SCHEME = 'library';
export const LIBRARY_HOST = 'local';
export const LIBRARY_URL_BASE = `${LIBRARY_SCHEME}://${LIBRARY_HOST}/`;

/**
 * Both schemes are "standard" (real origins, relative URLs work) and "secure" (like https, so
 * the page is a secure context). Neither bypasses CSP.
 */
export const PRIVILEGED_SCHEMES = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: LIBRARY_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
] as const;

// ---------------------------------------------------------------- window

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_BOUNDS: WindowBounds = { width: 1280, height: 820 };
export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const;

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // A file dropped outside our drop zones must not navigate the window to file://.
    navigateOnDragDrop: false,
    safeDialogs: true,
  } as const;
}

export function browserWindowOptions({ preloadPath, bounds }: { preloadPath: string; bounds: WindowBounds }) {
  return {
    ...bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Scenario Hot Folder',
    // Shown on 'ready-to-show' so the first paint is the app, not a white flash.
    show: false,
    backgroundColor: '#16171d',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

// ---------------------------------------------------------------- navigation and external links

export interface AppOrigins {
  /** electron-vite's dev server (ELECTRON_RENDERER_URL) while developing; null when packaged. */
  devServerUrl: string | null;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for pages of our own renderer: the app origin, or the dev server's origin in development. */
export function isAppUrl(url: string, origins: AppOrigins): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  const dev = origins.devServerUrl ? parseUrl(origins.devServerUrl) : null;
  return dev !== null && parsed.origin === dev.origin;
}

/** Hosts a link in the app may open in the user's browser (help, account, API keys). */
export const EXTERNAL_HOSTS: readonly string[] = ['scenario.com', 'www.scenario.com', 'app.scenario.com', 'docs.scenario.com', 'help.scenario.com'];

export function isAllowedExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_HOSTS.includes(parsed.hostname)
  );
}

/** `will-navigate` / `will-redirect`: the window only ever shows our own pages. */
export function navigationDecision(url: string, origins: AppOrigins): 'allow' | 'deny' {
  return isAppUrl(url, origins) ? 'allow' : 'deny';
}

/**
 * `setWindowOpenHandler`: no new Electron windows, ever. An allowed https link goes to the
 * user's browser instead; everything else is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}

/** Only our window's main frame, showing our own page, may call the engine. */
export function isTrustedSenderUrl(url: string, origins: AppOrigins): boolean {
  return isAppUrl(url, origins);
}

// ---------------------------------------------------------------- permissions

/**
 * The app needs no web permission (camera, notifications from the page, geolocation, MIDI,
 * clipboard reads...): native notifications come from the main process. Deny every request and
 * every check, whatever the permission or origin.
 */
export function isPermissionGranted(_permission: string, _requestingUrl: string): boolean {
  return false;
}

// ---------------------------------------------------------------- content security policy

export interface CspSources {
  /** Extra image sources: the library scheme in Electron, nothing more in the bridge (same origin). */
  img?: readonly string[];
  /** Extra connection targets: the bridge's WebSocket, the dev server's HMR socket. */
  connect?: readonly string[];
  /** Development only: Vite's React refresh preamble is an inline script. */
  allowInlineScripts?: boolean;
}

export function contentSecurityPolicy({ img = [], connect = [], allowInlineScripts = false }: CspSources = {}): string {
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'self'"],
    'script-src': allowInlineScripts ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    // React sets style attributes (virtualised grids position rows that way).
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...img],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...connect],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'self'", 'blob:'],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy of the packaged app: scripts from the app origin only, images also from the library. */
export const APP_CSP = contentSecurityPolicy({ img: [`${LIBRARY_SCHEME}:`] });

/** Directives a `<meta>` policy cannot carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY_DIRECTIVES = ['frame-ancestors'];

/** APP_CSP as a page's `<meta>` can declare it. */
export const APP_META_CSP = APP_CSP.split('; ')
  .filter((directive) => !HEADER_ONLY_DIRECTIVES.some((name) => directive.startsWith(`${name} `)))
  .join('; ');

const META_CSP = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*("\s*\/?>)/i;

/**
 * The renderer's index.html declares the policy the browser bridge needs (its images and its
 * WebSocket on http://127.0.0.1:* and ws://127.0.0.1:*). The desktop app serves the page with
 * its own policy in that place, so the window's page allows no loopback server at all; the bridge
 * serves the file as it is. A page without such a `<meta>` is returned unchanged (the response's
 * header still carries APP_CSP).
 */
export function withAppCsp(html: string): string {
  return html.replace(META_CSP, (_match, before: string, after: string) => `${before}${APP_META_CSP}${after}`);
}

// ---------------------------------------------------------------- files served by the protocols

/** Library files a window may load: images only, whatever else the library folder holds. */
export const LIBRARY_IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

export const RENDERER_FILE_TYPES: Readonly<Record<string, string>> = {
  ...LIBRARY_IMAGE_TYPES,
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  map: 'application/json',
};

function extensionOf(path: string): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  return match?.[1]?.toLowerCase() ?? '';
}

export function contentTypeFor(path: string, types: Readonly<Record<string, string>>): string | null {
  return types[extensionOf(path)] ?? null;
}

/**
 * `library.openFile` hands a library file to the OS's default app. For an image that is a viewer;
 * for a script, an app bundle or a shortcut it would mean running it, so only images are opened.
 */
export function isOpenableLibraryFile(absolutePath: string): boolean {
  return contentTypeFor(absolutePath, LIBRARY_IMAGE_TYPES) !== null;
}

/** Images Electron's nativeImage decodes on every platform, so they can be their own drag icon. */
const NATIVE_IMAGE_TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

/** The width of the picture under the cursor while a file is dragged out. */
export const DRAG_ICON_WIDTH = 96;

export type FileDragDecision = { allowed: false } | { allowed: true; icon: 'file' | 'app-icon' };

/**
 * `library.startDrag`: the same files as openFile leave the window (images only: whatever the
 * other app does with a dropped file, it gets a picture). The file shows itself under the cursor
 * when nativeImage can decode it, else the app's icon: macOS refuses a drag without an icon.
 */
export function fileDragDecision(absolutePath: string): FileDragDecision {
  if (!isOpenableLibraryFile(absolutePath)) return { allowed: false };
  return { allowed: true, icon: contentTypeFor(absolutePath, NATIVE_IMAGE_TYPES) === null ? 'app-icon' : 'file' };
}

/**
 * The still percent-encoded rel path of a `library://local/<relPath>` URL, or null for any other
 * URL or a non-image file. The result must still go through the library's resolveInsideLibrary,
 * which decodes it once and refuses traversal and symlinks leaving the library.
 */
export function libraryRelPathFromUrl(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== `${LIBRARY_SCHEME}:` || parsed.host !== LIBRARY_HOST) return null;
  if (parsed.search !== '' || parsed.hash !== '') return null;
  const relPath = parsed.pathname.replace(/^\//, '');
  if (relPath === '' || contentTypeFor(relPath, LIBRARY_IMAGE_TYPES) === null) return null;
  return relPath;
}

/** The still percent-encoded path of an `app://renderer/...` URL inside the renderer build, or null. */
export function rendererRelPathFromUrl(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  const relPath = parsed.pathname.replace(/^\//, '');
  return relPath === '' ? 'index.html' : relPath;
}

// ---------------------------------------------------------------- secret storage

export interface SecretBackendVerdict {
  ok: boolean;
  /** For a person, when `ok` is false: why the secret will not be stored, and what to do. */
  message: string | null;
}

/**
 * Whether the OS can protect the API secret. On Linux without a keyring Electron falls back to
 * `basic_text`, which "encrypts" with a hard-coded password: storing the secret that way would
 * only pretend to protect it, so we refuse and say how to fix it.
 */
export function secretBackendVerdict(platform: string, linuxBackend: string | null, encryptionAvailable: boolean): SecretBackendVerdict {
  if (platform === 'linux' && (linuxBackend === 'basic_text' || linuxBackend === 'unknown')) {
    return {
      ok: false,
      message:
        'No system keyring is available, so the API secret cannot be stored safely. Install and unlock a keyring (GNOME Keyring or KWallet), or pass the key through the SCENARIO_API_KEY and SCENARIO_API_SECRET environment variables.',
    };
  }
  if (!encryptionAvailable) {
    return { ok: false, message: 'The system keychain is not available right now, so the API secret cannot be stored. Unlock your keychain and try again.' };
  }
  return { ok: true, message: null };
}

/** The CSP for our pages: packaged, or under electron-vite's dev server (HMR socket, React refresh preamble). */
export function cspFor(origins: AppOrigins): string {
  if (!origins.devServerUrl) return APP_CSP;
  const dev = new URL(origins.devServerUrl);
  return contentSecurityPolicy({ img: [`${LIBRARY_SCHEME}:`], connect: [`ws://${dev.host}`], allowInlineScripts: true });
}
