/**
 * The engine as a local service: the process holding a home serves the contract on a Unix socket
 * inside it (0600) with a token only its owner can read; foreign clients are refused.
 */
import { chmod, lstat, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachEngine, type AttachedEngine } from '../../src/main/engine/attach';
import { browserShell, envCredentials } from '../../src/main/engine/handlers';
import { localEndpointOf } from '../../src/main/engine/home';
import { startEngineService, type EngineService } from '../../src/main/engine/service';
import { eventually } from './fixtures';

const unix = process.platform !== 'win32';

/** The HTTP status of an upgrade to the engine's socket with these headers and token; 101 is admitted. */
function upgradeStatus(socketPath: string, token: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://localhost/ws?token=${encodeURIComponent(token)}`, { createConnection: () => connect(socketPath), headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      ws.terminate();
      resolve(response.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe.skipIf(!unix)('the engine as a local service', () => {
  let home: string;
  let service: EngineService;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'shf-local-'));
    service = await startEngineService({
      home,
      scenario: { simulator: true, latencyMs: 20 },
      watchFolders: false,
      host: { credentials: envCredentials({}), shell: browserShell, info: { version: 'test', platform: process.platform, libraryUrlBase: '', usingSimulator: true } },
    });
  });

  afterAll(async () => {
    await service?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('listens on a socket inside the home and writes its token, both owner-only', async () => {
    const { socketPath, tokenPath } = localEndpointOf(home);
    expect(path.dirname(socketPath)).toBe(home);
    const socket = await lstat(socketPath);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect((await stat(tokenPath)).mode & 0o777).toBe(0o600);
    expect((await readFile(tokenPath, 'utf8')).length).toBeGreaterThanOrEqual(40);
  });

  it('serves the contract and the engine activity to a client that attaches', async () => {
    const attached = await attachEngine(home);
    try {
      expect(attached.ownerPid).toBeNull(); // this very process holds the lock
      expect(await attached.api.app.info()).toMatchObject({ dataFolder: home, usingSimulator: true });
      const activity: string[] = [];
      const stop = attached.api.on('engine.activity', (payload) => activity.push(payload.event));
      await attached.api.queue.pauseAll();
      await eventually('the pause told', async () => (activity.includes('queue.paused') ? true : undefined));
      await attached.api.queue.resumeAll();
      await eventually('the resume told', async () => (activity.includes('queue.resumed') ? true : undefined));
      stop();
    } finally {
      attached.close();
    }
  });

  it('refuses a wrong token, a foreign Host, a web page Origin', async () => {
    const { socketPath, tokenPath } = localEndpointOf(home);
    const token = await readFile(tokenPath, 'utf8');
    expect(await upgradeStatus(socketPath, token)).toBe(101);
    expect(await upgradeStatus(socketPath, token, { Host: 'localhost' })).toBe(101);
    expect(await upgradeStatus(socketPath, `${token.slice(0, -1)}x`)).toBe(403);
    expect(await upgradeStatus(socketPath, '')).toBe(403);
    // Relayed from another machine: it names that machine, not this one.
    expect(await upgradeStatus(socketPath, token, { Host: 'render-box.example:8080' })).toBe(403);
    expect(await upgradeStatus(socketPath, token, { Origin: 'https://evil.example' })).toBe(403);
  });

  it('a client refuses a socket or a token owned by someone else, or open to others', async () => {
    const { socketPath, tokenPath } = localEndpointOf(home);
    const otherUser = (process.getuid?.() ?? 0) + 4242;
    await expect(attachEngine(home, { uid: otherUser })).rejects.toMatchObject({ code: 'attach.refused', userMessage: expect.stringContaining('belongs to another user') });
    await chmod(socketPath, 0o666);
    try {
      await expect(attachEngine(home)).rejects.toMatchObject({ code: 'attach.refused', userMessage: expect.stringContaining('can be used by other users') });
    } finally {
      await chmod(socketPath, 0o600);
    }
    await chmod(tokenPath, 0o644);
    try {
      await expect(attachEngine(home)).rejects.toMatchObject({ code: 'attach.refused', userMessage: expect.stringContaining('access token') });
    } finally {
      await chmod(tokenPath, 0o600);
    }
  });

  it('says nothing serves a home no engine holds, and removes its socket and token when it closes', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'shf-local-none-'));
    try {
      await expect(attachEngine(other)).rejects.toMatchObject({ code: 'attach.unavailable' });
      const second = await startEngineService({
        home: other,
        scenario: null,
        watchFolders: false,
        host: { credentials: envCredentials({}), shell: browserShell, info: { version: 'test', platform: process.platform, libraryUrlBase: '', usingSimulator: false } },
      });
      const attached: AttachedEngine = await attachEngine(other);
      const lost = new Promise<void>((resolve) => attached.onLost(resolve));
      await attached.api.queue.status();
      await second.close();
      await lost;
      const { socketPath, tokenPath } = localEndpointOf(other);
      await expect(lstat(socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(lstat(tokenPath)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
