import type { StoreContext } from '../context';

/** Creative units spent, counted when the generate POST was answered (submitted_at). */
export function createBudgetRepository({ db, now }: StoreContext) {
  const spent = db.prepare<[number, number], { total: number }>(`
    SELECT coalesce(sum(cost_cu), 0) AS total FROM generations
    WHERE cost_cu IS NOT NULL AND submitted_at >= ? AND (simulated = 0 OR ? = 1)`);

  function spentSince(since: number, options: { includeSimulated?: boolean } = {}): number {
    return (spent.get(since, options.includeSimulated ? 1 : 0) as { total: number }).total;
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
