/**
 * The engine's connection to Scenario: the real API with an API key, the in-process simulator, or
 * none. It can change while the engine runs (a key saved in Settings, "use the simulator"), so
 * everything that keeps a client reaches the current one through `follower`.
 */
import type { Clock } from '../../shared/clock';
import { UserFacingError } from '../../shared/errors';
import type { GenerationState } from '../../shared/generation';
import { PipelineError } from '../pipeline/errors';
import { ScenarioClient } from '../scenario/index';
import type { PollInterval, RetryPolicy } from '../scenario/index';
import { startSimulator, type RunningSimulator } from '../simulator/index';
import { API_KEY_ENV, API_SECRET_ENV, type ApiCredentials } from './api-credentials';

export type ScenarioConnection = { baseUrl: string; apiKey: string; apiSecret: string } | { simulator: true; latencyMs?: number; faults?: string };

/** Client tuning (tests and benchmarks poll faster and retry less). */
export interface ClientTuning {
  pollIntervalMs?: PollInterval;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  clock?: Clock;
}

export const DEFAULT_API_URL = 'https://api.cloud.scenario.com/v1';
export const API_URL_ENV = 'SCENARIO_API_URL';

/** Scenario's address: SCENARIO_API_URL (tests, proxies) or the public API. */
export function apiUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[API_URL_ENV]?.trim() || DEFAULT_API_URL;
}

/** A connection for these credentials, or null when there are none (the history stays readable). */
export function connectionFor(credentials: ApiCredentials | null, env: NodeJS.ProcessEnv = process.env): ScenarioConnection | null {
  return credentials ? { baseUrl: apiUrlFromEnv(env), ...credentials } : null;
}

/** Credentials from the environment only: a secret on a command line would land in shell history. */
export function scenarioFromEnv(env: NodeJS.ProcessEnv = process.env): ScenarioConnection | null {
  const apiKey = env[API_KEY_ENV]?.trim();
  const apiSecret = env[API_SECRET_ENV]?.trim();
  return connectionFor(apiKey && apiSecret ? { apiKey, apiSecret } : null, env);
}

/** A switch of connection that was refused; the message says what to do and never holds a key. */
export class ConnectionError extends UserFacingError<'connection.busy'> {
  override readonly name = 'ConnectionError';
}

/** States in which Scenario (or the simulator) already holds something of the generation: an upload, a job. */
const SENT_STATES: readonly GenerationState[] = ['uploaded', 'submitting', 'submitted', 'downloading', 'outcome-unknown'];

/**
 * Why the connection may not change now, or null. Every unfinished generation belongs to the
 * connection it started on: its control image's asset, its job, its "simulated" label. A job sent
 * to the simulator cannot be polled on Scenario (nor the reverse), so the switch waits for them.
 */
export function unfinishedWorkRefusal(unfinished: readonly GenerationState[], description: string): ConnectionError | null {
  if (unfinished.length === 0) return null;
  const sent = unfinished.filter((state) => SENT_STATES.includes(state)).length;
  const count = unfinished.length === 1 ? '1 generation is' : `${unfinished.length} generations are`;
  const detail = sent === 0 ? '' : ` (${sent} already sent)`;
  return new ConnectionError(
    'connection.busy',
    `${count} still in the queue on ${description}${detail}, and a job cannot move to another connection. Let them finish, or cancel them in the Queue, then switch again.`,
  );
}

/** The simulator answers at once; a production poll interval would only slow the demo down. */
const SIMULATOR_POLL: PollInterval = { min: 100, max: 200 };

interface Opened {
  connection: ScenarioConnection | null;
  client: ScenarioClient | null;
  simulator: RunningSimulator | null;
}

