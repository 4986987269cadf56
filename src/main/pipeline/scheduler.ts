/**
 * Which generations run now: a queue in arrival order (ids grow with arrival, resumed rows
 * included), at most `concurrency` drives at once, jobs held alone (a paused folder, a model
 * Scenario refuses) skipped. It owns the queue and the running drives; what a drive does is the
 * pipeline's.
 */

/** What the scheduler knows of a queued generation to tell whether it is held alone. */
export interface JobKey {
  folderId: number | null;
  modelId: string;
}

export interface SchedulerOptions {
  concurrency: number;
  /** Runs one generation as far as it can go now. */
  drive: (generationId: number) => Promise<void>;
  /** A drive threw: told, never thrown (the queue goes on). */
  onUnexpected: (generationId: number, error: unknown) => void;
  /** Called after a drive ended (its per-run state can go). */
  onEnded: (generationId: number) => void;
  isPaused: () => boolean;
  /** This job is held alone now (not the whole queue): it is left in line and others start. */
  isHeld: (key: JobKey) => boolean;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  #concurrency: number;
  /** Runnable generation ids, oldest first. */
  readonly #queue: number[] = [];
  readonly #keyOf = new Map<number, JobKey>();
  readonly #active = new Map<number, Promise<void>>();
  /** Generations asked to run while already running: they run again when the current drive ends. */
  readonly #runAgain = new Set<number>();
  /** Other work the queue waits for before it is idle (intakes of files). */
  #otherWork = 0;
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#concurrency = Math.max(1, options.concurrency);
  }

  get activeIds(): number[] {
    return [...this.#active.keys()];
  }

  get queuedIds(): readonly number[] {
    return this.#queue;
  }

  isActive(generationId: number): boolean {
    return this.#active.has(generationId);
  }

  setConcurrency(limit: number): void {
    this.#concurrency = Math.max(1, Math.trunc(limit));
    this.pump();
  }

  schedule(generationId: number, key: JobKey): void {
    if (this.#closed) return;
    this.#keyOf.set(generationId, key);
    if (this.#queue.includes(generationId)) return;
    if (this.#active.has(generationId)) {
      // Asked again while running (a retry during the start-up resume): the running drive may
      // have read the row before the request, so it runs once more after this one ends.
      this.#runAgain.add(generationId);
      return;
    }
    let index = this.#queue.length;
    while (index > 0 && (this.#queue[index - 1] as number) > generationId) index -= 1;
    this.#queue.splice(index, 0, generationId);
    this.pump();
  }

  /** Takes a generation out of the queue (canceled before it ran); a running drive ends by itself. */
  unschedule(generationId: number): void {
    const index = this.#queue.indexOf(generationId);
    if (index >= 0) this.#queue.splice(index, 1);
    this.#runAgain.delete(generationId);
    if (!this.#active.has(generationId)) this.#keyOf.delete(generationId);
  }

  pump(): void {
    if (this.#closed || this.#options.isPaused()) return;
    while (this.#active.size < this.#concurrency) {
      const index = this.#queue.findIndex((id) => {
        const key = this.#keyOf.get(id);
        return key === undefined || !this.#options.isHeld(key);
      });
      if (index < 0) break;
      const [id] = this.#queue.splice(index, 1) as [number];
      // The drive starts in the next microtask, once it counts as active: anything it does at once
      // (a hold that changes and pumps again) sees the slot taken.
      const run = Promise.resolve()
        .then(() => this.#options.drive(id))
        .catch((error: unknown) => this.#options.onUnexpected(id, error))
        .finally(() => {
          this.#active.delete(id);
          this.#options.onEnded(id);
          const key = this.#keyOf.get(id);
          if (this.#runAgain.delete(id) && key !== undefined) this.schedule(id, key);
          else this.#keyOf.delete(id);
          this.pump();
          this.#settleIdle();
        });
      this.#active.set(id, run);
    }
  }

  /** Counts work outside the queue that idle() waits for; returns its end. */
  beginOtherWork(): () => void {
    this.#otherWork += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#otherWork -= 1;
      this.#settleIdle();
    };
  }

  /** Resolves when nothing is queued, running or taken in (a paused queue counts as idle). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#settleIdle();
    });
  }

  /** Stops taking work; resolves when every running drive has ended. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    await Promise.allSettled([...this.#active.values()]);
  }

  #settleIdle(): void {
    if (this.#queue.length > 0 && !this.#options.isPaused()) return;
    if (this.#active.size > 0 || this.#otherWork > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
