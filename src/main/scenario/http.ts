import { systemClock } from '../../shared/clock';
import type { Clock } from '../../shared/clock';
import type { Redact, SubmissionTrace } from './errors.js';
import type { TransportResponse } from './transport.js';
import { exchange, readText } from './transport.js';
import {
  ScenarioError,
  abortedError,
  describeCause,
  errorForStatus,
  makeRedactor,
  readServerMessage,
  systemErrorCode,
} from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A server asking for a longer pause than this is not waited on here: the error (with its
   * `retryAfterMs`) goes to the caller, whose queue can pause without holding a request open.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** Failures that another attempt may cure. Everything else is a definite answer. */
export function isTransient(error: ScenarioError): boolean {
  return error.code === 'network' || error.code === 'timeout' || error.code === 'server' || error.code === 'rate-limited';
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": at least half the step so retries stay spaced, the rest random so many
  // clients (or many queued requests) do not retry in step.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The signal of one operation: the caller's signal, or the operation's own timer, aborts it. */
export interface AbortScope {
  readonly signal: AbortSignal;
  /** True once the scope's own timer fired. */
  readonly timedOut: boolean;
  /** Starts the timer over (a stall timer that progress resets). */
  restartTimer(): void;
  /** Stops the timer and detaches from the caller's signal: call it once the operation settled. */
  release(): void;
}

/**
 * A signal that follows `source` and, when `timeoutMs` is given, aborts after that long. Not
 * AbortSignal.any/timeout: Node keeps every signal combined with a long-lived one (the
 * pipeline's closing signal lives as long as the engine) and each new combination then costs
 * more, up to a millisecond per request after some thousands; this one detaches on release.
 */
export function abortScope(source: AbortSignal | undefined, timeoutMs?: number): AbortScope {
  const controller = new AbortController();
  let timedOut = false;
  const follow = () => controller.abort(source?.reason);
  if (source?.aborted) follow();
  else source?.addEventListener('abort', follow, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
        }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    restartTimer: () => timer?.refresh(),
    release() {
      clearTimeout(timer);
      source?.removeEventListener('abort', follow);
    },
  };
}

/** Waits, or throws the 'aborted' error as soon as `signal` fires. */
export async function pause(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (error) {
    if (signal?.aborted) throw abortedError();
    throw error;
  }
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the attempts run out. A server's own wait
 * (Retry-After, remainingSeconds) replaces the backoff step.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T>,
  options: { signal?: AbortSignal; shouldRetry?: (error: ScenarioError) => boolean; clock?: Clock } = {},
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransient;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    if (options.signal?.aborted) throw abortedError();
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof ScenarioError) || error.code === 'aborted') throw error;
      if (attemptNumber >= policy.maxAttempts || !shouldRetry(error)) throw error;
      const delay = error.retryAfterMs ?? backoffMs(policy, attemptNumber);
      if (delay > policy.maxRetryAfterMs) throw error;
      await pause(delay, options.signal, options.clock);
    }
  }
}

/** Retry-After (seconds or an HTTP date) or the body's `remainingSeconds` (cooldown 429s). */
export function readRetryAfterMs(headers: Pick<Headers, 'get'>, body: unknown): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null && header.trim() !== '') {
    const seconds = secondsOf(header);
    if (seconds !== undefined) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  // Cooldown 429s say it at the top level or inside `details`.
  for (const holder of [body, (body as { details?: unknown } | undefined)?.details]) {
    if (typeof holder !== 'object' || holder === null || !('remainingSeconds' in holder)) continue;
    const remaining = secondsOf(holder.remainingSeconds);
    if (remaining !== undefined) return remaining * 1000;
  }
  return undefined;
}

