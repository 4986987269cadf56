import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/main/bridge/server';
import { createApi } from '../../src/shared/ipc/client';
import { IPC_ERROR_CODES } from '../../src/shared/ipc/errors';
import { websocketTransport, type ClosableTransport } from '../../src/shared/ipc/websocket-transport';
import { createFakeEngine, type FakeEngine } from '../ipc/fake-engine';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let dir: string;
let bridge: Bridge;
let engine: FakeEngine;
const transports: ClosableTransport[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-test-'));
  await mkdir(join(dir, 'library', 'outputs', 'day'), { recursive: true });
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'library', 'outputs', 'day', 'a b.png'), PNG);
  await writeFile(join(dir, 'library', 'notes.txt'), 'not an image');
  await writeFile(join(dir, 'secret.png'), 'outside the library');
  await symlink(join(dir, 'secret.png'), join(dir, 'library', 'outputs', 'link.png'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>app</title>');
  engine = createFakeEngine();
  bridge = await startBridge({ handlers: engine.handlers, onEvent: engine.onEvent, libraryRoot: join(dir, 'library'), rendererDir: join(dir, 'renderer') });
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await bridge.close();
  await rm(dir, { recursive: true, force: true });
});

function connect(token = bridge.token) {
  const transport = websocketTransport({ url: `${bridge.origin.replace('http', 'ws')}/ws`, token, reconnectDelayMs: 60_000 });
  transports.push(transport);
  return createApi(transport);
}

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..`). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(bridge.origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startBridge', { timeout: 5000 }, () => {
  it('listens on loopback and prints a page URL carrying the token', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
    expect(bridge.url).toContain(bridge.token);
  });

  it('answers contract calls over the WebSocket, with the bridge as library URL base', async () => {
    const api = connect();
    expect((await api.queue.status()).paused).toBe(false);
    expect((await api.app.info()).libraryUrlBase).toBe(`${bridge.origin}/library/`);
  });

  it('carries typed errors and contract validation over the socket', async () => {
    const api = connect();
    await expect(api.generations.setFavourite({ id: 'missing', favourite: true })).rejects.toMatchObject({ code: 'generation.not-found' });
    await expect(api.generations.setRating({ id: 'g', rating: -1 })).rejects.toMatchObject({ code: IPC_ERROR_CODES.invalidInput });
  });

  it('forwards engine events to every connected window', async () => {
    const first = connect();
    const second = connect();
    const seen: string[] = [];
    const arrived = new Promise<void>((resolve) => {
      first.on('queue.paused', (p) => (seen.push(`first:${p.waiting.reason}`), seen.length === 2 && resolve()));
      second.on('queue.paused', (p) => (seen.push(`second:${p.waiting.reason}`), seen.length === 2 && resolve()));
    });
    await second.queue.status(); // both sockets are open once each has answered once
    await first.queue.pauseAll();
    await arrived;
    expect(seen.sort()).toEqual(['first:paused', 'second:paused']);
  });

  it('refuses a socket with a wrong token', async () => {
    const api = connect('x'.repeat(bridge.token.length));
    await expect(api.queue.status()).rejects.toMatchObject({ code: IPC_ERROR_CODES.transport });
    expect(engine.paused()).toBe(false);
  });

  it('refuses a socket from a foreign page origin even with the token', async () => {
    const socket = new WebSocket(`${bridge.origin.replace('http', 'ws')}/ws?token=${bridge.token}`, { headers: { origin: 'https://evil.example' } } as never);
    const outcome = await new Promise((resolve) => {
      socket.addEventListener('open', () => resolve('open'));
      socket.addEventListener('error', () => resolve('refused'));
    });
    socket.close();
    expect(outcome).toBe('refused');
  });

  it('serves the page only with the token, and sets the cookie the page assets then use', async () => {
    expect((await get('/')).status).toBe(403);
    const page = await get(`/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>app</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? '';
    expect((await get('/index.html', { cookie })).status).toBe(200);
    expect((await get('/index.html', { cookie: 'scenario_bridge_token=wrong' })).status).toBe(403);
  });

  it('refuses requests whose Host is not the loopback address (DNS rebinding)', async () => {
    expect((await get(`/?token=${bridge.token}`, { host: `evil.example:${new URL(bridge.origin).port}` })).status).toBe(403);
  });

  it('serves library images by rel path, percent-encoded', async () => {
    const image = await get(`/library/outputs/day/a%20b.png?token=${bridge.token}`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.body.equals(PNG)).toBe(true);
    expect((await get(`/library/outputs/day/a%20b.png`)).status).toBe(403);
  });

  it('refuses library paths that leave the library or are not images', async () => {
    const attempts = [
      '/library/../secret.png',
      '/library/%2e%2e/secret.png',
      '/library/outputs/..%2f..%2fsecret.png',
      '/library/outputs%5c..%5c..%5csecret.png',
      '/library/%252e%252e/secret.png',
      `/library/${encodeURIComponent(join(dir, 'secret.png'))}`,
      '/library/outputs/link.png',
      '/library/notes.txt',
      '/library/outputs/day',
    ];
    for (const path of attempts) {
      const response = await get(`${path}${path.includes('?') ? '&' : '?'}token=${bridge.token}`);
      expect(response.status, path).not.toBe(200);
      expect(response.body.toString(), path).not.toContain('outside the library');
    }
  });
});
