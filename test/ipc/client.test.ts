import { describe, expect, it } from 'vitest';
import { createApi, type IpcTransport } from '../../src/shared/ipc/client';
import { channelNames, type EventPayload } from '../../src/shared/ipc/contract';
import { IPC_ERROR_CODES, IpcError } from '../../src/shared/ipc/errors';
import { createDispatcher } from '../../src/shared/ipc/server';
import { createFakeEngine } from './fake-engine';

/** The same path as Electron IPC minus the process hop: client → dispatcher → handlers, events back. */
function loopback() {
  const engine = createFakeEngine();
  const window = { id: 1 };
  const dispatch = createDispatcher(engine.handlers, { isTrustedSender: (sender) => sender === window });
  const transport: IpcTransport = {
    invoke: (channel, payload) => dispatch(channel, structuredClone(payload), window),
    subscribe: (event, listener) => engine.onEvent((e) => e.name === event && listener(structuredClone(e.payload))),
  };
  return { engine, api: createApi(transport) };
}

describe('createApi', () => {
  it('offers one method per contract channel, grouped by domain', () => {
    const { api } = loopback();
    const methods = api as unknown as Record<string, Record<string, unknown>>;
    for (const channel of channelNames) {
      const [domain, method] = channel.split('.') as [string, string];
      expect(typeof methods[domain]?.[method], channel).toBe('function');
    }
  });

  it('calls through and returns the validated answer', async () => {
    const { api } = loopback();
    await api.queue.pauseAll();
    expect((await api.queue.status()).paused).toBe(true);
  });

  it('throws IpcError with the code and message of a typed failure', async () => {
    const { api } = loopback();
    const error = await api.generations.setFavourite({ id: 'missing', favourite: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ code: 'generation.not-found', userMessage: expect.stringContaining('Reload') });
  });

  it('throws IpcError for an invalid input instead of sending nonsense silently', async () => {
    const { api } = loopback();
    const error = await api.generations.setRating({ id: 'g', rating: 11 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: IPC_ERROR_CODES.invalidInput });
  });

  it('delivers events to listeners until they unsubscribe', async () => {
    const { api } = loopback();
    const seen: Array<EventPayload<'queue.paused'>> = [];
    const stop = api.on('queue.paused', (payload) => seen.push(payload));
    await api.queue.pauseAll();
    stop();
    await api.queue.pauseAll();
    expect(seen).toEqual([{ waiting: { reason: 'paused', message: 'Paused by you.', retryAt: null } }]);
  });

  it('drops an event whose payload breaks the contract', async () => {
    const { api, engine } = loopback();
    const seen: unknown[] = [];
    api.on('job.progress', (payload) => seen.push(payload));
    const errors = console.error;
    console.error = () => undefined;
    try {
      engine.emit({ name: 'job.progress', payload: { generationId: 'g', state: 'submitted', progress: 7 } });
      engine.emit({ name: 'job.progress', payload: { generationId: 'g', state: 'submitted', progress: 0.5 } });
    } finally {
      console.error = errors;
    }
    expect(seen).toEqual([{ generationId: 'g', state: 'submitted', progress: 0.5 }]);
  });

  it('turns an unreadable reply or a broken transport into IpcError', async () => {
    const garbage = createApi({ invoke: async () => ({ ok: 'maybe' }), subscribe: () => () => undefined });
    await expect(garbage.queue.status()).rejects.toMatchObject({ code: IPC_ERROR_CODES.invalidReply });
    const wrongShape = createApi({ invoke: async () => ({ ok: true, value: { paused: 'no' } }), subscribe: () => () => undefined });
    await expect(wrongShape.queue.status()).rejects.toMatchObject({ code: IPC_ERROR_CODES.invalidReply });
    const broken = createApi({ invoke: () => Promise.reject(new Error('socket gone')), subscribe: () => () => undefined });
    await expect(broken.queue.status()).rejects.toMatchObject({ code: IPC_ERROR_CODES.transport });
  });
});
