import type { Clock } from '../../src/shared/clock';

interface Sleeper {
  at: number;
  order: number;
  wake: () => void;
}

/**
 * Time that moves only when the simulation says so: every sleep of the engine and the simulator
 * waits here, and `advance()` jumps to the earliest one. Sleepers due at the same instant wake in
 * the order they slept, so a seed's run does not depend on the machine's speed.
 */
export class VirtualClock implements Clock {
  #now: number;
  #order = 0;
  #sleepers: Sleeper[] = [];
  /** Counts every sleep begun: the driver reads it to tell whether the system is still busy. */
  sleepsBegun = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleepsBegun += 1;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const sleeper: Sleeper = {
        // Whole milliseconds, as the wall clock gives them (SQLite keeps times as integers).
        at: this.#now + Math.max(0, Math.ceil(ms)),
        order: (this.#order += 1),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time on by `ms` when nothing sleeps until then (the person comes back later); throws if anything does. */
  skip(ms: number): void {
    const skipped = this.#sleepers.filter((sleeper) => sleeper.at < this.#now + ms).length;
    if (skipped > 0) throw new Error(`${skipped} sleepers would be skipped over`);
    this.#now += ms;
  }

  get pending(): number {
    return this.#sleepers.length;
  }

  /**
   * Jumps to the earliest sleeper's time (at most `limitMs` ahead) and wakes that one sleeper; false
   * when none sleeps. One at a time: two sleepers woken together would race on real I/O (their
   * HTTP answers cross on real sockets), and the order they finish in would depend on the machine.
   * The driver lets the woken one's real work settle before it wakes the next.
   */
  advance(limitMs = Number.POSITIVE_INFINITY): boolean {
    if (this.#sleepers.length === 0) return false;
    const next = this.#sleepers.reduce((earliest, sleeper) => (sleeper.at < earliest.at || (sleeper.at === earliest.at && sleeper.order < earliest.order) ? sleeper : earliest));
    this.#now = Math.max(this.#now, Math.min(next.at, this.#now + limitMs));
    if (next.at > this.#now) return true;
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper !== next);
    next.wake();
    return true;
  }
}
