import { UserFacingError } from '../../shared/errors';

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
  | 'canceled';

export class PipelineError extends UserFacingError<PipelineErrorCode> {
  override readonly name = 'PipelineError';
}
