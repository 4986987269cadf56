/** Shared setup of the pipeline tests: a temp home, a real simulator, a real engine. */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll } from 'vitest';
import { createEngine } from '../../src/main/engine/engine';
import type { Engine, EngineConfig } from '../../src/main/engine/engine';
import { startSimulator } from '../../src/main/simulator/index';
import type { RunningSimulator, SimulatorOptions } from '../../src/main/simulator/index';
import type { GenerationState } from '../../src/main/store/index';
import type { MapModality } from '../../src/shared/detect';

export const TEST_PRESET = { name: 'Test house', modelId: 'model_sd15-realistic', prompt: 'a small house', modality: 'canny', numSamples: 1, width: 512, height: 512 };

/** Fast polling and short retries: the tests wait on the simulator, not on production pacing. */
export const FAST_CLIENT: EngineConfig['client'] = { pollIntervalMs: { min: 15, max: 30 }, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 }, requestTimeoutMs: 5000 };

export async function tempDir(prefix = 'shf-pipeline-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A temp folder and a running simulator for every test of the calling file, stopped and removed
 * after them. Read the fields inside tests (they are set in beforeAll).
 */
export function useSimulatorAndTempDir(prefix: string, options: SimulatorOptions): { readonly sim: RunningSimulator; readonly dir: string } {
  let sim: RunningSimulator | undefined;
  let folder: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    folder = await tempDir(prefix);
    sim = await startSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
    await folder?.cleanup();
  });
  return {
    get sim() {
      if (sim === undefined) throw new Error('the simulator starts in beforeAll');
      return sim;
    },
    get dir() {
      if (folder === undefined) throw new Error('the folder is made in beforeAll');
      return folder.dir;
    },
  };
}

/** The environment that points the real CLI at `sim`, polling fast. */
export function cliEnvFor(sim: RunningSimulator): NodeJS.ProcessEnv {
  return { SCENARIO_API_URL: sim.baseUrl, SCENARIO_API_KEY: sim.apiKey, SCENARIO_API_SECRET: sim.apiSecret, SCENARIO_HOTFOLDER_POLL_MS: '20' };
}

/**
 * Resolves once a `watch` child says it is watching (its stdout piped): from then on it stops
 * gracefully on SIGTERM. A signal before that ends it the default way, with no exit code.
 */
export function untilWatching(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (/^watching /m.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the watcher exited (${code}) before watching: ${output}`)));
  });
}

/** A small PNG whose content depends on `n` (distinct hashes for distinct n). */
export async function controlPng(n: number, size = 64): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: n % 256, g: Math.floor(n / 256) % 256, b: 77 } } })
    .png()
    .toBuffer();
}

export function sha256(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Rig {
  sim: RunningSimulator;
  engine: Engine;
  home: string;
  inbox: string;
  presetId: number;
  folderId: number;
  restart(overrides?: Partial<EngineConfig>): Promise<Engine>;
  close(): Promise<void>;
}

/** A simulator, an engine on a temp home, one preset and one watched inbox folder. */
export async function startRig(
  options: { sim?: SimulatorOptions; engine?: Partial<EngineConfig>; folder?: { processedAction?: 'leave' | 'move'; allowDuplicates?: boolean; recursive?: boolean; mapFirst?: MapModality }; preset?: Record<string, unknown> } = {},
): Promise<Rig> {
  const { dir, cleanup } = await tempDir();
  const sim = await startSimulator({ latencyMs: 30, ...options.sim });
  const home = path.join(dir, 'home');
  const inbox = path.join(dir, 'inbox');
  await import('node:fs/promises').then((fs) => fs.mkdir(inbox, { recursive: true }));
  const config = (overrides: Partial<EngineConfig> = {}): EngineConfig => ({
    home,
    scenario: { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret },
    client: FAST_CLIENT,
    pipeline: { reconcileWindowMs: 300, probeBackoff: { minMs: 50, maxMs: 200 }, recheckMs: 300 },
    stableMs: 300,
    ...options.engine,
    ...overrides,
  });
  // Preset and folder first, through a store-only engine, so the running one starts watching at once.
  const setup = await createEngine({ ...config(), run: false });
  const preset = setup.store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: { ...TEST_PRESET, ...options.preset } });
  const folder = setup.store.folders.add({ path: inbox, presetIds: [preset.id], options: { ...options.folder } });
  await setup.close();
  const rig: Rig = {
    sim,
    engine: await createEngine(config()),
    home,
    inbox,
    presetId: preset.id,
    folderId: folder.id,
    async restart(overrides) {
      await rig.engine.close();
      rig.engine = await createEngine(config(overrides));
      return rig.engine;
    },
    async close() {
      await rig.engine.close();
      await sim.close();
      await cleanup();
    },
  };
  return rig;
}

/** Resolves once every generation of `ids` is in one of `states` (default: any ending or waiting state). */
export async function waitForStates(
  engine: Engine,
  count: number,
  states: readonly GenerationState[] = ['done', 'failed', 'canceled', 'outcome-unknown'],
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const settled = engine.store.generations.listByStates(states).length;
    if (settled >= count) return;
    if (Date.now() > deadline) {
      const all = engine.store.generations.listByStates(['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'done', 'failed', 'canceled', 'outcome-unknown']);
      throw new Error(`only ${settled} of ${count} generations settled: ${all.map((g) => `${g.id}:${g.state}`).join(' ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
