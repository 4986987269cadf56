/**
 * The app's two URL schemes. `app://renderer/` serves the renderer build (no file:// pages, so a
 * page never gains file access), `library://local/<relPath>` serves library images. Both go
 * through resolveServableFile: the library's path guard and an extension allow-list.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { resolveServableFile, type ServableFile } from '../bridge/files';
import {
  APP_CSP,
  APP_SCHEME,
  LIBRARY_IMAGE_TYPES,
  LIBRARY_SCHEME,
  PRIVILEGED_SCHEMES,
  RENDERER_FILE_TYPES,
  libraryRelPathFromUrl,
  rendererRelPathFromUrl,
  withAppCsp,
} from './policy';

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES.map(({ scheme, privileges }) => ({ scheme, privileges: { ...privileges } })));
}

async function respond(file: ServableFile | null, extraHeaders: Record<string, string> = {}): Promise<Response> {
  if (!file) return new Response('Not found.', { status: 404 });
  // The page's own <meta> policy becomes the app's too (it declares the browser bridge's).
  const body = file.contentType.startsWith('text/html') ? withAppCsp(await readFile(file.path, 'utf8')) : await readFile(file.path);
  return new Response(body, {
    headers: { 'content-type': file.contentType, 'x-content-type-options': 'nosniff', ...extraHeaders },
  });
}

export interface ProtocolRoots {
  rendererDir: string;
  /** Asked per request: the library can move when the user changes its location. */
  libraryRoot(): Promise<string>;
}

export function handleAppProtocols({ rendererDir, libraryRoot }: ProtocolRoots): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const relPath = rendererRelPathFromUrl(request.url);
    const file = relPath === null ? null : await resolveServableFile(rendererDir, relPath, RENDERER_FILE_TYPES);
    // Custom-protocol responses do not pass through session.webRequest: the CSP is set here.
    return respond(file, { 'content-security-policy': APP_CSP });
  });
  protocol.handle(LIBRARY_SCHEME, async (request) => {
    const relPath = libraryRelPathFromUrl(request.url);
    return respond(relPath === null ? null : await resolveServableFile(await libraryRoot(), relPath, LIBRARY_IMAGE_TYPES));
  });
}
