import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelNames, type ChannelName } from '../../src/shared/ipc/contract';
import { IPC_ERROR_CODES, replySchema, type Reply } from '../../src/shared/ipc/errors';
import { createDispatcher } from '../../src/shared/ipc/server';
import { createFakeEngine, FAKE_SECRET } from './fake-engine';

type Sender = { id: number };
const ourWindow: Sender = { id: 1 };

function setup() {
  const engine = createFakeEngine();
  const failures: string[] = [];
  const dispatch = createDispatcher<Sender>(engine.handlers, {
    isTrustedSender: (sender) => sender === ourWindow,
    onFailure: ({ code }) => failures.push(code),
  });
  return { engine, dispatch, failures };
}

/** A reply a window may see: the envelope shape, and no stack trace or secret anywhere in it. */
function expectSafeReply(reply: Reply) {
  expect(replySchema.safeParse(reply).success).toBe(true);
  const text = JSON.stringify(reply);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\.ts:\d+/);
  expect(text).not.toContain(FAKE_SECRET);
  if (!reply.ok) expect(Object.keys(reply.error).sort()).toEqual(['code', 'userMessage']);
}

const anyChannel = fc.constantFrom(...channelNames);

describe('createDispatcher', () => {
  it('answers a trusted, valid request with the handler value', async () => {
    const { dispatch } = setup();
    const reply = await dispatch('queue.status', undefined, ourWindow);
    expect(reply).toMatchObject({ ok: true, value: { paused: false, jobs: [] } });
  });

  it('refuses every request from a foreign sender, whatever the channel and payload, without calling the handler', async () => {
    const { dispatch, engine } = setup();
    await fc.assert(
      fc.asyncProperty(anyChannel, fc.anything(), fc.record({ id: fc.integer() }), async (channel, payload, stranger) => {
        const reply = await dispatch(channel, payload, stranger);
        expectSafeReply(reply);
        expect(reply).toEqual({ ok: false, error: { code: IPC_ERROR_CODES.untrustedSender, userMessage: expect.any(String) } });
      }),
      { numRuns: 200 },
    );
    await dispatch('queue.pauseAll', undefined, { id: 1 });
    expect(engine.paused()).toBe(false);
  });

  it('refuses unknown channels, including Object.prototype names and non-strings', async () => {
    const { dispatch } = setup();
    const unknownName = fc.oneof(
      fc.string().filter((name) => !(channelNames as string[]).includes(name)),
      fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'presets', 'presets.', '.list'),
      fc.anything().filter((value) => typeof value !== 'string'),
    );
    await fc.assert(
      fc.asyncProperty(unknownName, fc.anything(), async (channel, payload) => {
        const reply = await dispatch(channel, payload, ourWindow);
        expectSafeReply(reply);
        expect(reply.ok).toBe(false);
        if (!reply.ok) expect(reply.error.code).toBe(IPC_ERROR_CODES.unknownChannel);
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on malformed payloads: each reply is an answer, an invalid-input error or a typed handler error', async () => {
    const { dispatch } = setup();
    const allowedCodes = new Set<string>([IPC_ERROR_CODES.invalidInput, IPC_ERROR_CODES.invalidOutput, IPC_ERROR_CODES.internal, 'fixture.not-implemented', 'generation.not-found']);
    await fc.assert(
      fc.asyncProperty(anyChannel, fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), async (channel, payload) => {
        const reply = await dispatch(channel, payload, ourWindow);
        expectSafeReply(reply);
        if (!reply.ok) expect(allowedCodes.has(reply.error.code), reply.error.code).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('names the offending field when the input is invalid', async () => {
    const { dispatch } = setup();
    const cases: Array<[ChannelName, unknown, string]> = [
      ['presets.get', { id: 5 }, 'id'],
      ['generations.setRating', { id: 'g1', rating: 9 }, 'rating'],
      ['folders.add', { path: '/in', presetIds: ['p'], options: { processedAction: 'shred' } }, 'options.processedAction'],
      ['generations.page', { limit: 10, filters: { states: ['exploded'] } }, 'filters.states.0'],
      ['presets.get', 'not-an-object', 'input'],
    ];
    for (const [channel, payload, field] of cases) {
      const reply = await dispatch(channel, payload, ourWindow);
      expect(reply.ok, channel).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe(IPC_ERROR_CODES.invalidInput);
        expect(reply.error.userMessage).toContain(channel);
        expect(reply.error.userMessage).toContain(`${field}:`);
      }
    }
  });

  it('never echoes a rejected value back, so a secret typed into the wrong field stays out of the reply', async () => {
    const { dispatch } = setup();
    const reply = await dispatch('credentials.save', { apiKey: 'key', apiSecret: FAKE_SECRET.repeat(40) }, ourWindow);
    expect(reply.ok).toBe(false);
    expectSafeReply(reply);
  });

  it('passes a typed handler error through as { code, userMessage } only', async () => {
    const { dispatch } = setup();
    const reply = await dispatch('generations.setFavourite', { id: 'missing', favourite: true }, ourWindow);
    expect(reply).toEqual({ ok: false, error: { code: 'generation.not-found', userMessage: 'That generation no longer exists. Reload the gallery.' } });
  });

  it('turns an untyped handler error into a generic internal error that carries none of its message', async () => {
    const { dispatch, failures } = setup();
    const reply = await dispatch('credentials.testConnection', undefined, ourWindow);
    expectSafeReply(reply);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe(IPC_ERROR_CODES.internal);
    expect(failures).toContain(IPC_ERROR_CODES.internal);
  });

  it('refuses to pass on a handler answer that breaks the contract', async () => {
    const { dispatch } = setup();
    const reply = await dispatch('settings.get', undefined, ourWindow);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe(IPC_ERROR_CODES.invalidOutput);
  });

  it('survives a sender check that throws', async () => {
    const dispatch = createDispatcher<Sender>(createFakeEngine().handlers, {
      isTrustedSender: () => {
        throw new Error(`boom ${FAKE_SECRET}`);
      },
    });
    const reply = await dispatch('queue.status', undefined, ourWindow);
    expectSafeReply(reply);
    expect(reply.ok).toBe(false);
  });
});
