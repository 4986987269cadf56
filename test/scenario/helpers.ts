import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScenarioClientOptions } from '../../src/main/scenario/index.js';
import { ScenarioClient } from '../../src/main/scenario/index.js';
import type { RunningSimulator } from '../../src/main/simulator/index.js';
import { startSimulator } from '../../src/main/simulator/index.js';

/** Distinctive so a leak is easy to spot in any text. */
export const TEST_KEY = 'test-key-7f3a';
export const TEST_SECRET = 'S3cr3t-never-leak-9c1e';

/** Every form the credentials could leak in. */
export function credentialForms(key = TEST_KEY, secret = TEST_SECRET): string[] {
  return [secret, `${key}:${secret}`, Buffer.from(`${key}:${secret}`).toString('base64')];
}

export const FAST: Pick<ScenarioClientOptions, 'retry' | 'pollIntervalMs' | 'requestTimeoutMs'> = {
  retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 40 },
  pollIntervalMs: { min: 10, max: 20 },
  requestTimeoutMs: 5000,
};

export async function startTestSimulator(latencyMs = 40): Promise<RunningSimulator> {
  return startSimulator({ apiKey: TEST_KEY, apiSecret: TEST_SECRET, latencyMs, faultSeed: 7 });
}

export function clientFor(simulator: { baseUrl: string }, overrides: Partial<ScenarioClientOptions> = {}): ScenarioClient {
  return new ScenarioClient({ baseUrl: simulator.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST, ...overrides });
}

const CONTROL_IMAGE = '/work/shared/control-images/canny-house-768x512.png';

export async function controlImageBytes(): Promise<Buffer> {
  return readFile(CONTROL_IMAGE);
}

/** A small valid SD 1.5 request (one 256x256 sample keeps rendering cheap). */
export async function generateBody(overrides: Record<string, unknown> = {}): Promise<string> {
  const image = `data:image/png;base64,${(await controlImageBytes()).toString('base64')}`;
  return JSON.stringify({ modelId: 'model_sd15-realistic', prompt: 'a small house', modality: 'canny', image, width: 256, height: 256, numSamples: 1, seed: '42', ...overrides });
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scenario-client-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Elapsed milliseconds of `action`, with its outcome (value or error). */
export async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await action();
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/**
 * A tiny real HTTP server for answers the simulator never gives (malformed replies, unknown
 * statuses, repeated tokens, a server echoing the Authorization header). Not a fetch mock:
 * the client talks HTTP to it like to Scenario.
 */
export async function startOddServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
