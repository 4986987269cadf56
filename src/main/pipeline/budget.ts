import type { Clock } from '../../shared/clock';
import type { Store } from '../store/index';
import type { Waiting } from './events';
import type { WaitKey } from './holds';

export const BUDGET_SETTING_KEYS = { daily: 'dailyBudget', monthly: 'monthlyBudget' } as const;

export interface BudgetLimits {
  daily: number | null;
  monthly: number | null;
}

/**
 * What the budget allows: creative units spent (recorded on rows), reserved (a submission decided
 * and on its way), and the costs of the submissions waiting for room. The queue's budget hold is
 * computed from these, for the cheapest waiting job, so it names one job's cost whatever the
 * number of waiting jobs, and a cheaper job can go while a dearer one waits.
 */
export class BudgetLedger {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #simulated: () => boolean;
  /** Generation → creative units it will cost once sent; between the decision and the row recording it. */
  readonly #reserved = new Map<WaitKey, number>();
  /** Generation → creative units of a submission that waits for its turn. */
  readonly #waiting = new Map<WaitKey, number>();

  constructor(store: Store, clock: Clock, simulated: () => boolean) {
    this.#store = store;
    this.#clock = clock;
    this.#simulated = simulated;
  }

  limits(): BudgetLimits {
    const read = (key: string): number | null => {
      const value = this.#store.settings.get(key);
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    };
    return { daily: read(BUDGET_SETTING_KEYS.daily), monthly: read(BUDGET_SETTING_KEYS.monthly) };
  }

  spent(): { today: number; thisMonth: number } {
    const spend = { includeSimulated: this.#simulated() };
    return { today: this.#store.budget.spentToday(spend), thisMonth: this.#store.budget.spentThisMonth(spend) };
  }

  /** Why a submission of `cost` must wait for budget now, or null. Only reads. */
  blockFor(cost: number | null): Waiting | null {
    if (cost === null) return null;
    const limits = this.limits();
    if (limits.daily === null && limits.monthly === null) return null;
    const spent = this.spent();
    const reserved = this.#reservedTotal();
    const checks = [
      { limit: limits.daily, spent: spent.today + reserved, period: 'Daily', until: 'tomorrow' },
      { limit: limits.monthly, spent: spent.thisMonth + reserved, period: 'Monthly', until: 'next month' },
    ];
    for (const { limit, spent: counted, period, until } of checks) {
      if (limit !== null && counted + cost > limit) {
        return {
          reason: 'budget',
          message: `${period} budget reached: ${round(counted)} of ${round(limit)} creative units spent and the next job costs ${round(cost)}. The queue waits (nothing is dropped); raise the budget in Settings or wait until ${until}.`,
          retryAt: null,
        };
      }
    }
    return null;
  }

  /** The queue's budget hold: the cheapest waiting submission does not fit. */
  queueHold(): Waiting | null {
    if (this.#waiting.size === 0) return null;
    return this.blockFor(Math.min(...this.#waiting.values()));
  }

  /** This generation waits to be sent for `cost` (null: no budget applies). */
  waits(generationId: WaitKey, cost: number | null): void {
    if (cost === null) this.#waiting.delete(generationId);
    else this.#waiting.set(generationId, cost);
  }

  /** It is being sent: its cost counts as spent until the row records it. */
  reserve(generationId: WaitKey, cost: number | null): void {
    this.#waiting.delete(generationId);
    if (cost !== null) this.#reserved.set(generationId, cost);
  }

  /** It stopped waiting, or its cost is now on its row (or it was never charged). */
  release(generationId: WaitKey): void {
    this.#waiting.delete(generationId);
    this.#reserved.delete(generationId);
  }

  /** The start of the budget day, for the queue's "done today" counts. */
  startOfToday(): number {
    const start = new Date(this.#clock.now());
    start.setHours(0, 0, 0, 0);
    return start.getTime();
  }

  #reservedTotal(): number {
    let total = 0;
    for (const cost of this.#reserved.values()) total += cost;
    return total;
  }
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
