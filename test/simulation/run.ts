/**
 * `npm run sim -- --seeds N [--from S] [--workers W] [--steps K]`: runs seeds of the engine's
 * simulation (test/simulation/world.ts) in worker threads and prints a progress line and a
 * summary. A failing seed prints its schedule and the command that replays it; exit 1 when any
 * failed. A worker whose event loop stops turning for 30 s fails its seed ("event loop stopped"),
 * and so does one whose loop turns while nothing moves for 20 s ("nothing moved").
 */
import { Worker } from 'node:worker_threads';
import type { SeedOutcome } from './world';

const SILENCE_MS = 30_000;

export interface RunOptions {
  from: number;
  seeds: number;
  workers: number;
  steps?: number;
  /** One line per seed instead of a progress line. */
  verbose?: boolean;
}

export async function runSeeds(options: RunOptions, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<SeedOutcome[]> {
  const queue = Array.from({ length: options.seeds }, (_, index) => options.from + index);
  const outcomes: SeedOutcome[] = [];
  const started = Date.now();
  const progress = () => {
    const failed = outcomes.filter((outcome) => !outcome.ok).length;
    const elapsed = (Date.now() - started) / 1000;
    print(`[${outcomes.length}/${options.seeds}] ${failed} failed, ${elapsed.toFixed(0)} s, ${(outcomes.length / Math.max(elapsed, 0.001)).toFixed(2)} seeds/s`);
  };
  async function lane(): Promise<void> {
    const worker = new SeedWorker();
    try {
      for (;;) {
        const seed = queue.shift();
        if (seed === undefined) return;
        const outcome = await worker.run(seed, options.steps);
        outcomes.push(outcome);
        if (!outcome.ok) print(describeFailure(await shrink(worker, outcome), options.steps));
        else if (options.verbose) print(`seed ${seed}: ok (${outcome.steps.length} steps, digest ${outcome.digest}, ${JSON.stringify(outcome.counts)})`);
        if (!options.verbose && (outcomes.length % 25 === 0 || outcomes.length === options.seeds)) progress();
      }
    } finally {
      worker.close();
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => lane()));
  return outcomes.sort((a, b) => a.seed - b.seed);
}

/**
 * A worker thread that runs seeds one after another, so a locked event loop fails the seed
 * instead of the run. Starting a thread (loading TypeScript, sharp, SQLite) costs more than most
 * seeds, so one thread serves a lane until a seed kills or locks it; then the next seed gets a
 * fresh one. A seed builds its whole world (folders, simulator, engine), so the seeds before it
 * in the same thread do not change its run.
 */
class SeedWorker {
  private worker: Worker | undefined;
  /** Resolves once the thread has loaded its modules (false if it died first). */
  private loaded: Promise<boolean> = Promise.resolve(false);

  async run(seed: number, steps: number | undefined): Promise<SeedOutcome> {
    if (this.worker === undefined) {
      const started = new Worker(new URL('./seed-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
      this.worker = started;
      // Loading a thread on a loaded machine can take longer than the silence allowed to a seed:
      // the watchdog starts once it is ready.
      this.loaded = new Promise((resolve) => {
        started.once('message', () => resolve(true));
        started.once('error', () => resolve(false));
        started.once('exit', () => resolve(false));
      });
    }
    const worker = this.worker;
    if (!(await this.loaded)) {
      this.discard(worker);
      return { seed, ok: false, failure: 'the worker thread failed to start', steps: [], digest: '', counts: {} };
    }
    return new Promise((resolve) => {
      // The schedule as it goes: a seed whose event loop locks can no longer say what it did.
      const stepsSoFar: string[] = [];
      const finish = (outcome: SeedOutcome, discard: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (discard) this.discard(worker);
        resolve(outcome);
      };
      const silent = () => finish({ seed, ok: false, failure: `not live: the event loop stopped turning (no sign of life for ${SILENCE_MS / 1000} s) during the step after those listed`, steps: stepsSoFar, digest: '', counts: {} }, true);
      const timer = setTimeout(silent, SILENCE_MS);
      const onMessage = (message: { beat?: number; step?: string; stalled?: string; outcome?: SeedOutcome }) => {
        if (message.outcome !== undefined) finish(message.outcome, false);
        else if (message.stalled !== undefined) {
          const failure = `not live: nothing moved for 20 s though the event loop turned, during the step after those listed (waiting on: ${message.stalled || 'nothing the thread holds open'})`;
          finish({ seed, ok: false, failure, steps: stepsSoFar, digest: '', counts: {} }, true);
        } else {
          if (message.step !== undefined) stepsSoFar.push(message.step);
          timer.refresh();
        }
      };
      const onError = (error: Error) => finish({ seed, ok: false, failure: `the worker crashed: ${error.stack ?? error.message}`, steps: stepsSoFar, digest: '', counts: {} }, true);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ seed, ...(steps === undefined ? {} : { steps }) });
    });
  }

  close(): void {
    if (this.worker) this.discard(this.worker);
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}

/**
 * The shortest prefix of a failing seed's schedule that still fails (each step draws the same
 * numbers whatever came before, so a prefix is the same schedule cut short): a binary search over
 * the number of steps, each run followed by the usual heal and checks.
 */
async function shrink(worker: SeedWorker, failed: SeedOutcome): Promise<SeedOutcome & { shrunkTo?: number }> {
  const scheduled = failed.steps.filter((step) => /^\d+\./.test(step)).length;
  // A step is listed once it ended: one that failed is the next after those listed (unless the heal had begun).
  const failedInHeal = failed.steps.some((step) => step.startsWith('heal'));
  let low = 1;
  let high = failedInHeal ? scheduled : scheduled + 1;
  let shortest: SeedOutcome | undefined;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const attempt = await worker.run(failed.seed, middle);
    if (attempt.ok) low = middle + 1;
    else {
      high = middle;
      shortest = attempt;
    }
  }
  return shortest === undefined ? failed : { ...shortest, shrunkTo: high };
}

export function describeFailure(outcome: SeedOutcome & { shrunkTo?: number }, steps?: number): string {
  const replaySteps = outcome.shrunkTo ?? steps;
  return [
    `seed ${outcome.seed} FAILED${outcome.shrunkTo === undefined ? '' : ` (shrunk to its first ${outcome.shrunkTo} steps)`}: ${outcome.failure ?? ''}`,
    ...outcome.steps.map((step) => `  ${step}`),
    `  replay: npm run sim -- --from ${outcome.seed} --seeds 1${replaySteps === undefined ? '' : ` --steps ${replaySteps}`} --verbose`,
  ].join('\n');
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} needs a whole number, not ${process.argv[index + 1] ?? 'nothing'}\n`);
    process.exit(2);
  }
  return value;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stepsIndex = process.argv.indexOf('--steps');
  const options: RunOptions = {
    from: argument('from', 1),
    seeds: argument('seeds', 100),
    workers: argument('workers', 2),
    verbose: process.argv.includes('--verbose'),
    ...(stepsIndex < 0 ? {} : { steps: argument('steps', 30) }),
  };
  const started = Date.now();
  const outcomes = await runSeeds(options);
  const failed = outcomes.filter((outcome) => !outcome.ok);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`seeds ${options.from}..${options.from + options.seeds - 1}: ${outcomes.length - failed.length} passed, ${failed.length} failed in ${seconds.toFixed(1)} s${failed.length > 0 ? ` (failing: ${failed.map((outcome) => outcome.seed).join(', ')})` : ''}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}
