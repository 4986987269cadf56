import type { WaitingReason } from '../../shared/ipc/contract';

/** Why something waits, in the words an artist would use; the engine's message adds the specifics. */
export const WAITING_WORDS: Record<WaitingReason, string> = {
  network: 'Waiting for the network: Scenario cannot be reached. It continues by itself when the connection is back.',
  budget: 'Waiting for budget: the spending limit is reached. Raise it in Settings, or it continues when the period resets.',
  'rate-limit': 'Waiting: Scenario asked us to slow down. It continues by itself shortly.',
  'outcome-unknown': 'Checking with Scenario whether this was already received, so it is never paid for twice.',
  paused: 'Paused. Resume to continue.',
};
