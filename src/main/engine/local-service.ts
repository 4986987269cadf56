/**
 * The engine as a local service: the process that holds a home's lock (the app, `watch`, `demo`,
 * a running `generate`) serves the IPC contract to the other processes of the same person, so
 * they attach to it instead of being refused (see attach.ts). The transport is the browser
 * bridge's (the contract over a WebSocket, one dispatcher), on a Unix domain socket inside the
 * home (a named pipe on Windows) instead of a TCP port.
 *
 * Who may connect, each check on its own:
 * - the socket file is the owner's, mode 0600: the kernel lets no other user connect to it
 *   (root aside). Node does not tell a server its peer's uid (SO_PEERCRED), so the file's owner
 *   and mode stand for it, and the client checks them before trusting the socket (attach.ts);
 * - the access token, new at every start, is in a file only the owner can read (0600), and every
 *   connection must carry it;
 * - the Host must be `localhost` and no Origin may be sent, as the bridge checks: a web page (it
 *   always sends an Origin) or a connection relayed from another machine (which names that
 *   machine) is refused, and so is a peer with a network address other than the loopback.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, readFile, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { UserFacingError } from '../../shared/errors';
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { BRIDGE_TOKEN_PARAM } from '../../shared/ipc/websocket-transport';
import { sameToken, serveContractSocket } from '../bridge/contract-socket';
import { OWNER_ONLY, writeFileAtomic } from '../library/atomic';
import { localEndpointOf, type LocalEndpoint } from './home';

/** The Host our clients send: the socket has no host name of its own. */
export const LOCAL_SERVICE_HOST = 'localhost';

/** Unix sockets' paths are limited (108 bytes on Linux, 104 on macOS, with the final NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

export interface LocalServiceOptions {
  home: string;
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  onFailure?(failure: { channel: string; code: string; error: unknown }): void;
}

export interface LocalService {
  endpoint: LocalEndpoint;
  close(): Promise<void>;
}

/** The engine cannot serve on this home (its path too long for a socket, the socket not creatable). */
export class LocalServiceError extends UserFacingError<'local-service.unavailable'> {
  override readonly name = 'LocalServiceError';
}

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The checks every connection passes besides its token. */
export function isLocalRequest(request: IncomingMessage): boolean {
  const peer = request.socket.remoteAddress;
  return request.headers.host === LOCAL_SERVICE_HOST && request.headers.origin === undefined && (peer === undefined || isLoopback(peer));
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  const info = await lstat(socketPath).catch(() => null);
  if (info === null) return;
  // This process holds the home's lock: a socket left there belongs to an engine that died.
  if (!info.isSocket()) throw new LocalServiceError('local-service.unavailable', `${socketPath} is in the way of the engine's socket and is not one. Move it away, then start again.`);
  await unlink(socketPath);
}

export async function serveLocally(options: LocalServiceOptions): Promise<LocalService> {
  const endpoint = localEndpointOf(options.home);
  const unix = process.platform !== 'win32';
  if (unix && Buffer.byteLength(endpoint.socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new LocalServiceError('local-service.unavailable', `The data folder's path is too long for the engine's socket (${endpoint.socketPath}), so other commands cannot attach to this one: use a shorter --home.`);
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(endpoint.tokenPath, new TextEncoder().encode(token), { mode: OWNER_ONLY });

  const server = createServer((_request, response) => {
    response.writeHead(404);
    response.end();
  });
  const contractSocket = serveContractSocket(server, {
    handlers: options.handlers,
    onEvent: options.onEvent,
    ...(options.onFailure === undefined ? {} : { onFailure: options.onFailure }),
    admits: (request, url) => isLocalRequest(request) && sameToken(url.searchParams.get(BRIDGE_TOKEN_PARAM), token),
  });

  try {
    if (unix) await removeStaleSocket(endpoint.socketPath);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Created owner-only: between bind and a chmod another user could connect.
      const umask = unix ? process.umask(0o177) : 0;
      try {
        server.listen(endpoint.socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        if (unix) process.umask(umask);
      }
    });
    if (unix) await chmod(endpoint.socketPath, OWNER_ONLY);
  } catch (error) {
    contractSocket.close();
    server.close();
    await removeOwnToken(endpoint.tokenPath, token);
    if (error instanceof LocalServiceError) throw error;
    throw new LocalServiceError('local-service.unavailable', `The engine could not open its socket ${endpoint.socketPath} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}), so other commands cannot attach to it.`);
  }

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    close() {
      closed ??= (async () => {
        contractSocket.close();
        server.closeAllConnections();
        // Node removes a Unix socket's file when its server closes.
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await removeOwnToken(endpoint.tokenPath, token);
      })();
      return closed;
    },
  };
}

/** Removes the token file unless a newer engine (after this one lost the lock) wrote its own. */
async function removeOwnToken(tokenPath: string, token: string): Promise<void> {
  const current = await readFile(tokenPath, 'utf8').catch(() => null);
  if (current === token) await unlink(tokenPath).catch(() => undefined);
}
