import { UserFacingError } from '../../shared/errors';

/**
 * Why a sync stopped before its end. Its work so far is kept either way: the next sync goes on
 * from where this one stopped.
 * - unreachable: Scenario could not be reached (or kept refusing with 5xx / 429) for longer than the wait;
 * - interrupted: stopped on purpose (Ctrl-C, closing, a test's stop).
 */
export type SyncErrorCode = 'unreachable' | 'interrupted';

export class SyncError extends UserFacingError<SyncErrorCode> {
  override readonly name = 'SyncError';
}
