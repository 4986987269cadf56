import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_CSP,
  APP_META_CSP,
  APP_ENTRY_URL,
  LIBRARY_URL_BASE,
  browserWindowOptions,
  cspFor,
  fileDragDecision,
  isAllowedExternalUrl,
  isOpenableLibraryFile,
  isPermissionGranted,
  isTrustedSenderUrl,
  libraryRelPathFromUrl,
  navigationDecision,
  rendererRelPathFromUrl,
  secretBackendVerdict,
  windowOpenDecision,
  withAppCsp,
} from '../../src/main/electron/policy';

const packaged = { devServerUrl: null };
const dev = { devServerUrl: 'http://localhost:5173' };

/** Parses a CSP header into directive → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => {
    const [name = '', ...sources] = part.trim().split(/\s+/);
    return [name, sources];
  }));
}

describe('window options', () => {
  it('isolate the page: context isolation, sandbox, no Node, web security on', () => {
    const { webPreferences } = browserWindowOptions({ preloadPath: '/app/preload/index.cjs', bounds: { width: 1000, height: 700 } });
    expect(webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('navigation', () => {
  it('allows only our own pages', () => {
    expect(navigationDecision(APP_ENTRY_URL, packaged)).toBe('allow');
    expect(navigationDecision('app://renderer/#/gallery', packaged)).toBe('allow');
    expect(navigationDecision('http://localhost:5173/index.html', dev)).toBe('allow');
    for (const url of [
      'https://evil.example/',
      'http://localhost:5173/', // the dev server is not ours once packaged
      'file:///etc/passwd',
      'app://renderer.evil.example/',
      'app://other/index.html',
      `${LIBRARY_URL_BASE}outputs/a.png`,
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(navigationDecision(url, packaged), url).toBe('deny');
    }
    expect(navigationDecision('http://localhost:5174/', dev)).toBe('deny');
  });

  it('never opens a new window; allowed https links go to the browser', () => {
    expect(windowOpenDecision('https://app.scenario.com/api-keys')).toEqual({ action: 'deny', openExternally: true });
    for (const url of ['http://app.scenario.com/', 'https://scenario.com.evil.example/', 'https://user:pw@app.scenario.com/', 'https://app.scenario.com:8443/', 'file:///tmp/x', 'app://renderer/']) {
      expect(windowOpenDecision(url), url).toEqual({ action: 'deny', openExternally: false });
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });

  it('trusts IPC only from our page URLs', () => {
    expect(isTrustedSenderUrl(APP_ENTRY_URL, packaged)).toBe(true);
    expect(isTrustedSenderUrl('https://evil.example/', packaged)).toBe(false);
    expect(isTrustedSenderUrl('about:blank', packaged)).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission to every origin', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'unknown']) {
      expect(isPermissionGranted(permission, APP_ENTRY_URL)).toBe(false);
    }
  });
});

describe('content security policy', () => {
  it('allows scripts from our origin only, and library images', () => {
    const csp = directives(APP_CSP);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toContain('library:');
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(cspFor(packaged)).toBe(APP_CSP);
  });

  it('lets the desktop window reach no loopback server: only the browser bridge needs http/ws://127.0.0.1', () => {
    for (const policy of [APP_CSP, cspFor(packaged), cspFor(dev)]) expect(policy).not.toMatch(/127\.0\.0\.1|localhost:\*|\bws:\/\/\*|\bhttp:\/\/\*/);
    // The page the app serves declares the app's policy, not the bridge's the file carries.
    const page = withAppCsp(readFileSync(path.resolve(import.meta.dirname, '../../src/renderer/index.html'), 'utf8'));
    const declared = [...page.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((match) => match[1]);
    expect(declared).toEqual([APP_META_CSP]);
    expect(page).not.toContain('127.0.0.1');
    const meta = directives(APP_META_CSP);
    expect(meta.get('connect-src')).toEqual(["'self'"]);
    expect(meta.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'library:']);
    // A <meta> cannot carry frame-ancestors; the header does.
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(directives(APP_CSP).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('opens only what the dev server needs in development', () => {
    const csp = directives(cspFor(dev));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp.get('script-src')).not.toContain('*');
  });
});

describe('protocol paths', () => {
  it('maps library URLs to still-encoded rel paths of images only', () => {
    expect(libraryRelPathFromUrl(`${LIBRARY_URL_BASE}outputs/2025/a%20b.png`)).toBe('outputs/2025/a%20b.png');
    expect(libraryRelPathFromUrl(`${LIBRARY_URL_BASE}thumbs/x.webp`)).toBe('thumbs/x.webp');
    for (const url of [
      `${LIBRARY_URL_BASE}library.sqlite`,
      `${LIBRARY_URL_BASE}`,
      `${LIBRARY_URL_BASE}outputs/a.png?x=1`,
      'library://other/outputs/a.png',
      'app://renderer/a.png',
      'library:outputs/a.png',
    ]) {
      expect(libraryRelPathFromUrl(url), url).toBeNull();
    }
    // The URL parser already folds dot segments: nothing climbing out survives as "..".
    expect(libraryRelPathFromUrl(`${LIBRARY_URL_BASE}../../etc/x.png`)).toBe('etc/x.png');
  });

  it('opens only images in the default app, never a script, bundle or shortcut', () => {
    for (const path of ['/lib/outputs/a.png', '/lib/outputs/A.JPG', '/lib/controls/b.jpeg', '/lib/c.webp', 'C:\\lib\\d.gif']) {
      expect(isOpenableLibraryFile(path), path).toBe(true);
    }
    for (const path of ['/lib/run.sh', '/lib/x.command', '/lib/App.app', '/lib/y.desktop', 'C:\\lib\\z.exe', '/lib/a.png.lnk', '/lib/library.sqlite', '/lib/png']) {
      expect(isOpenableLibraryFile(path), path).toBe(false);
    }
  });

  it('drags only images out of the window, each under its own picture when Electron can decode it', () => {
    expect(fileDragDecision('/lib/outputs/a.png')).toEqual({ allowed: true, icon: 'file' });
    expect(fileDragDecision('/lib/outputs/b.JPEG')).toEqual({ allowed: true, icon: 'file' });
    expect(fileDragDecision('/lib/outputs/c.webp')).toEqual({ allowed: true, icon: 'app-icon' });
    for (const path of ['/lib/run.sh', '/lib/history.sqlite', '/lib/a.png.lnk', 'C:\\lib\\z.exe']) {
      expect(fileDragDecision(path), path).toEqual({ allowed: false });
    }
  });

  it('maps app URLs into the renderer build', () => {
    expect(rendererRelPathFromUrl('app://renderer/')).toBe('index.html');
    expect(rendererRelPathFromUrl('app://renderer/assets/index-1.js')).toBe('assets/index-1.js');
    expect(rendererRelPathFromUrl('app://elsewhere/index.html')).toBeNull();
  });
});

describe('secret storage backend', () => {
  it('refuses Linux basic_text (a hard-coded password) and says what to do', () => {
    const verdict = secretBackendVerdict('linux', 'basic_text', true);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(/keyring/i);
    expect(secretBackendVerdict('linux', 'gnome_libsecret', true)).toEqual({ ok: true, message: null });
    expect(secretBackendVerdict('darwin', null, true).ok).toBe(true);
    expect(secretBackendVerdict('win32', null, false).ok).toBe(false);
  });
});
