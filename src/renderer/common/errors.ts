/**
 * Every error that reaches the window from the engine is an IpcError with a `userMessage`
 * written for a person; anything else (a bug in the window) gets a generic sentence.
 */
export function userMessageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'userMessage' in error && typeof error.userMessage === 'string') {
    return error.userMessage;
  }
  return 'Something went wrong in this window. Try again, or reload the window.';
}
