/**
 * Every failure of the Scenario client surfaces as a ScenarioError: callers branch on `code`,
 * people read `userMessage`. An error never carries the API secret, the `key:secret` pair or the
 * Authorization header: it holds no request object, and text that came from elsewhere (server
 * messages, network error descriptions) passes through `redact` first.
 */
export type ScenarioErrorCode =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'invalid-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'outcome-unknown'
  | 'bad-response'
  | 'aborted';

/** What the caller needs to find a generate request whose answer was lost (see `GET /jobs`). */
export interface SubmissionTrace {
  /** ISO time just before the request left. */
  sentAt: string;
  /** sha256 (hex) of the exact body bytes sent. */
  bodySha256: string;
}

export interface ScenarioErrorDetails {
  status?: number;
  retryAfterMs?: number;
  serverMessage?: string;
  submission?: SubmissionTrace;
  /** A plain description of the underlying failure, already redacted. */
  cause?: Error;
}

export class ScenarioError extends Error {
  readonly code: ScenarioErrorCode;
  readonly userMessage: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly serverMessage?: string;
  readonly submission?: SubmissionTrace;

  constructor(code: ScenarioErrorCode, userMessage: string, details: ScenarioErrorDetails = {}) {
    super(userMessage, details.cause === undefined ? undefined : { cause: details.cause });
    // Code that checks `error.name === 'AbortError'` (the platform's convention) keeps working.
    this.name = code === 'aborted' ? 'AbortError' : 'ScenarioError';
    this.code = code;
    this.userMessage = userMessage;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
    if (details.submission !== undefined) this.submission = details.submission;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      userMessage: this.userMessage,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      serverMessage: this.serverMessage,
      submission: this.submission,
    };
  }
}

/**
 * Removes every form of the credentials from text that did not come from this module: the secret,
 * the `key:secret` pair and its base64 (the Authorization header's payload).
 */
export type Redact = (text: string) => string;

export function makeRedactor(apiKey: string, apiSecret: string): Redact {
  const pair = `${apiKey}:${apiSecret}`;
  const forbidden = [Buffer.from(pair).toString('base64'), pair, apiSecret].filter((text) => text.length > 0).map(pattern);
  return (text) => forbidden.reduce((result, secret) => result.replace(secret, '[redacted]'), text);
}

/** Below this length a secret is only redacted where it stands alone. */
const SHORT_SECRET = 8;

/**
 * Every occurrence of a real secret (Scenario's are long random strings) goes, wherever it is.
 * A short one (a test's, a typo's) goes only where it is a word of its own: its letters inside
 * other words are no secret, and removing them made every message unreadable.
 */
function pattern(secret: string): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(secret.length >= SHORT_SECRET ? escaped : `(?<![\\w-])${escaped}(?![\\w-])`, 'g');
}

/** A redacted, cause-free copy of any thrown value, safe to hang on a ScenarioError. */
export function describeCause(error: unknown, redact: Redact): Error {
  const parts: string[] = [];
  let current: unknown = error;
  // A wrapper error may hold the system error (`ECONNRESET`, ...) as its cause: keep both.
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  const described = new Error(redact(parts.join(': ')));
  described.name = error instanceof Error ? error.name : 'Error';
  return described;
}

/** The system error code of a failed exchange, or of its cause: `ECONNREFUSED`, `ECONNRESET`, `ABORT_ERR`, ... */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

export function abortedError(): ScenarioError {
  return new ScenarioError('aborted', 'The request to Scenario was cancelled.');
}

const SERVER_MESSAGE_FIELDS = ['reason', 'message', 'error', 'detail'] as const;

/** Scenario puts its explanation in one of several fields depending on the endpoint. */
export function readServerMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const field of SERVER_MESSAGE_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  }
  return undefined;
}

/** Maps an HTTP error status to a typed error whose message tells the person what to do next. */
export function errorForStatus(
  status: number,
  details: { serverMessage?: string; retryAfterMs?: number; what: string },
): ScenarioError {
  const { serverMessage, retryAfterMs, what } = details;
  const said = serverMessage === undefined ? '' : ` Scenario said: "${serverMessage}".`;
  const common = { status, serverMessage, retryAfterMs };
  if (status === 401) {
    return new ScenarioError(
      'auth',
      `Scenario did not accept the API key and secret.${said} Check both (in Settings, or SCENARIO_API_KEY and SCENARIO_API_SECRET for the command line); if the secret was lost, make a new API key in Scenario's web app.`,
      common,
    );
  }
  if (status === 403) {
    return new ScenarioError(
      'forbidden',
      `Scenario refused ${what}.${said} The API key may belong to another project, or your Scenario plan may be too low for this model or feature: check the key's project and your plan.`,
      common,
    );
  }
  if (status === 404) {
    return new ScenarioError('not-found', `Scenario could not find ${what}.${said} It may have been deleted, or it belongs to another project than the API key's.`, common);
  }
  if (status === 429) {
    const wait = retryAfterMs === undefined ? 'a little while' : `${Math.ceil(retryAfterMs / 1000)} s`;
    return new ScenarioError('rate-limited', `Scenario is limiting requests (${what}).${said} Wait ${wait}; the queue resumes by itself.`, common);
  }
  if (status >= 500) {
    return new ScenarioError('server', `Scenario had a server error (HTTP ${status}) on ${what}.${said} Try again in a few minutes; check Scenario's status page if it persists.`, common);
  }
  return new ScenarioError('invalid-request', `Scenario rejected ${what} (HTTP ${status}).${said} Check the preset's settings and the model.`, common);
}
