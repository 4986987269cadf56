import type { GenerationState } from '../store/index';

/** Rows `status` lists: everything not finished, including the ones waiting for the person. */
export const ACTIVE_STATES_FOR_STATUS: readonly GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'outcome-unknown'];
