/** The web host: engine, handlers and bridge together, reached as a browser would (HTTP page, WebSocket calls, events). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/shared/ipc/client';
import type { ContractEvent } from '../../src/shared/ipc/contract';
import { BRIDGE_SOCKET_PATH, BRIDGE_TOKEN_PARAM, websocketTransport } from '../../src/shared/ipc/websocket-transport';
import { startWebHost, type WebHost } from '../../src/main/engine/host';
import { CONTROL_IMAGES, eventually } from './fixtures';

describe('startWebHost', () => {
  let home: string;
  let rendererDir: string;
  let host: WebHost;
  let transport: ReturnType<typeof websocketTransport>;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'web-host-'));
    rendererDir = mkdtempSync(path.join(os.tmpdir(), 'web-host-renderer-'));
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Scenario Hot Folder</title><p>renderer stand-in</p>');
    host = await startWebHost({ home, simulator: { latencyMs: 20 }, rendererDir });
    const url = new URL(host.url);
    transport = websocketTransport({ url: `ws://${url.host}${BRIDGE_SOCKET_PATH}`, token: url.searchParams.get(BRIDGE_TOKEN_PARAM) ?? '' });
  });

  afterAll(async () => {
    transport?.close();
    await host?.close();
    for (const dir of [home, rendererDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page only with its token', async () => {
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('renderer stand-in');
    expect((await fetch(new URL('/', host.url))).status).toBe(403);
  });

  it('answers contract calls over the WebSocket and pushes engine events', async () => {
    const api = createApi(transport);
    const info = await api.app.info();
    expect(info).toMatchObject({ usingSimulator: true, dataFolder: home, libraryUrlBase: `${host.bridge.origin}/library/`, nativeFolderPicker: false });
    // No folder dialog in a browser: a typed refusal that says to type the path.
    await expect(api.app.pickFolder()).rejects.toMatchObject({ code: 'shell.unavailable', userMessage: expect.stringMatching(/Type the folder path/) });

    const events: ContractEvent['name'][] = [];
    const stops = [
      api.on('generation.done', () => events.push('generation.done')),
      api.on('queue.changed', () => events.push('queue.changed')),
    ];
    const preset = await api.presets.create({ preset: { name: 'Web', modelId: 'model_sd15-realistic', prompt: 'a sphere', modality: 'depth', numSamples: 1 } });
    const { generationIds } = await api.generations.generateFromFiles({ paths: [path.join(CONTROL_IMAGES, 'depth-sphere-512.png')], presetId: preset.id });
    const id = generationIds[0] as string;
    const done = await eventually('the generation done', async () => {
      const detail = await api.generations.detail({ id });
      return detail.state === 'done' ? detail : undefined;
    });
    // The page loads images from the bridge's library URL.
    const image = await fetch(`${host.bridge.origin}/library/${done.images[0]?.relPath}`, { headers: { cookie: `scenario_bridge_token=${host.bridge.token}` } });
    expect(image.status).toBe(200);
    // The browser cannot open files on the desktop: a typed refusal, not a crash.
    await expect(api.library.openFile({ relPath: done.images[0]?.relPath ?? 'none' })).rejects.toMatchObject({ code: 'shell.unavailable' });
    await eventually('generation.done over the socket', () => (events.includes('generation.done') ? true : undefined));
    expect(events).toContain('queue.changed');
    for (const stop of stops) stop();
  });
});
