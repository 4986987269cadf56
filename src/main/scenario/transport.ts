import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * One HTTP exchange over Node's own http/https modules, with kept-alive sockets. Not fetch: for
 * the small JSON requests the pipeline makes several times per file, fetch's web streams cost
 * about twice the CPU of the whole exchange here.
 */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
  /**
   * A new connection instead of a kept-alive one: a socket the server closed while idle fails a
   * request without it ever arriving, which for a generate POST would look like a lost answer.
   */
  freshConnection?: boolean;
}

export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The body's chunks: read it to its end, or discard() it. */
  body: AsyncIterable<Buffer>;
  discard(): void;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * Sends `request` and resolves with the answer's status and headers once they arrive. A GET
 * follows redirects (dropping Authorization when the origin changes); other methods never
 * do, so a POST is never sent twice. Rejects with Node's system error (ECONNREFUSED,
 * ECONNRESET, ...) or an AbortError when the signal fires.
 */
export async function exchange(url: URL | string, request: TransportRequest): Promise<TransportResponse> {
  exchangesOpen += 1;
  let response: IncomingMessage;
  try {
    response = await exchangeFollowingRedirects(url, request);
  } catch (error) {
    exchangesOpen -= 1;
    throw error;
  }
  // Open until its body has been read or dropped.
  response.once('close', () => (exchangesOpen -= 1));
  return wrap(response);
}

let exchangesOpen = 0;

/** Exchanges sent whose answer has not been read to its end (the seeded simulation lets real time pass while any is). */
export function exchangesInFlight(): number {
  return exchangesOpen;
}

async function exchangeFollowingRedirects(url: URL | string, request: TransportRequest): Promise<IncomingMessage> {
  let target = typeof url === 'string' ? new URL(url) : url;
  let headers = request.headers;
  for (let redirects = 0; ; redirects += 1) {
    const response = await sendOnce(target, headers, request);
    const location = response.headers.location;
    if (request.method !== 'GET' || redirects >= MAX_REDIRECTS || !REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined) {
      return response;
    }
    response.resume();
    const next = new URL(location, target);
    if (next.origin !== target.origin) headers = withoutAuthorization(headers);
    target = next;
  }
}

/** The whole body as UTF-8 text. */
export async function readText(response: TransportResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function sendOnce(url: URL, headers: Record<string, string>, request: TransportRequest): Promise<IncomingMessage> {
  const protocol = url.protocol === 'https:' ? https : http;
  const agent = request.freshConnection === true ? false : agents[url.protocol === 'https:' ? 'https:' : 'http:'];
  const body = request.body;
  const allHeaders = body === undefined ? headers : { ...headers, 'Content-Length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) };
  return new Promise((resolve, reject) => {
    const outgoing = protocol.request(url, { method: request.method, headers: allHeaders, agent, signal: request.signal }, resolve);
    // on, not once: a socket can report more than one error, and an unheard one would crash the process.
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function wrap(response: IncomingMessage): TransportResponse {
  return {
    status: response.statusCode ?? 0,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: response,
    discard: () => response.resume(),
  };
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}
