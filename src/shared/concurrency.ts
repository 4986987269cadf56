/**
 * Runs at most `limit` tasks at once; the others wait their turn in arrival order. A finishing
 * task hands its place straight to the oldest waiting one, so no later arrival can overtake it.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A concurrency limit must be a whole number of at least 1, not ${limit}.`);
  }

  /** Tasks running now (never more than the limit). */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a place. */
  get pending(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }
}
