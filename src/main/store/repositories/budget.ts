import type { StoreContext } from '../context';

/**
 * Creative units spent: every charge (one per submission Scenario accepted, kept by a trigger),
 * and every submission on its way or whose answer was lost (submitting, outcome-unknown: its
 * estimated cost is on the row) from when it was sent: it may have been charged, so the budget
 * counts it until Scenario's answer or the job list settles it. The person's cancel or resend of
 * a lost submission does not: its estimate becomes a charge (it may have run). A map made from a
 * photo (detections) counts the same way.
 */
export function createBudgetRepository({ db, now }: StoreContext) {
  const spent = db.prepare<{ since: number; simulated: number }, { total: number }>(`
    SELECT
      (SELECT coalesce(sum(cost_cu), 0) FROM charges WHERE charged_at >= @since AND (simulated = 0 OR @simulated = 1))
      + (SELECT coalesce(sum(cost_cu), 0) FROM generations
        WHERE state IN ('submitting', 'outcome-unknown') AND cost_cu IS NOT NULL AND coalesce(error_code, '') <> 'no-job-created'
          AND state_changed_at >= @since AND (simulated = 0 OR @simulated = 1))
      -- Maps made from photos: charged once Scenario accepted them, counted from their POST on until then.
      + (SELECT coalesce(sum(cost_cu), 0) FROM detections
        WHERE cost_cu IS NOT NULL AND (simulated = 0 OR @simulated = 1)
          AND (charged_at >= @since OR (charged_at IS NULL AND state IN ('sending', 'outcome-unknown') AND state_changed_at >= @since))) AS total`);

  function spentSince(since: number, options: { includeSimulated?: boolean } = {}): number {
    return (spent.get({ since, simulated: options.includeSimulated ? 1 : 0 }) as { total: number }).total;
  }

  return {
    /** Simulated runs cost nothing real, so they are left out unless asked for. */
    spentSince,
    /** Since local midnight. */
    spentToday(options: { includeSimulated?: boolean } = {}): number {
      const start = new Date(now());
      start.setHours(0, 0, 0, 0);
      return spentSince(start.getTime(), options);
    },
    /** Since the first day of the local month. */
    spentThisMonth(options: { includeSimulated?: boolean } = {}): number {
      const start = new Date(now());
      start.setDate(1);
      start.setHours(0, 0, 0, 0);
      return spentSince(start.getTime(), options);
    },
  };
}

export type BudgetRepository = ReturnType<typeof createBudgetRepository>;
