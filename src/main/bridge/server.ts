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
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { IPC_ERROR_CODES } from '../../shared/ipc/errors';
import { createDispatcher } from '../../shared/ipc/server';
import {
  BRIDGE_SOCKET_PATH,
  BRIDGE_TOKEN_PARAM,
  bridgeClientMessageSchema,
  type BridgeServerMessage,
} from '../../shared/ipc/websocket-transport';
import { LIBRARY_IMAGE_TYPES, RENDERER_FILE_TYPES, contentSecurityPolicy } from '../electron/policy';
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
/** recallFromPng may carry a whole PNG as base64. */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

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

function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
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
  const sockets = new Set<WebSocket>();
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
  const dispatch = createDispatcher<WebSocket>(handlers, {
    isTrustedSender: (socket) => sockets.has(socket),
    onFailure: options.onFailure,
  });

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

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const requestOrigin = request.headers.origin;
    const allowed =
      url.pathname === BRIDGE_SOCKET_PATH &&
      isAllowedHost(request) &&
      // Browsers always send Origin: only our own pages may connect. Node clients send none.
      (requestOrigin === undefined || requestOrigin === origin || requestOrigin === `http://${request.headers.host}`) &&
      sameToken(url.searchParams.get(BRIDGE_TOKEN_PARAM), token);
    if (!allowed) {
      // Destroy once written: a half-open socket leaves some clients waiting for the close.
      socket.once('finish', () => socket.destroy());
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        // Requests sent together arrive in one read, and each handler's query runs synchronously
        // up to its first await: answered in the same turn, the window's first page would wait for
        // every slower call sent with it (facets, model list). One turn per request lets each
        // reply leave as soon as its own work is done, in the order the window asked.
        setImmediate(() => void answer(ws, data.toString()));
      });
    });
  });

  async function answer(ws: WebSocket, text: string) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const message = bridgeClientMessageSchema.safeParse(json);
    if (!message.success) {
      // Answer a malformed message if it says who is waiting; without an id nobody is.
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        send(ws, { type: 'reply', id, reply: { ok: false, error: { code: IPC_ERROR_CODES.invalidInput, userMessage: 'The window sent a request the bridge cannot read.' } } });
      }
      return;
    }
    const reply = await dispatch(message.data.channel, message.data.payload, ws);
    send(ws, { type: 'reply', id: message.data.id, reply });
  }

  function send(ws: WebSocket, message: BridgeServerMessage) {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  const stopEvents = options.onEvent((event) => {
    for (const ws of sockets) send(ws, { type: 'event', name: event.name, payload: event.payload });
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
      stopEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