export interface LiveConnection {
  /** The current connection's client; null when there is none. */
  readonly client: ScenarioClient | null;
  /** Set while the connection is the in-process simulator. */
  readonly simulator: RunningSimulator | null;
  readonly simulated: boolean;
  /** What the connection is now, in words ("the built-in simulator", "Scenario"). */
  readonly description: string;
  /**
   * A client that always forwards to the current connection's, for holders that keep one
   * reference (the pipeline). With no connection every use fails with 'no-credentials'.
   */
  readonly follower: ScenarioClient;
  /** True when `next` is what the engine already uses (nothing to switch). */
  isCurrent(next: ScenarioConnection | null): boolean;
  /**
   * True when `next` reaches the same Scenario with another key: every job stays reachable, so the
   * switch may happen under unfinished work (it is how a refused key is fixed).
   */
  isKeyChange(next: ScenarioConnection | null): boolean;
  /**
   * Opens `next`, then calls `mayLeave` and swaps in the same turn of the event loop, so nothing
   * can start on the old connection between the check and the swap; then closes the old one.
   * Switches run one at a time. Resolves false when `next` is the current connection (nothing done).
   */
  switchTo(next: ScenarioConnection | null, mayLeave: () => void): Promise<boolean>;
  close(): Promise<void>;
}

async function open(connection: ScenarioConnection | null, tuning: ClientTuning): Promise<Opened> {
  if (connection === null) return { connection, client: null, simulator: null };
  if ('simulator' in connection) {
    const simulator = await startSimulator({ latencyMs: connection.latencyMs ?? 1000, ...(connection.faults ? { faults: connection.faults } : {}) });
    const client = new ScenarioClient({ baseUrl: simulator.baseUrl, apiKey: simulator.apiKey, apiSecret: simulator.apiSecret, pollIntervalMs: SIMULATOR_POLL, ...tuning });
    return { connection, client, simulator };
  }
  return { connection, client: new ScenarioClient({ ...connection, ...tuning }), simulator: null };
}

function sameConnection(a: ScenarioConnection | null, b: ScenarioConnection | null): boolean {
  if (a === null || b === null) return a === b;
  // A running simulator is kept whatever its options: a window asks only for "the simulator".
  if ('simulator' in a || 'simulator' in b) return 'simulator' in a && 'simulator' in b;
  return a.baseUrl === b.baseUrl && a.apiKey === b.apiKey && a.apiSecret === b.apiSecret;
}

function noConnection(): PipelineError {
  return new PipelineError(
    'no-credentials',
    `No Scenario API key is set, so nothing was sent. Add the key in Settings (or set ${API_KEY_ENV} and ${API_SECRET_ENV}), or use the built-in simulator; then retry.`,
  );
}

export async function openConnection(initial: ScenarioConnection | null, tuning: ClientTuning = {}): Promise<LiveConnection> {
  let current = await open(initial, tuning);
  let switching: Promise<void> = Promise.resolve();

  // A Proxy rather than a wrapper class: ScenarioClient keeps its state in #private fields, so
  // only the real instance can run its methods; each call is bound to the client current at the
  // moment it is made.
  const follower = new Proxy(Object.create(ScenarioClient.prototype) as ScenarioClient, {
    get(_target, property) {
      const client = current.client;
      if (client === null) throw noConnection();
      const value: unknown = Reflect.get(client, property, client);
      return typeof value === 'function' ? value.bind(client) : value;
    },
  });

  return {
    get client() {
      return current.client;
    },
    get simulator() {
      return current.simulator;
    },
    get simulated() {
      return current.simulator !== null;
    },
    get description() {
      if (current.connection === null) return 'no connection';
      return current.simulator !== null ? 'the built-in simulator' : 'Scenario';
    },
    follower,
    isCurrent: (next) => sameConnection(current.connection, next),
    isKeyChange: (next) => {
      const now = current.connection;
      return now !== null && next !== null && !('simulator' in now) && !('simulator' in next) && now.baseUrl === next.baseUrl;
    },
    switchTo(next, mayLeave) {
      const run = switching.then(async () => {
        if (sameConnection(current.connection, next)) return false;
        mayLeave();
        const opened = await open(next, tuning);
        try {
          mayLeave();
        } catch (error) {
          await opened.simulator?.close();
          throw error;
        }
        const left = current;
        current = opened;
        await left.simulator?.close();
        return true;
      });
      // A refused switch does not block the next one.
      switching = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    async close() {
      await switching;
      await current.simulator?.close();
    },
  };
}
