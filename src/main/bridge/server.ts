/**
 * The browser bridge: the same IPC contract over a WebSocket on 127.0.0.1, plus the renderer's
 * web build and the library's images over HTTP. End-to-end tests drive the real renderer in
 * Chromium through it, and a developer can use the app in a browser.
 *
 * Who may talk to it: only someone holding the random token printed in the page URL. The page
 * load with `?token=` sets an HttpOnly cookie so the page's own assets and <img> requests carry
 * it; the socket takes the token in its URL. The Host header must name the loopback address, so
 * a foreign web page cannot reach the bridge through DNS rebinding.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { BRIDGE_TOKEN_PARAM } from '../../shared/ipc/websocket-transport';
import { LIBRARY_IMAGE_TYPES, RENDERER_FILE_TYPES, contentSecurityPolicy } from '../electron/policy';
import { sameToken, serveContractSocket } from './contract-socket';
import { resolveServableFile } from './files';

export interface BridgeOptions {
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  libraryRoot: string;
  /** The renderer's web build (out/renderer); null serves no pages, only the socket and images. */
  rendererDir: string | null;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Told about refused or failed requests, for the host's log (never with secrets). */
  onFailure?(failure: { channel: string; code: string; error: unknown }): void;
}

export interface Bridge {
  /** The page URL, token included: open it in a browser. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const COOKIE_NAME = 'scenario_bridge_token';
export const LIBRARY_URL_PATH = '/library/';
/** Where the renderer build puts its content-hashed scripts and styles. */
const RENDERER_ASSETS_PATH = '/assets/';

/**
 * What the browser may keep. The build names its assets by content hash, so a name never changes
 * meaning. A library file's path is never reused for other content (outputs are written once;
 * a thumbnail is remade only from the same output), so a reopened window shows its thumbnails
 * from the cache instead of asking for each again, six at a time over HTTP/1.1; a day bounds
 * what a thumbnail format change could leave stale. The page itself carries the token: never kept.
 */
function cachePolicy(rawPath: string): string {
  if (rawPath.startsWith(LIBRARY_URL_PATH)) return 'private, max-age=86400';
  if (rawPath.startsWith(RENDERER_ASSETS_PATH)) return 'private, max-age=31536000, immutable';
  return 'no-store';
}

function cookieToken(request: IncomingMessage): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE_NAME) return value.join('=');
  }
  return null;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(32).toString('base64url');
  let origin = '';

  const isAllowedHost = (request: IncomingMessage) => {
    const host = request.headers.host;
    return host !== undefined && new Set([new URL(origin).host, `localhost:${new URL(origin).port}`]).has(host);
  };

  // The page asks app.info for the library URL prefix: in the bridge that is this server.
  const handlers: ContractHandlers = {
    ...options.handlers,
    'app.info': async (input) => ({ ...(await options.handlers['app.info'](input)), libraryUrlBase: `${origin}${LIBRARY_URL_PATH}` }),
  };
  const server = createServer((request, response) => {
    serveHttp(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function serveHttp(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', origin);
    const queryToken = url.searchParams.get(BRIDGE_TOKEN_PARAM);
    if (!isAllowedHost(request) || !(sameToken(queryToken, token) || sameToken(cookieToken(request), token))) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Open the bridge with the link it printed: it carries the access token.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }

    const rawPath = url.pathname;
    const file = rawPath.startsWith(LIBRARY_URL_PATH)
      ? await resolveServableFile(options.libraryRoot, rawPath.slice(LIBRARY_URL_PATH.length), LIBRARY_IMAGE_TYPES)
      : options.rendererDir === null
        ? null
        : await resolveServableFile(options.rendererDir, rawPath === '/' ? 'index.html' : rawPath.slice(1), RENDERER_FILE_TYPES);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found.');
      return;
    }

    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'content-length': String(file.size),
      'x-content-type-options': 'nosniff',
      'cache-control': cachePolicy(rawPath),
      'content-security-policy': contentSecurityPolicy({ connect: [`ws://${new URL(origin).host}`] }),
      'referrer-policy': 'no-referrer',
    };
    if (sameToken(queryToken, token)) {
      headers['set-cookie'] = `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    response.writeHead(200, headers);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file.path).on('error', () => response.destroy()).pipe(response);
  }

  const contractSocket = serveContractSocket(server, {
    handlers,
    onEvent: options.onEvent,
    ...(options.onFailure === undefined ? {} : { onFailure: options.onFailure }),
    admits: (request, url) => {
      const requestOrigin = request.headers.origin;
      return (
        isAllowedHost(request) &&
        // Browsers always send Origin: only our own pages may connect. Node clients send none.
        (requestOrigin === undefined || requestOrigin === origin || requestOrigin === `http://${request.headers.host}`) &&
        sameToken(url.searchParams.get(BRIDGE_TOKEN_PARAM), token)
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${HOST}:${port}`;

  return {
    url: `${origin}/?${BRIDGE_TOKEN_PARAM}=${token}`,
    origin,
    token,
    async close() {
      contractSocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
