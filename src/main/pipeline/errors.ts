import { UserFacingError } from '../../shared/errors';
import type { ScenarioError } from '../scenario/index';

/** Why the pipeline could not take a file or a generation further, told so a person knows what to do. */
export type PipelineErrorCode =
  | 'invalid-input'
  | 'input-unreadable'
  | 'invalid-preset'
  | 'no-credentials'
  | 'not-found'
  | 'not-retryable'
  | 'not-reproducible'
  | 'no-seed'
  | 'home-in-use'
  | 'illegal-transition'
  | 'canceled'
  | 'outcome-unknown';

export class PipelineError extends UserFacingError<PipelineErrorCode> {
  override readonly name = 'PipelineError';
}

/**
 * 401: the key itself is refused. A 403 is not the key's: a model above the plan (see
 * isModelError), or a signed download link that expired (fetched again).
 */
export function isRefusedKey(error: ScenarioError): boolean {
  return error.code === 'auth';
}

/** Scenario's answer names the model: it is not found, or not on this key's plan. */
export function isModelError(error: ScenarioError): boolean {
  if (error.code !== 'not-found' && error.code !== 'forbidden') return false;
  return /\bmodel\b/i.test(error.serverMessage ?? '');
}
