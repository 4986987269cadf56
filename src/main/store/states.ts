import type { GenerationState } from './types';

/**
 * The generation state machine: which states may follow each state. Every transition is a
 * compare-and-set on the row, so two workers can never both move the same generation.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<GenerationState, readonly GenerationState[]>> = {
  detected: ['validated', 'failed', 'canceled'],
  validated: ['uploaded', 'failed', 'canceled'],
  uploaded: ['submitting', 'failed', 'canceled'],
  // Not cancelable: the POST may already have been charged, so a submitting row must end up
  // submitted, outcome-unknown (reconciled through GET /jobs) or failed. Back to validated only
  // when Scenario answered that it does not know the control image: no job exists, upload again.
  submitting: ['submitted', 'outcome-unknown', 'failed', 'validated'],
  // Reconciliation either finds the job, or proves it absent and allows one more submission.
  'outcome-unknown': ['submitted', 'submitting', 'failed', 'canceled', 'validated'],
  submitted: ['downloading', 'failed', 'canceled'],
  downloading: ['done', 'failed'],
  done: [],
  // A retry starts over; the uploaded asset id and attempts are kept on the row. A job that
  // succeeded but whose images could not be written (disk full) is downloaded again instead:
  // Scenario already charged it.
  failed: ['detected', 'downloading'],
  canceled: ['detected'],
};

export const TERMINAL_STATES: readonly GenerationState[] = ['done', 'failed', 'canceled'];

/** States a restart must pick up again. */
export const RESUMABLE_STATES: readonly GenerationState[] = (Object.keys(ALLOWED_TRANSITIONS) as GenerationState[]).filter(
  (state) => !TERMINAL_STATES.includes(state),
);

export function predecessorsOf(target: GenerationState): GenerationState[] {
  return (Object.keys(ALLOWED_TRANSITIONS) as GenerationState[]).filter((from) => ALLOWED_TRANSITIONS[from].includes(target));
}

/** Entering these states may still rebuild the request body (e.g. to carry the asset id): none is after the POST. */
export const REQUEST_REBUILDABLE_ON_ENTERING: readonly GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting'];
