import { userMessageOf as messageOf } from '../../shared/errors';

/**
 * Every error that reaches the window from the engine is an IpcError with a `userMessage`
 * written for a person; anything else (a bug in the window) gets a generic sentence.
 */
export function userMessageOf(error: unknown): string {
  return messageOf(error, 'Something went wrong in this window. Try again, or reload the window.');
}
