import type { QueueJob, QueueStatus, Waiting, WaitingReason } from '../../shared/ipc/contract';
import { isFinished } from '../common/format';

/** Why something waits, as a short title (a badge, a banner's heading); the engine's message says the specifics. */
export const WAITING_TITLES: Record<WaitingReason, string> = {
  paused: 'Paused',
  credentials: 'API key refused',
  network: 'Waiting for the network',
  'rate-limit': 'Slowed down by Scenario',
  budget: 'Waiting for budget',
  model: 'Model unavailable',
  disk: 'Library disk full',
  'outcome-unknown': 'Checking with Scenario',
};

/** Said only when the engine gave no message of its own, so nothing is said twice. */
const WAITING_EXPLANATIONS: Record<WaitingReason, string> = {
  paused: 'Resume to continue.',
  credentials: 'Scenario refused the API key. Save a valid key in Settings; every file waits in its folder meanwhile.',
  network: 'Scenario cannot be reached. It continues by itself when the connection is back.',
  'rate-limit': 'Scenario asked us to slow down. It continues by itself shortly.',
  budget: 'The spending limit is reached. Raise it in Settings, or it continues when the period resets.',
  model: 'Scenario does not offer this model to this key. Its jobs wait; cancel them or check the model in Scenario.',
  disk: 'The library disk is full. Free some space; downloads continue by themselves.',
  'outcome-unknown': 'Checking whether Scenario already received this, so it is never paid for twice.',
};

/** Some engine messages open with a title of their own ("Waiting for network: …"); ours is shown beside them. */
const OWN_TITLE = /^waiting[^:.]{0,40}:\s*/i;

/** The engine's message for a wait, said once: without a title of its own, or our explanation when it has none. */
export function waitingText(waiting: Waiting): string {
  return waiting.message.trim().replace(OWN_TITLE, '') || WAITING_EXPLANATIONS[waiting.reason];
}

/** What a running job is doing, in the words a tile and a queue row say it. */
const LIVE_WORDS: Record<QueueJob['state'], string> = {
  detected: 'Queued',
  validated: 'Uploading',
  uploaded: 'Sending',
  submitting: 'Sending',
  submitted: 'Generating',
  downloading: 'Downloading',
  'outcome-unknown': 'Checking with Scenario',
  done: 'Done',
  failed: 'Failed',
  canceled: 'Cancelled',
};

/** A job's state as the person reads it: its wait's title when it waits, else what it is doing (with its progress). */
export function liveLabel(state: QueueJob['state'], waiting: Waiting | null, progress: number | null = null): string {
  if (waiting) return `Waiting: ${WAITING_TITLES[waiting.reason]}`;
  return progress === null || isFinished(state) ? LIVE_WORDS[state] : `${LIVE_WORDS[state]} ${Math.round(progress * 100)} %`;
}

/** States before anything reached Scenario: these are held by a queue-wide wait (network, budget, pause). */
const NOT_YET_SENT = new Set<QueueJob['state']>(['detected', 'validated', 'uploaded']);

/** What a row waits for: its own reason, or the whole queue's when it cannot move past it. */
export function waitingOf(job: QueueJob, status: Pick<QueueStatus, 'waiting'>): Waiting | null {
  if (job.waiting) return job.waiting;
  if (status.waiting && !isFinished(job.state) && NOT_YET_SENT.has(job.state)) return status.waiting;
  return null;
}

/**
 * The header's counts, with every row that waits counted as waiting. The engine counts a job it
 * has started as active even while that job is held (offline, over budget); its total is kept.
 */
export function queueCounts(status: QueueStatus): QueueStatus['counts'] {
  const { counts } = status;
  const total = counts.active + counts.waiting;
  const waiting = Math.min(total, Math.max(counts.waiting, status.jobs.filter((job) => waitingOf(job, status) !== null).length));
  return { ...counts, waiting, active: total - waiting };
}
