/**
 * Where the window finds the engine. In Electron the preload exposes `window.api`; in a plain
 * browser (the bridge used by end-to-end tests and `npm run dev` in a browser) there is no
 * preload, so the window builds the same typed client over a WebSocket to the page's own host,
 * authenticated by the `token` query parameter the bridge printed.
 */
import { createApi, type Api } from '../shared/ipc/client';
import type {} from '../shared/ipc/window-api';
import { BRIDGE_SOCKET_PATH, BRIDGE_TOKEN_PARAM, websocketTransport } from '../shared/ipc/websocket-transport';

export class EngineUnreachableError extends Error {
  readonly code = 'renderer.engine-unreachable';
  readonly userMessage =
    'This window cannot reach the app engine. Open it from the app, or from the link the bridge printed (it carries a token).';

  constructor() {
    super('No window.api and no bridge token in the address.');
    this.name = 'EngineUnreachableError';
  }
}

export function resolveApi(location: Location = window.location): Api {
  if (window.api) return window.api;
  const token = new URLSearchParams(location.search).get(BRIDGE_TOKEN_PARAM);
  if (!token) throw new EngineUnreachableError();
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createApi(websocketTransport({ url: `${protocol}//${location.host}${BRIDGE_SOCKET_PATH}`, token }));
}
