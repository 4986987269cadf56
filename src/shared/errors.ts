/**
 * The one shape of every failure a person can act on: callers branch on `code`, people read
 * `userMessage`, which says what happened and what to do, and never holds a secret.
 */
export class UserFacingError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

/**
 * The person-readable text of anything thrown: typed errors carry one; for anything else the
 * `fallback`, or the error's own message when there is none.
 */
export function userMessageOf(error: unknown, fallback?: string): string {
  if (typeof error === 'object' && error !== null && 'userMessage' in error && typeof error.userMessage === 'string') return error.userMessage;
  if (fallback !== undefined) return fallback;
  return error instanceof Error ? error.message : String(error);
}
