import type { Clock } from '../../shared/clock';
import type { BudgetLedger } from './budget';
import { PipelineError } from './errors';
import type { PipelineEmitter, Waiting } from './events';

export interface HoldsOptions {
  emitter: PipelineEmitter;
  clock: Clock;
  budget: BudgetLedger;
  /** One cheap request to Scenario; resolves when it answered. */
  probe: (signal: AbortSignal) => Promise<void>;
  /** Any fact changed: jobs held alone (a paused folder, a model) may be startable again. */
  onChange?: () => void;
  /** Asks Scenario whether it takes the current key now: true only when it answered yes. */
  keyTaken: (signal: AbortSignal) => Promise<boolean>;
  /** First and longest pause between two probes while offline. */
  probeBackoff: { minMs: number; maxMs: number };
  /** How long a full disk or an unavailable model holds before it is tried again (neither sends an event when it ends); the first pause before a refused key is asked about again. */
  recheckMs: number;
}

/** What a submission is held by: its folder's pause, its model, its cost. */
export interface SubmissionFacts {
  folderId: number | null;
  modelId: string;
  cost: number | null;
}

/** Who waits: a generation by its id, or a map being made from a photo (`detection <id>`). */
export type WaitKey = number | `detection ${number}`;

/** Held waits are looked at again this often even when nothing changes (a day rolls over). */
const RECHECK_MS = 60_000;
/** The longest pause between two checks of a refused key. */
const KEY_RECHECK_MAX_MS = 10 * 60_000;

/**
 * Everything that holds work, in one place: the person's pauses and the problems of the process
 * (a refused key, no network, a rate limit, the budget, a model Scenario does not offer, a full
 * disk). Each problem is a fact set by whoever met it; what holds a submission, a request or the
 * whole queue is computed from those facts and the budget ledger, never written by a waiting job,
 * so no wait can wake another into writing back. The queue-wide reason is published as
 * `queue.paused` / `queue.resumed` whenever a fact changes it.
 */
export class Holds {
  readonly #options: HoldsOptions;
  readonly #closing = new AbortController();
  #pausedAll = false;
  readonly #pausedFolders = new Set<number>();
  #credentials: string | null = null;
  #network: string | null = null;
  #rateLimitedUntil = 0;
  #disk: string | null = null;
  readonly #models = new Map<string, string>();
  #outcomeUnknown = 0;
  /** Each generation that waits now, and for what (the queue's status lists it). */
  readonly #waiting = new Map<WaitKey, Waiting>();
  /** Waiting generations the person canceled: their waits end at once and give up their slots. */
  readonly #abandoned = new Set<WaitKey>();
  /** Bumped by each refusal of a key and each new key: a recheck of an older one stops. */
  #keyRecheck = 0;
  readonly #wakers = new Set<() => void>();
  #published: Waiting | null = null;

  constructor(options: HoldsOptions) {
    this.#options = options;
  }

  // ------------------------------------------------------------- facts (each one wakes the waits)

  get pausedAll(): boolean {
    return this.#pausedAll;
  }

  isFolderPaused(folderId: number | null): boolean {
    return folderId !== null && this.#pausedFolders.has(folderId);
  }

  setPausedAll(paused: boolean): void {
    this.#pausedAll = paused;
    this.changed();
  }

  setFolderPaused(folderId: number, paused: boolean): void {
    if (paused) this.#pausedFolders.add(folderId);
    else this.#pausedFolders.delete(folderId);
    this.changed();
  }

