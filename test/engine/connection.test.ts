/**
 * Switching the engine's connection while it runs: the in-process simulator, "Scenario" (a second,
 * separate simulator server reached with its own key and secret, as the real API would be) and
 * none. Through the real dispatcher, with a desktop-like host: a keychain kept in memory and the
 * simulator as the fallback when no key is stored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationDetail } from '../../src/shared/ipc/contract';
import { apiKeyHint, type ApiCredentials } from '../../src/main/engine/api-credentials';
import type { CredentialsAdapter } from '../../src/main/engine/handlers-context';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { CONTROL_IMAGES, eventually, startEngine, type EngineUnderTest } from './fixtures';

const PRESET = {
  name: 'Switching',
  modelId: 'model_sd15-realistic',
  prompt: 'a clay house',
  modality: 'canny',
  width: 512,
  height: 512,
  numSamples: 1,
};

/** The OS keychain of the desktop host, kept in memory. */
function keychainInMemory(): CredentialsAdapter {
  let stored: ApiCredentials | null = null;
  const status = async () => ({ stored: stored !== null, backendOk: true, backendMessage: null, apiKeyHint: stored ? apiKeyHint(stored.apiKey) : null });
  return {
    status,
    load: async () => stored,
    async save(credentials) {
      stored = credentials;
      return status();
    },
    async clear() {
      stored = null;
      return status();
    },
  };
}

