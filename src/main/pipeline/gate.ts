import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineEmitter, Waiting, WaitingReason } from './events';

export interface GateOptions {
  emitter: PipelineEmitter;
  now: () => number;
  /** One cheap request to Scenario; resolves when it answered. */
  probe: (signal: AbortSignal) => Promise<void>;
  /** First and longest pause between two probes while offline. */
  probeBackoff: { minMs: number; maxMs: number };
}

/** A budget wait is re-checked this often even when nothing pokes it (the day or month may roll over). */
const RECHECK_MS = 60_000;

/**
 * Everything that holds the queue: the person's pauses, no network, a rate limit, the budget. The
 * workers ask before each side effect and wait here; nothing is dropped. The gate reports the
 * queue-wide reason as `queue.paused` / `queue.resumed` events whenever it changes.
 */
export class QueueGate {
  readonly #options: GateOptions;
  readonly #closing = new AbortController();
  #pausedAll = false;
  readonly #pausedFolders = new Set<number>();
  #rateLimitedUntil = 0;
  #networkDown = false;
  #networkMessage = '';
  #budget: string | null = null;
  #outcomeUnknown = 0;
  #wakers = new Set<() => void>();
  #published: WaitingReason | null = null;

  constructor(options: GateOptions) {
    this.#options = options;
  }

  get pausedAll(): boolean {
    return this.#pausedAll;
  }

  isFolderPaused(folderId: number | null): boolean {
    return folderId !== null && this.#pausedFolders.has(folderId);
  }

  setPausedAll(paused: boolean): void {
    this.#pausedAll = paused;
    this.#changed();
  }

  setFolderPaused(folderId: number, paused: boolean): void {
    if (paused) this.#pausedFolders.add(folderId);
    else this.#pausedFolders.delete(folderId);
    this.#changed();
  }

  /** Scenario said 429: no submission until the time it gave. */
  rateLimited(retryAfterMs: number): void {
    this.#rateLimitedUntil = Math.max(this.#rateLimitedUntil, this.#options.now() + retryAfterMs);
    this.#changed();
    // Wake the waiters when the pause is over, so the queue resumes without any other event.
    void sleep(retryAfterMs + 5, undefined, { signal: this.#closing.signal }).then(() => this.#changed(), () => undefined);
  }

  /** A request could not reach Scenario: every worker waits until a probe gets through. */
  networkFailed(message: string): void {
    this.#networkMessage = message;
    if (this.#networkDown) return;
    this.#networkDown = true;
    this.#changed();
    void this.#probeUntilBack();
  }

  setBudgetBlock(message: string | null): void {
    if (message === this.#budget) return;
    this.#budget = message;
    this.#changed();
  }

  /** Submissions waiting for the person because their outcome is unknown, as last counted. */
  get outcomeUnknownCount(): number {
    return this.#outcomeUnknown;
  }

  setOutcomeUnknownCount(count: number): void {
    if (count === this.#outcomeUnknown) return;
    this.#outcomeUnknown = count;
    this.#changed();
  }

  /** Wakes every waiter to check again (settings changed, a job finished). */
  poke(): void {
    this.#changed();
  }

  /** The reason a submission from this folder must wait now, or null. */
  submissionBlock(folderId: number | null): Waiting | null {
    if (this.#pausedAll) return { reason: 'paused', message: 'The queue is paused. Resume it to continue.', retryAt: null };
    if (this.isFolderPaused(folderId)) return { reason: 'paused', message: 'This folder is paused. Resume it to continue.', retryAt: null };
    return this.networkBlock() ?? this.rateLimitBlock();
  }

  networkBlock(): Waiting | null {
    if (!this.#networkDown) return null;
    return { reason: 'network', message: `Waiting for network: ${this.#networkMessage} Jobs resume by themselves.`, retryAt: null };
  }

  budgetBlock(): Waiting | null {
    return this.#budget === null ? null : { reason: 'budget', message: this.#budget, retryAt: null };
  }

  /** Why the queue as a whole waits, most pressing first, or null. */
  waiting(): Waiting | null {
    if (this.#pausedAll) return this.submissionBlock(null);
    const outcomeUnknown: Waiting | null =
      this.#outcomeUnknown === 0
        ? null
        : {
            reason: 'outcome-unknown',
            message: `${this.#outcomeUnknown} generation(s) may or may not have started on Scenario and were not found in its job list. Check them in the history, then retry or cancel each one.`,
            retryAt: null,
          };
    return this.networkBlock() ?? this.rateLimitBlock() ?? this.budgetBlock() ?? outcomeUnknown;
  }

  /** Resolves once `block()` returns null; re-checks whenever the gate changes or the block's retryAt passes. */
  async waitUntilClear(block: () => Waiting | null, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const waiting = block();
      if (waiting === null) return;
      const until = waiting.retryAt === null ? RECHECK_MS : Math.max(5, Date.parse(waiting.retryAt) - this.#options.now());
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(until, RECHECK_MS));
        this.#wakers.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  close(): void {
    this.#closing.abort();
    for (const wake of [...this.#wakers]) wake();
  }

  /** Set while Scenario's 429 pause lasts. */
  rateLimitBlock(): Waiting | null {
    const now = this.#options.now();
    if (this.#rateLimitedUntil <= now) return null;
    const seconds = Math.ceil((this.#rateLimitedUntil - now) / 1000);
    return { reason: 'rate-limit', message: `Scenario asked to slow down: submissions resume in ${seconds} s.`, retryAt: new Date(this.#rateLimitedUntil).toISOString() };
  }

  #changed(): void {
    const waiting = this.waiting();
    const reason = waiting?.reason ?? null;
    if (reason !== this.#published) {
      const previous = this.#published;
      this.#published = reason;
      if (waiting !== null) this.#options.emitter.emit('queue.paused', { waiting });
      else if (previous !== null) this.#options.emitter.emit('queue.resumed', { after: previous });
    }
    for (const wake of [...this.#wakers]) wake();
  }

  async #probeUntilBack(): Promise<void> {
    const { minMs, maxMs } = this.#options.probeBackoff;
    let delay = minMs;
    const signal = this.#closing.signal;
    while (this.#networkDown && !signal.aborted) {
      try {
        await sleep(delay, undefined, { signal });
        await this.#options.probe(signal);
        this.#networkDown = false;
        this.#changed();
      } catch {
        delay = Math.min(maxMs, delay * 2);
      }
    }
  }
}
