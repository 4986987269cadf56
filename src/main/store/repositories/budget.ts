import type { StoreContext } from '../context';

/**
 * Creative units spent: every charge (one per submission Scenario accepted, kept by a trigger),
 * and every submission on its way or whose answer was lost (submitting, outcome-unknown: its
 * estimated cost is on the row) from when it was sent: it may have been charged, so the budget
 * counts it until Scenario's answer or the job list settles it. The person's cancel or resend of
 * a lost submission does not: its estimate becomes a charge (it may have run).
 */
export function createBudgetRepository({ db, now }: StoreContext) {
  const spent = db.prepare<[number, number, number, number], { total: number }>(`
    SELECT
      (SELECT coalesce(sum(cost_cu), 0) FROM charges WHERE charged_at >= ? AND (simulated = 0 OR ? = 1))
      + (SELECT coalesce(sum(cost_cu), 0) FROM generations
        WHERE state IN ('submitting', 'outcome-unknown') AND cost_cu IS NOT NULL AND coalesce(error_code, '') <> 'no-job-created'
          AND state_changed_at >= ? AND (simulated = 0 OR ? = 1)) AS total`);

  function spentSince(since: number, options: { includeSimulated?: boolean } = {}): number {
    const simulated = options.includeSimulated ? 1 : 0;
    return (spent.get(since, simulated, since, simulated) as { total: number }).total;
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
