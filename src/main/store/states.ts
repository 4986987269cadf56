import { allowedTransitions } from '../../shared/generation-machine';
import type { GenerationState } from './types';

/**
 * Which states may follow each state, derived from the pipeline's declared machine
 * (src/shared/generation-machine.ts). Every transition is a compare-and-set on the row, so two
 * workers can never both move the same generation, and no move outside the table is possible.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<GenerationState, readonly GenerationState[]>> = allowedTransitions();

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
