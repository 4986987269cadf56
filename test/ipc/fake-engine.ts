/**
 * A tiny real implementation of the contract for tests: a few channels backed by in-memory data,
 * every other channel answering with a typed "not in this fixture" error. Not a mock: the
 * dispatcher, client and bridge run unchanged on top of it.
 */
import { UserFacingError } from '../../src/shared/errors';
import { channelNames, type ContractEvent, type ContractHandlers, type QueueStatus } from '../../src/shared/ipc/contract';

export class FixtureError extends UserFacingError {}

/** Every channel answering with a typed "not in this fixture" error; spread the channels a test provides over it. */
export function channelsNotInFixture(): ContractHandlers {
  return Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      async () => {
        throw new FixtureError('fixture.not-implemented', `${channel} is not part of this test fixture.`);
      },
    ]),
  ) as unknown as ContractHandlers;
}

export const FAKE_SECRET = 'sk-fake-secret-value-0123456789';

export interface FakeEngine {
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  emit(event: ContractEvent): void;
  paused(): boolean;
}

export function idleQueue(paused: boolean): QueueStatus {
  return {
    paused,
    waiting: paused ? { reason: 'paused', message: 'Paused by you.', retryAt: null } : null,
    jobs: [],
    counts: { waiting: 0, active: 0, doneToday: 0, failedToday: 0 },
    budget: { dailyLimit: null, monthlyLimit: null, spentToday: 0, spentThisMonth: 0 },
  };
}

export function createFakeEngine(): FakeEngine {
  const listeners = new Set<(event: ContractEvent) => void>();
  let paused = false;
  const favourites = new Map<string, boolean>();
  const emit = (event: ContractEvent) => {
    for (const listener of listeners) listener(event);
  };

  const notInFixture = channelsNotInFixture();

  const handlers: ContractHandlers = {
    ...notInFixture,
    'app.info': async () => ({
      version: '0.0.0-test',
      platform: 'test',
      libraryUrlBase: 'engine://unset/',
      usingSimulator: true,
      dataFolder: '/tmp/fake',
    }),
    'queue.status': async () => idleQueue(paused),
    'queue.pauseAll': async () => {
      paused = true;
      emit({ name: 'queue.paused', payload: { waiting: { reason: 'paused', message: 'Paused by you.', retryAt: null } } });
      emit({ name: 'queue.changed', payload: idleQueue(true) });
    },
    'queue.resumeAll': async () => {
      paused = false;
      emit({ name: 'queue.resumed', payload: {} });
    },
    'generations.setFavourite': async ({ id, favourite }) => {
      if (id === 'missing') throw new FixtureError('generation.not-found', 'That generation no longer exists. Reload the gallery.');
      favourites.set(id, favourite);
    },
    'credentials.testConnection': async () => {
      // An untyped failure whose message carries a secret, as a careless library might throw.
      throw new Error(`request failed: Authorization: Basic ${FAKE_SECRET}`);
    },
    'settings.get': async () =>
      // Breaks the contract on purpose (concurrency must be >= 1).
      ({ concurrency: 0, dailyBudget: null, monthlyBudget: null, libraryLocation: '/tmp/lib', defaultProcessedAction: 'leave' }),
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    paused: () => paused,
  };
}