  /** Scenario refused the key (401/403 on a request that needs no particular model). */
  credentialsRefused(message: string): void {
    if (this.#credentials === message) return;
    const wasRefused = this.#credentials !== null;
    this.#credentials = message;
    this.changed();
    if (!wasRefused) void this.#recheckKeyUntilTaken((this.#keyRecheck += 1));
  }

  /** A new key (or connection) is in place: everything held by the old one tries again. */
  connectionChanged(): void {
    this.#keyRecheck += 1;
    this.#credentials = null;
    this.#models.clear();
    this.changed();
  }

  /** A request could not reach Scenario: every request waits until a probe gets through. */
  networkFailed(message: string): void {
    const wasDown = this.#network !== null;
    this.#network = message;
    if (wasDown) return;
    this.changed();
    void this.#probeUntilBack();
  }

  /** Scenario said 429: no submission until the time it gave. */
  rateLimited(retryAfterMs: number): void {
    this.#rateLimitedUntil = Math.max(this.#rateLimitedUntil, this.#options.clock.now() + retryAfterMs);
    this.changed();
    // Wake the waits when the pause is over, so the queue resumes without any other event.
    this.#later(retryAfterMs + 5, () => this.changed());
  }

  /** The library disk is full: downloads and submissions wait, and the disk is tried again later. */
  diskFull(message: string): void {
    const wasFull = this.#disk !== null;
    this.#disk = message;
    this.changed();
    if (!wasFull) {
      this.#later(this.#options.recheckMs, () => {
        this.#disk = null;
        this.changed();
      });
    }
  }

  /** Scenario does not offer this model to this key (not found, or not on the plan). */
  modelUnavailable(modelId: string, message: string): void {
    if (this.#models.get(modelId) === message) return;
    this.#models.set(modelId, message);
    this.changed();
    // Looked at again later: a plan may be upgraded or the model shared again.
    this.#later(this.#options.recheckMs, () => {
      if (this.#models.delete(modelId)) this.changed();
    });
  }

  setOutcomeUnknownCount(count: number): void {
    if (count === this.#outcomeUnknown) return;
    this.#outcomeUnknown = count;
    this.changed();
  }

  /** Something a hold reads changed elsewhere (a setting, the budget ledger): publish and wake. */
  changed(): void {
    const waiting = this.queueHold();
    const previous = this.#published;
    if (waiting?.reason !== previous?.reason || (waiting !== null && waiting.message !== previous?.message)) {
      this.#published = waiting;
      if (waiting !== null) this.#options.emitter.emit('queue.paused', { waiting });
      else if (previous !== null) this.#options.emitter.emit('queue.resumed', { after: previous.reason });
    }
    for (const wake of [...this.#wakers]) wake();
    this.#options.onChange?.();
  }

  // ------------------------------------------------------------- computed holds (pure)

  /** What holds any request to Scenario now: a refused key, or no network. */
  requestHold(): Waiting | null {
    if (this.#credentials !== null) return { reason: 'credentials', message: this.#credentials, retryAt: null };
    if (this.#network !== null) return { reason: 'network', message: `Waiting for network: ${this.#network} Jobs resume by themselves.`, retryAt: null };
    return null;
  }

  /** What holds writing downloaded images now. */
  downloadHold(): Waiting | null {
    return this.requestHold() ?? this.#diskHold();
  }

  /** What holds sending this generation now, most pressing first. */
  submissionHold(facts: SubmissionFacts): Waiting | null {
    if (this.#pausedAll) return { reason: 'paused', message: 'The queue is paused. Resume it to continue.', retryAt: null };
    return this.jobHold(facts) ?? this.requestHold() ?? this.rateLimitHold() ?? this.#diskHold() ?? this.#options.budget.blockFor(facts.cost);
  }

  /**
   * What holds this job but not the queue: its folder's pause, or its model. Such a job gives its
   * slot to other work while it waits (the scheduler skips it until the hold ends).
   */
  jobHold(facts: Pick<SubmissionFacts, 'folderId' | 'modelId'>): Waiting | null {
    if (this.isFolderPaused(facts.folderId)) return { reason: 'paused', message: 'This folder is paused. Resume it to continue.', retryAt: null };
    return this.#modelHold(facts.modelId);
  }

  /** Why the queue as a whole waits now, most pressing first, or null. */
  queueHold(): Waiting | null {
    if (this.#pausedAll) return { reason: 'paused', message: 'The queue is paused. Resume it to continue.', retryAt: null };
    const firstModel = this.#models.keys().next();
    return (
      this.requestHold() ??
      this.rateLimitHold() ??
      this.#diskHold() ??
      (firstModel.done === true ? null : this.#modelHold(firstModel.value)) ??
      this.#options.budget.queueHold() ??
      this.#outcomeUnknownHold()
    );
  }

  /** Set while Scenario's 429 pause lasts. */
  rateLimitHold(): Waiting | null {
    const now = this.#options.clock.now();
    if (this.#rateLimitedUntil <= now) return null;
    const seconds = Math.ceil((this.#rateLimitedUntil - now) / 1000);
    return { reason: 'rate-limit', message: `Scenario asked to slow down: submissions resume in ${seconds} s.`, retryAt: new Date(this.#rateLimitedUntil).toISOString() };
  }

  #diskHold(): Waiting | null {
    return this.#disk === null ? null : { reason: 'disk', message: this.#disk, retryAt: null };
  }

  #modelHold(modelId: string): Waiting | null {
    const message = this.#models.get(modelId);
    return message === undefined ? null : { reason: 'model', message, retryAt: null };
  }

  #outcomeUnknownHold(): Waiting | null {
    if (this.#outcomeUnknown === 0) return null;
    return {
      reason: 'outcome-unknown',
      message: `${this.#outcomeUnknown} generation(s) may or may not have started on Scenario and were not found in its job list. Check them in the history, then retry or cancel each one.`,
      retryAt: null,
    };
  }

  // ------------------------------------------------------------- waiting

  /** What this generation waits for now, if it waits. */
  waitingOf(generationId: number): Waiting | null {
    return this.#waiting.get(generationId) ?? null;
  }

  /**
   * Waits until `hold()` is null, then runs `claim` in the same turn (nothing can slip in between:
   * a budget check and its reservation are one step). `hold` must only read. Meanwhile the reason
   * is this generation's wait in the queue's status. Returns false, without waiting, as soon as
   * `yieldWhen` says the wait should give its slot to other work.
   */
  async waitUntilClear(generationId: WaitKey, hold: () => Waiting | null, signal: AbortSignal, claim?: () => void, yieldWhen?: () => boolean): Promise<boolean> {
    try {
      for (;;) {
        signal.throwIfAborted();
        if (this.#abandoned.delete(generationId)) throw new PipelineError('canceled', `Generation ${String(generationId)} was canceled while it waited.`);
        const waiting = hold();
        if (waiting === null) {
          this.#waiting.delete(generationId);
          claim?.();
          return true;
        }
        if (yieldWhen?.() === true) return false;
        this.#waiting.set(generationId, waiting);
        const retryIn = waiting.retryAt === null ? RECHECK_MS : Math.max(5, Date.parse(waiting.retryAt) - this.#options.clock.now());
        await this.#nextChange(Math.min(retryIn, RECHECK_MS), signal);
        // Waiters woken by one change go on one clock turn each, in the order they waited: two
        // never run their next steps at one instant (see the pipeline's drive).
        await this.#options.clock.sleep(0, signal);
      }
    } finally {
      this.#waiting.delete(generationId);
      this.#abandoned.delete(generationId);
    }
  }

  /** The person canceled this generation: if it waits, its wait ends now instead of at the hold's end. */
  abandon(generationId: number): void {
    if (!this.#waiting.has(generationId)) return;
    this.#abandoned.add(generationId);
    for (const wake of [...this.#wakers]) wake();
  }

  /** Resolves at the next change of any fact, after `ms` at the latest, or when `signal` fires. */
  #nextChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = new AbortController();
      const wake = () => {
        timer.abort();
        this.#wakers.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#options.clock.sleep(ms, timer.signal).then(wake, () => undefined);
      this.#wakers.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  close(): void {
    this.#closing.abort();
    for (const wake of [...this.#wakers]) wake();
  }

  #later(ms: number, action: () => void): void {
    this.#options.clock.sleep(ms, this.#closing.signal).then(action, () => undefined);
  }

  /**
   * While the key is refused, Scenario is asked again now and then (a refusal may pass: a key
   * re-enabled, a hiccup of Scenario's), so the hold also ends without the person; a new key ends
   * it at once (connectionChanged).
   */
  async #recheckKeyUntilTaken(recheck: number): Promise<void> {
    let delay = this.#options.recheckMs;
    const signal = this.#closing.signal;
    while (recheck === this.#keyRecheck && !signal.aborted) {
      try {
        await this.#options.clock.sleep(delay, signal);
      } catch {
        return;
      }
      if (recheck !== this.#keyRecheck) return;
      const taken = await this.#options.keyTaken(signal);
      if (recheck !== this.#keyRecheck) return;
      if (taken) {
        this.#credentials = null;
        this.changed();
        return;
      }
      delay = Math.min(KEY_RECHECK_MAX_MS, delay * 2);
    }
  }

  async #probeUntilBack(): Promise<void> {
    const { minMs, maxMs } = this.#options.probeBackoff;
    let delay = minMs;
    const signal = this.#closing.signal;
    while (this.#network !== null && !signal.aborted) {
      try {
        await this.#options.clock.sleep(delay, signal);
        await this.#options.probe(signal);
        this.#network = null;
        this.changed();
      } catch {
        delay = Math.min(maxMs, delay * 2);
      }
    }
  }
}
