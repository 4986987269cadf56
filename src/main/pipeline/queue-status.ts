/**
 * The queue's status as a person sees it (Queue screen, `status`): the jobs the scheduler runs or
 * queues, the parked ones waiting for the person, today's counts and the budget. Computed from the
 * store and what the running pipeline knows; a library no engine runs has an idle queue
 * (`IDLE_QUEUE`), so `status` answers without loading the pipeline.
 */
import type { Generation, GenerationState, Store } from '../store/index';
import type { BudgetLedger } from './budget';
import type { Waiting } from './events';

export interface QueueJobStatus {
  generationId: number;
  presetName: string;
  inputName: string;
  state: GenerationState;
  progress: number | null;
  waiting: Waiting | null;
  updatedAt: string;
  /** The control image's library copy, null when the file was refused before it was copied (stored as ''). */
  controlRelPath: string | null;
}

export interface PipelineStatus {
  paused: boolean;
  waiting: Waiting | null;
  jobs: QueueJobStatus[];
  counts: { waiting: number; active: number; doneToday: number; failedToday: number };
  budget: { dailyLimit: number | null; monthlyLimit: number | null; spentToday: number; spentThisMonth: number };
}

/** What the running pipeline knows beyond the store. */
export interface QueueView {
  readonly activeIds: readonly number[];
  readonly queuedIds: readonly number[];
  readonly paused: boolean;
  /** What holds the whole queue, or null. */
  readonly hold: Waiting | null;
  /** Why this generation waits now, if it does (beyond an outcome-unknown row waiting for the person). */
  waitingOf(generation: Generation): Waiting | null;
  progressOf(generationId: number): number | null;
}

/** A library no engine runs: nothing active, nothing queued, nothing held. */
export const IDLE_QUEUE: QueueView = { activeIds: [], queuedIds: [], paused: false, hold: null, waitingOf: () => null, progressOf: () => null };

/** The error code of an outcome-unknown row whose POST was answered with an error: no job exists, it may be sent again. */
export const NO_JOB_CREATED = 'no-job-created';

/** Parked (outcome-unknown) generations the queue's status lists one by one; all are counted. */
const PARKED_LISTED = 200;

export function queueStatusOf(store: Store, budget: BudgetLedger, queue: QueueView): PipelineStatus {
  const listed = [...queue.activeIds, ...queue.queuedIds];
  const listedRows = listed.map((id) => store.generations.get(id)).filter((generation) => generation !== null);
  // Thousands may wait for the person (a long outage): list the oldest few, count them all (from
  // the index: reading every row cost `status` a tenth of a second at 8,000).
  const parked = store.generations
    .listByStates(['outcome-unknown'], { limit: PARKED_LISTED + listed.length })
    .filter((generation) => !listed.includes(generation.id))
    .slice(0, PARKED_LISTED);
  const parkedCount = store.generations.countByStates(['outcome-unknown']) - listedRows.filter((generation) => generation.state === 'outcome-unknown').length;
  const jobs: QueueJobStatus[] = [...listedRows, ...parked].map((generation) => jobStatus(store, generation, queue));
  const finishedToday = store.generations.finishedCountsSince(budget.startOfToday());
  const limits = budget.limits();
  const spent = budget.spent();
  return {
    paused: queue.paused,
    waiting: queue.hold,
    jobs,
    counts: { waiting: queue.queuedIds.length + parkedCount, active: queue.activeIds.length, doneToday: finishedToday.done ?? 0, failedToday: finishedToday.failed ?? 0 },
    budget: { dailyLimit: limits.daily, monthlyLimit: limits.monthly, spentToday: spent.today, spentThisMonth: spent.thisMonth },
  };
}

function jobStatus(store: Store, generation: Generation, queue: QueueView): QueueJobStatus {
  const waiting =
    queue.waitingOf(generation) ??
    (generation.state === 'outcome-unknown' && generation.errorCode !== NO_JOB_CREATED
      ? { reason: 'outcome-unknown' as const, message: generation.errorMessage ?? '', retryAt: null }
      : null);
  const input = store.inputs.get(generation.inputId);
  return {
    generationId: generation.id,
    presetName: store.presets.getVersion(generation.presetVersionId)?.name ?? '',
    inputName: input?.fileName ?? '',
    state: generation.state,
    progress: queue.progressOf(generation.id),
    waiting,
    updatedAt: new Date(generation.stateChangedAt).toISOString(),
    controlRelPath: input === null || input.libraryRelPath === '' ? null : input.libraryRelPath,
  };
}
