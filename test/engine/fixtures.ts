/**
 * A real engine on a temp home with the in-process simulator, its contract handlers, and the real
 * dispatcher in front: tests call channels exactly as a window does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contract, type CallInputOf, type ChannelName, type ContractEvent, type OutputOf } from '../../src/shared/ipc/contract';
import type { IpcErrorData } from '../../src/shared/ipc/errors';
import { createDispatcher } from '../../src/shared/ipc/server';
import { createEngine, type Engine } from '../../src/main/engine/engine';
import { createHandlers, envCredentials, forwardEvents, type HostAdapters, type ShellAdapter } from '../../src/main/engine/handlers';

export const CONTROL_IMAGES = '/work/shared/control-images';

export interface EngineUnderTest {
  engine: Engine;
  home: string;
  /** Calls a channel through the dispatcher; resolves with the contract-checked value or rejects with the reply's error. */
  call<C extends ChannelName>(channel: C, payload?: CallInputOf<C>): Promise<OutputOf<C>>;
  /** The reply's error of a call expected to fail. */
  failure<C extends ChannelName>(channel: C, payload?: CallInputOf<C>): Promise<IpcErrorData>;
  events: ContractEvent[];
  /** When each queue.changed event arrived (ms). */
  queueChangedAt: number[];
  /** Channels called so far (with a successful reply). */
  called: Set<ChannelName>;
  /** Absolute paths the shell was asked to open, reveal or drag out. */
  shellRequests: string[];
  close(): Promise<void>;
}

export interface EngineOptions {
  /** The simulator's answer time (ms). Default 50. */
  latencyMs?: number;
  /** Polls Scenario this often (ms) instead of the client's production interval. */
  pollIntervalMs?: { min: number; max: number };
  /** Host adapters in place of the defaults (environment credentials, a recording shell). */
  host?: Partial<Pick<HostAdapters, 'credentials' | 'connectionFor'>>;
}

export async function startEngine(options: EngineOptions = {}): Promise<EngineUnderTest> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'engine-handlers-'));
  const engine = await createEngine({
    home,
    scenario: { simulator: true, latencyMs: options.latencyMs ?? 50 },
    // Offline must be noticed in well under a second, not after the client's production backoff.
    client: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 }, requestTimeoutMs: 2000, ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}) },
    pipeline: { probeBackoff: { minMs: 50, maxMs: 200 } },
  });
  const shellRequests: string[] = [];
  // The test's own shell: records the resolved path instead of launching an application.
  const shell: ShellAdapter = {
    openFile: async (file) => void shellRequests.push(file),
    revealFile: async (file) => void shellRequests.push(file),
    startDrag: async (file) => void shellRequests.push(file),
    // The picker "chooses" the home folder, as a person would pick one.
    pickFolder: async () => home,
  };
  const handlers = createHandlers(engine, {
    credentials: envCredentials({}),
    ...options.host,
    shell,
    info: { version: '0.0.0-test', platform: process.platform, libraryUrlBase: 'library://local/', usingSimulator: true },
  });
  const dispatch = createDispatcher<null>(handlers, { isTrustedSender: () => true });
  const events: ContractEvent[] = [];
  const queueChangedAt: number[] = [];
  const stopEvents = forwardEvents(engine, (event) => {
    events.push(event);
    if (event.name === 'queue.changed') queueChangedAt.push(performance.now());
  });
  const called = new Set<ChannelName>();

  const reply = async (channel: ChannelName, payload: unknown) => dispatch(channel, payload, null);

  return {
    engine,
    home,
    events,
    queueChangedAt,
    called,
    shellRequests,
    async call(channel, payload) {
      const answer = await reply(channel, payload);
      if (!answer.ok) throw new Error(`${channel} failed: ${answer.error.code}: ${answer.error.userMessage}`);
      // The dispatcher already checked the output; parsing again here makes the test say so itself.
      called.add(channel);
      return contract.channels[channel].output.parse(answer.value) as never;
    },
    async failure(channel, payload) {
      const answer = await reply(channel, payload);
      if (answer.ok) throw new Error(`${channel} succeeded but was expected to fail`);
      return answer.error;
    },
    async close() {
      stopEvents();
      await engine.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value, or fails saying what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
