/**
 * The contract over a WebSocket: one dispatch for every request (the shared dispatcher), every
 * engine event to every connected client. The browser bridge serves it on 127.0.0.1 beside the
 * renderer's pages; the engine's local service serves it on a Unix socket or a named pipe. Who
 * may connect is the host's decision (`admits`), taken on the upgrade request.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { IPC_ERROR_CODES } from '../../shared/ipc/errors';
import { createDispatcher } from '../../shared/ipc/server';
import { BRIDGE_SOCKET_PATH, bridgeClientMessageSchema, type BridgeServerMessage } from '../../shared/ipc/websocket-transport';

export interface ContractSocketOptions {
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  /** Whether this upgrade request may connect (its token, Host, Origin, peer); `url` is its parsed URL. */
  admits(request: IncomingMessage, url: URL): boolean;
  /** Told about refused or failed requests, for the host's log (never with secrets). */
  onFailure?(failure: { channel: string; code: string; error: unknown }): void;
}

export interface ContractSocket {
  /** Disconnects every client and stops sending events; the HTTP server is the host's to close. */
  close(): void;
}

/** recallFromPng may carry a whole PNG as base64. */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/** A token compared in constant time. */
export function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function serveContractSocket(server: Server, options: ContractSocketOptions): ContractSocket {
  const sockets = new Set<WebSocket>();
  const dispatch = createDispatcher<WebSocket>(options.handlers, {
    isTrustedSender: (socket) => sockets.has(socket),
    onFailure: options.onFailure,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== BRIDGE_SOCKET_PATH || !options.admits(request, url)) {
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

  return {
    close() {
      stopEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
