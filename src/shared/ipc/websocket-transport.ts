/**
 * The browser side of the bridge: an `IpcTransport` over the page's WebSocket, so a window served
 * by the bridge builds exactly the same `window.api` as the Electron preload does.
 * Uses only the browser's WebSocket (also global in Node 22), never Node modules.
 */
import { z } from 'zod';
import type { IpcTransport } from './client';

/** Messages on the bridge socket (JSON text frames). */
export const bridgeClientMessageSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  // JSON drops `payload: undefined` (channels that take no input).
  payload: z.unknown().optional(),
});
export type BridgeClientMessage = z.infer<typeof bridgeClientMessageSchema>;

export const bridgeServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: z.number().int().nonnegative(), reply: z.unknown() }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown().optional() }),
]);
export type BridgeServerMessage = z.infer<typeof bridgeServerMessageSchema>;

export const BRIDGE_SOCKET_PATH = '/ws';
export const BRIDGE_TOKEN_PARAM = 'token';

/** What the transport needs of a socket: the browser's WebSocket has it, and so has Node's `ws`. */
export interface TransportSocket {
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void, options?: { once?: boolean }): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  send(text: string): void;
  close(): void;
}

export interface WebSocketTransportOptions {
  /** ws:// URL of the bridge socket, without the token. */
  url: string;
  token: string;
  /** Delay before reconnecting after the socket closes while listeners remain (ms). */
  reconnectDelayMs?: number;
  /**
   * Opens the socket (default: the global WebSocket). A Node client reaching the engine's local
   * socket (a Unix socket or a named pipe) passes one that connects there.
   */
  open?: (url: URL) => TransportSocket;
  /** Told when the socket closes without close() (the engine went away); calling close() in it stops reconnecting. */
  onClose?: () => void;
}

export interface ClosableTransport extends IpcTransport {
  close(): void;
}

type Pending = { resolve(reply: unknown): void; reject(error: Error): void };

const openBrowserSocket = (url: URL): TransportSocket => new WebSocket(url);

export function websocketTransport({ url, token, reconnectDelayMs = 1000, open = openBrowserSocket, onClose }: WebSocketTransportOptions): ClosableTransport {
  const socketUrl = new URL(url);
  socketUrl.searchParams.set(BRIDGE_TOKEN_PARAM, token);

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let socket: TransportSocket | null = null;
  let opened: Promise<TransportSocket> | null = null;
  let closedByUs = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const hasListeners = () => [...listeners.values()].some((set) => set.size > 0);

  function connect(): Promise<TransportSocket> {
    if (opened) return opened;
    opened = new Promise<TransportSocket>((resolve, reject) => {
      const ws = open(socketUrl);
      socket = ws;
      ws.addEventListener('open', () => resolve(ws), { once: true });
      ws.addEventListener('message', (event) => receive(event.data));
      // Some clients report a refused handshake with 'error' and never 'close': treat both alike.
      const closed = () => {
        reject(new Error('The bridge socket closed.'));
        onClosed(ws);
      };
      ws.addEventListener('error', closed);
      ws.addEventListener('close', closed);
    });
    // The rejection is delivered to whoever awaits `opened`; nobody may be waiting yet.
    opened.catch(() => undefined);
    return opened;
  }

  function onClosed(ws: TransportSocket) {
    if (socket !== ws) return;
    socket = null;
    opened = null;
    for (const request of pending.values()) request.reject(new Error('The bridge socket closed before the reply.'));
    pending.clear();
    if (!closedByUs) onClose?.();
    if (!closedByUs && hasListeners() && reconnectTimer === null) {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        if (!closedByUs && hasListeners()) void connect().catch(() => undefined);
      }, reconnectDelayMs);
    }
  }

  function receive(data: unknown) {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const message = bridgeServerMessageSchema.safeParse(json);
    if (!message.success) return;
    if (message.data.type === 'reply') {
      const request = pending.get(message.data.id);
      pending.delete(message.data.id);
      request?.resolve(message.data.reply);
    } else {
      for (const listener of listeners.get(message.data.name) ?? []) listener(message.data.payload);
    }
  }

  return {
    async invoke(channel, payload) {
      closedByUs = false;
      const ws = await connect();
      const id = nextId++;
      const message: BridgeClientMessage = { type: 'invoke', id, channel, payload };
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify(message));
      });
    },
    subscribe(event, listener) {
      closedByUs = false;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      // Events flow only while a socket is open: listening is a reason to connect.
      void connect().catch(() => undefined);
      return () => {
        set.delete(listener);
      };
    },
    close() {
      closedByUs = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      socket?.close();
    },
  };
}