describe('switching the connection at run time', () => {
  let scenario: RunningSimulator;
  let t: EngineUnderTest;
  let presetId: string;

  beforeAll(async () => {
    scenario = await startSimulator({ latencyMs: 50 });
    t = await startEngine({
      pollIntervalMs: { min: 50, max: 100 },
      host: {
        credentials: keychainInMemory(),
        // The desktop rule: Scenario with a stored key, the built-in simulator without one.
        connectionFor: (credentials) => (credentials ? { baseUrl: scenario.baseUrl, ...credentials } : { simulator: true }),
      },
    });
    presetId = (await t.call('presets.create', { preset: PRESET })).id;
  });

  afterAll(async () => {
    await t?.close();
    await scenario?.close();
  });

  /**
   * Each run uses a control image no earlier run used: a control image is uploaded once, and its
   * asset lives on the connection it was uploaded to.
   */
  async function generate(image: string): Promise<string> {
    const { generationIds } = await t.call('generations.generateFromFiles', { paths: [path.isAbsolute(image) ? image : path.join(CONTROL_IMAGES, image)], presetId });
    expect(generationIds).toHaveLength(1);
    return generationIds[0] as string;
  }

  async function settled(id: string, timeoutMs?: number): Promise<GenerationDetail> {
    return eventually(`generation ${id} to end`, async () => {
      const detail = await t.call('generations.detail', { id });
      return ['done', 'failed', 'canceled'].includes(detail.state) ? detail : undefined;
    }, timeoutMs);
  }

  const scenarioGenerations = () => scenario.generateLog.filter((entry) => !entry.dryRun).length;

  it('moves to Scenario when a key is saved, to the simulator and back on request, and to the simulator when the key is forgotten', async () => {
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: true });
    const builtIn = t.engine.simulator;
    if (builtIn === null) throw new Error('the engine should start on its simulator');
    await t.call('models.list', { refresh: true });

    await t.call('credentials.save', { apiKey: scenario.apiKey, apiSecret: scenario.apiSecret });
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: false });
    expect(t.engine.simulator).toBeNull();
    // The built-in simulator is closed, and the model list it gave is not offered as Scenario's.
    await expect(fetch(`${builtIn.baseUrl}/models`)).rejects.toThrow();
    expect(t.engine.store.models.list()).toEqual([]);

    const onScenario = await settled(await generate('depth-sphere-512.png'));
    expect(onScenario).toMatchObject({ state: 'done', simulated: false, imageCount: 1 });
    expect(scenarioGenerations()).toBe(1);

    await t.call('app.useSimulator', { simulator: true });
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: true });
    const simulated = await settled(await generate('scribble-face-512.jpg'));
    expect(simulated).toMatchObject({ state: 'done', simulated: true });
    expect(scenarioGenerations()).toBe(1);

    // Back to Scenario with the key still stored; asking twice changes nothing.
    await t.call('app.useSimulator', { simulator: false });
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: false });
    const client = t.engine.client;
    await t.call('app.useSimulator', { simulator: false });
    expect(t.engine.client).toBe(client);
    expect((await t.call('credentials.testConnection')).message).toBe('Connected to Scenario.');

    expect(await t.call('credentials.clear')).toMatchObject({ stored: false });
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: true });
    expect((await t.failure('app.useSimulator', { simulator: false })).code).toBe('connection.no-credentials');
  });

  it('refuses to switch while a generation is unfinished, names how many, and stores no key meanwhile', async () => {
    const simulator = t.engine.simulator;
    if (simulator === null) throw new Error('the previous test ends on the simulator');
    simulator.setLatency(1200);
    const id = await generate('canny-house-768x512.png');
    await eventually('the job to be sent', async () => ((await t.call('generations.detail', { id })).state === 'submitted' ? true : undefined));

    const busy = await t.failure('credentials.save', { apiKey: scenario.apiKey, apiSecret: scenario.apiSecret });
    expect(busy.code).toBe('connection.busy');
    expect(busy.userMessage).toContain('1 generation is still in the queue on the built-in simulator (1 already sent)');
    expect(await t.call('credentials.status')).toMatchObject({ stored: false });
    expect(t.engine.simulated).toBe(true);
    await expect(t.engine.switchConnection(null)).rejects.toMatchObject({ code: 'connection.busy' });

    // The job stays on the connection it was sent to and finishes there; then the switch goes through.
    expect(await settled(id)).toMatchObject({ state: 'done', simulated: true });
    simulator.setLatency(50);
    await t.call('credentials.save', { apiKey: scenario.apiKey, apiSecret: scenario.apiSecret });
    expect(t.engine.simulated).toBe(false);
  });

  it('holds the queue on a refused key without failing the file, is released by saving a good key, and never lets the secret out', async () => {
    const secret = 'wrong-secret-5f2c9a17';
    const from = t.events.length;
    await t.call('credentials.save', { apiKey: scenario.apiKey, apiSecret: secret });
    const id = await generate('pose-standing-512x768.png');
    // A refused key is the process's problem: the queue holds with the reason, the file is not failed.
    const held = await eventually('the queue to hold for the key', async () => {
      const status = await t.call('queue.status');
      return status.waiting?.reason === 'credentials' ? status : undefined;
    });
    expect(held.waiting?.message).toContain('refused the API key');
    expect((await t.call('generations.detail', { id })).state).not.toBe('failed');
    const test = await t.call('credentials.testConnection');
    expect(test.ok).toBe(false);

    // Another key for the same Scenario is taken while the queue waits for a key (that is how the
    // key is fixed); a switch to another backend is still refused while the generation waits.
    await t.call('credentials.save', { apiKey: 'another-key', apiSecret: `${secret}-2` });
    const busy = await t.failure('app.useSimulator', { simulator: true });
    expect(busy.code).toBe('connection.busy');
    // That key is refused too: the queue says so again, and only then takes yet another key.
    await eventually('the queue to hold for the second key', async () => ((await t.call('queue.status')).waiting?.reason === 'credentials' ? true : undefined));

    await t.call('credentials.save', { apiKey: scenario.apiKey, apiSecret: scenario.apiSecret });
    expect(await settled(id)).toMatchObject({ state: 'done' });
    expect((await t.call('queue.status')).waiting).toBeNull();

    const files = readdirSync(t.home).filter((name) => name.startsWith('history.sqlite')).map((name) => readFileSync(path.join(t.home, name)).toString('latin1'));
    for (const text of [JSON.stringify(held), JSON.stringify(test), JSON.stringify(busy), JSON.stringify(t.events.slice(from)), ...files]) {
      expect(text).not.toContain(secret);
    }
  });

  it('with no connection, fails new generations with what to do, and can switch again', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'engine-connection-'));
    const fresh = path.join(folder, 'fresh.png');
    await sharp({ create: { width: 512, height: 512, channels: 3, background: '#3a6' } }).png().toFile(fresh);
    await t.engine.switchConnection(null);
    expect(t.engine.client).toBeNull();
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: false });
    const failed = await settled(await generate(fresh)).finally(() => rmSync(folder, { recursive: true, force: true }));
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'no-credentials' } });
    expect(failed.error?.userMessage).toContain('nothing was sent');

    await t.call('app.useSimulator', { simulator: true });
    expect(await t.call('app.info')).toMatchObject({ usingSimulator: true });
    expect((await t.call('credentials.testConnection')).message).toBe('Connected to the built-in simulator.');
  });
});
