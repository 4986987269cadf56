/**
 * Attaching to the engine that holds a home (see local-service.ts): the client half, for the CLI's
 * commands and the desktop app started beside a headless watcher. Plain Node and light: it loads
 * neither the pipeline nor the store, so a command that attaches starts fast.
 *
 * Before trusting the socket, the client checks on Unix that it and the token file are its own
 * user's and that nobody else can use them: a socket planted by another user in a shared data
 * folder would otherwise receive our requests (and send back whatever it likes).
 */
import { lstat, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { UserFacingError } from '../../shared/errors';
import { createApi, invokeChannel, type Api } from '../../shared/ipc/client';
import { channelNames, type ChannelName, type ContractEvent, type ContractHandlers, type EventName } from '../../shared/ipc/contract';
import { eventNames } from '../../shared/ipc/contract';
import { BRIDGE_SOCKET_PATH, websocketTransport, type TransportSocket } from '../../shared/ipc/websocket-transport';
import { localEndpointOf, lockOwnerOf, type LocalEndpoint } from './home';
import { PipelineError } from '../pipeline/errors';
import { LOCAL_SERVICE_HOST } from './local-service';

/** `unavailable`: nothing serves there (yet); `refused`: something does, and it or we refused the other. */
export type AttachErrorCode = 'attach.unavailable' | 'attach.refused';

export class AttachError extends UserFacingError<AttachErrorCode> {
  override readonly name = 'AttachError';
}

export interface AttachOptions {
  /** The user the socket and the token must belong to: this process's (tests pass another). */
  uid?: number;
  /** How long the first handshake may take. */
  timeoutMs?: number;
}

export interface AttachedEngine {
  readonly home: string;
  /** The process serving the home (the lock's owner), when known. */
  readonly ownerPid: number | null;
  /** The typed contract, as a window has it. */
  readonly api: Api;
  /** Every channel forwarded to the engine: a host serves these to its own window. */
  readonly handlers: ContractHandlers;
  /** Every contract event the engine sends. */
  onEvent(listener: (event: ContractEvent) => void): () => void;
  /** Called once when the engine goes away (it stopped, or was killed). */
  onLost(listener: () => void): () => void;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 5000;

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Refuses a socket or token file that another user owns or that others may use. */
async function checkOwnership(file: string, what: string, kind: 'socket' | 'file', uid: number | undefined): Promise<void> {
  if (uid === undefined) return;
  const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new AttachError('attach.unavailable', `No engine serves ${file}.`);
    throw new AttachError('attach.refused', `Could not check ${what} ${file} (${error.code ?? 'unknown error'}).`);
  });
  if (kind === 'socket' ? !info.isSocket() : !info.isFile()) throw new AttachError('attach.refused', `${what} ${file} is not a ${kind === 'socket' ? 'socket' : 'regular file'}: not attaching to it. Remove it, then try again.`);
  if (info.uid !== uid) {
    throw new AttachError('attach.refused', `${what} ${file} belongs to another user (uid ${info.uid}): not attaching to it. Use a data folder of your own (--home), or remove it if it should not be there.`);
  }
  if ((info.mode & 0o077) !== 0) {
    throw new AttachError('attach.refused', `${what} ${file} can be used by other users (mode ${(info.mode & 0o777).toString(8)}): not attaching to it. Stop the engine that made it, remove the file, then start it again.`);
  }
}

/** Opens one WebSocket to the endpoint's socket or pipe; `ws` speaks HTTP over whatever connection it is given. */
function openLocalSocket(endpoint: LocalEndpoint): (url: URL) => WebSocket & TransportSocket {
  return (url) => new WebSocket(url, { createConnection: () => connect(endpoint.socketPath) }) as WebSocket & TransportSocket;
}

/** One handshake, to tell "nothing there" from "refused" before any request is sent. */
function handshake(open: (url: URL) => WebSocket, url: URL, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = open(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new AttachError('attach.unavailable', 'The engine did not answer in time.'));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve();
    });
    ws.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new AttachError('attach.refused', `The engine refused this client (HTTP ${response.statusCode}): its access token changed or this process is not allowed. Try again; if it keeps happening, restart the engine.`));
    });
    ws.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new AttachError('attach.unavailable', `The engine's socket did not answer (${error.code ?? error.message}).`));
    });
  });
}

/** Connects to the engine serving `home`, after checking its socket and token are this user's alone. */
export async function attachEngine(home: string, options: AttachOptions = {}): Promise<AttachedEngine> {
  const endpoint = localEndpointOf(home);
  const uid = options.uid ?? currentUid();
  if (process.platform !== 'win32') await checkOwnership(endpoint.socketPath, "The engine's socket", 'socket', uid);
  await checkOwnership(endpoint.tokenPath, "The engine's access token", 'file', uid);
  const token = (await readFile(endpoint.tokenPath, 'utf8').catch(() => '')).trim();
  if (token === '') throw new AttachError('attach.unavailable', `No engine serves ${home} (its access token is missing).`);

  const open = openLocalSocket(endpoint);
  const url = new URL(`ws://${LOCAL_SERVICE_HOST}${BRIDGE_SOCKET_PATH}`);
  const withToken = new URL(url);
  withToken.searchParams.set('token', token);
  await handshake(open, withToken, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  const lostListeners = new Set<() => void>();
  let lost = false;
  const transport = websocketTransport({
    url: url.href,
    token,
    open,
    onClose: () => {
      // An engine that went away is not waited for: its home may be taken by another one.
      transport.close();
      if (lost) return;
      lost = true;
      for (const listener of [...lostListeners]) listener();
    },
  });
  const api = createApi(transport);

  const handlers = Object.fromEntries(
    channelNames.map((channel) => [channel, (input: unknown) => invokeChannel(transport, channel as ChannelName, input as never)]),
  ) as unknown as ContractHandlers;

  return {
    home,
    ownerPid: lockOwnerOf(home),
    api,
    handlers,
    onEvent(listener) {
      const stops = eventNames.map((name: EventName) => api.on(name, (payload) => listener({ name, payload } as ContractEvent)));
      return () => {
        for (const stop of stops) stop();
      };
    },
    onLost(listener) {
      if (lost) {
        listener();
        return () => undefined;
      }
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    close() {
      lost = true;
      transport.close();
    },
  };
}

/** How long a client waits by default for the engine that holds a home to serve (it may be starting). */
export const ATTACH_WAIT_MS = 15_000;

/**
 * Attaches to the engine that holds `home`, or resolves null when none does (the caller may run
 * its own). One that holds the lock but serves nothing (repair, an older version, one still
 * starting) is waited for `waitMs`, then refused as before: the data folder is in use
 * ('home-in-use'). With `waitMs` 0 it resolves null instead (a client that can do without it).
 * A socket or token that is not safe to use is refused at once (AttachError 'attach.refused').
 */
export async function attachToHolder(home: string, waitMs = ATTACH_WAIT_MS, options: AttachOptions = {}): Promise<AttachedEngine | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const owner = lockOwnerOf(home);
    if (owner === null) return null;
    try {
      return await attachEngine(home, options);
    } catch (error) {
      if (!(error instanceof AttachError) || error.code === 'attach.refused') throw error;
      if (waitMs === 0) return null;
      if (Date.now() > deadline) {
        throw new PipelineError('home-in-use', `Another Scenario Hot Folder (process ${owner}) is working in ${home} and takes no commands from other processes (${error.userMessage}) Close it first, or use another --home.`);
      }
    }
    await sleep(100);
  }
}