/** A count of seconds as a number or a numeric string; null, '', booleans and the like are no answer (Number() would read them as 0 or 1). */
function secondsOf(value: unknown): number | undefined {
  if (typeof value !== 'number' && (typeof value !== 'string' || value.trim() === '')) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

// These mean the connection was never made, so the request cannot have reached Scenario.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path under the base URL, starting with '/'. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent byte for byte as given. */
  body?: string;
  /** Names the operation in messages: "the job job_123", "the generation request". */
  what: string;
  signal?: AbortSignal;
  /**
   * Present for requests that create something costly (generate): they are never retried, and a
   * lost answer becomes 'outcome-unknown' carrying this trace so the caller can reconcile.
   */
  submission?: SubmissionTrace;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface HttpConfig {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  userAgent: string;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  clock?: Clock;
}

/** Scenario's API: authentication, timeouts, error mapping and retries. */
export class ScenarioHttp {
  // A private field: util.inspect and JSON.stringify of this object never show it.
  readonly #authorization: string;
  readonly redact: Redact;
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly userAgent: string;
  /** Paces polls (the seeded simulation gives a virtual one). */
  readonly clock: Clock;
  readonly #baseUrl: string;

  constructor(config: HttpConfig) {
    this.#authorization = `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString('base64')}`;
    this.redact = makeRedactor(config.apiKey, config.apiSecret);
    this.retry = config.retry;
    this.requestTimeoutMs = config.requestTimeoutMs;
    this.userAgent = config.userAgent;
    this.clock = config.clock ?? systemClock;
    this.#baseUrl = config.baseUrl.replace(/\/+$/, '');
    // A mistyped address in Settings should say so, not look like a network outage later.
    if (!URL.canParse(this.#baseUrl) || !/^https?:$/.test(new URL(this.#baseUrl).protocol)) {
      throw new ScenarioError('invalid-request', `The Scenario API address "${this.redact(config.baseUrl)}" is not a valid http(s) URL. Fix it in Settings (normally https://api.cloud.scenario.com/v1).`);
    }
  }

  /** Sends `request`, retrying transient failures unless it is a costly submission. Throws ScenarioError for non-2xx. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    if (request.submission !== undefined) return this.sendOnce(request);
    return withRetry(this.retry, () => this.sendOnce(request), { signal: request.signal, clock: this.clock });
  }

  private url(request: ApiRequest): URL {
    const url = new URL(this.#baseUrl + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  private async sendOnce(request: ApiRequest): Promise<ApiResponse> {
    if (request.signal?.aborted) throw abortedError();
    const headers: Record<string, string> = {
      Authorization: this.#authorization,
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';

    let response: TransportResponse;
    let text: string;
    const scope = abortScope(request.signal, this.requestTimeoutMs);
    try {
      response = await exchange(this.url(request), {
        method: request.method,
        headers,
        body: request.body,
        signal: scope.signal,
        freshConnection: request.submission !== undefined,
      });
      text = await readText(response);
    } catch (error) {
      throw this.lostResponse(error, request, scope.timedOut);
    } finally {
      scope.release();
    }
    const { status } = response;

    const body = parseJsonLoosely(text);
    if (status >= 200 && status < 300) {
      if (body === undefined && text.trim() !== '') {
        throw new ScenarioError('bad-response', `Scenario's answer to ${request.what} was not JSON. Try again; update the app if it persists.`, { status });
      }
      return { status, body };
    }
    const serverMessage = serverMessageOf(body, text);
    throw errorForStatus(status, {
      what: request.what,
      serverMessage: serverMessage === undefined ? undefined : this.redact(serverMessage),
      retryAfterMs: readRetryAfterMs(response.headers, body),
    });
  }

  /** The request failed without an HTTP answer: aborted, timed out, or the connection broke. */
  private lostResponse(error: unknown, request: ApiRequest, timedOut: boolean): ScenarioError {
    const cause = describeCause(error, this.redact);
    const systemCode = systemErrorCode(error);
    const neverSent = systemCode !== undefined && NOT_SENT_CODES.has(systemCode);
    if (request.submission !== undefined && !neverSent) {
      return new ScenarioError(
        'outcome-unknown',
        `The answer to ${request.what} was lost (${request.signal?.aborted ? 'cancelled' : timedOut ? 'timed out' : 'connection broken'}): Scenario may or may not have started the job. The app will look for it in Scenario's job list before sending it again.`,
        { cause, submission: request.submission },
      );
    }
    if (request.signal?.aborted) return abortedError();
    if (timedOut) {
      return new ScenarioError('timeout', `Scenario did not answer ${request.what} within ${Math.round(this.requestTimeoutMs / 1000)} s. Check your connection; the app retries by itself.`, { cause });
    }
    return new ScenarioError('network', `Could not reach Scenario for ${request.what}. Check your internet connection (and proxy or firewall); the app retries by itself.`, { cause });
  }
}

function parseJsonLoosely(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The server's explanation, from a JSON body or, failing that, a short plain-text body (never an HTML page). */
function serverMessageOf(body: unknown, text: string): string | undefined {
  const fromJson = readServerMessage(body);
  if (fromJson !== undefined) return fromJson;
  const plain = text.trim();
  if (body === undefined && plain !== '' && plain.length <= 200 && !plain.startsWith('<')) return plain;
  return undefined;
}
