/** Why the pipeline could not take a file or a generation further, told so a person knows what to do. */
export type PipelineErrorCode =
  | 'invalid-input'
  | 'input-unreadable'
  | 'invalid-preset'
  | 'no-credentials'
  | 'not-found'
  | 'not-retryable'
  | 'home-in-use';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';

  constructor(
    readonly code: PipelineErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

/** The person-readable text of anything thrown (typed errors carry one; others only a message). */
export function userMessageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'userMessage' in error && typeof error.userMessage === 'string') return error.userMessage;
  return error instanceof Error ? error.message : String(error);
}
