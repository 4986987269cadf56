/**
 * `npm run sim -- --seeds N [--from S] [--workers W] [--steps K]`: runs seeds of the engine's
 * simulation (test/simulation/world.ts) in worker threads and prints a progress line and a
 * summary. A failing seed prints its schedule and the command that replays it; exit 1 when any
 * failed. A worker whose event loop stops turning for 30 s fails its seed ("event loop stopped").
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
    for (;;) {
      const seed = queue.shift();
      if (seed === undefined) return;
      const outcome = await inWorker(seed, options.steps);
      outcomes.push(outcome);
      if (!outcome.ok) print(describeFailure(await shrink(outcome), options.steps));
      else if (options.verbose) print(`seed ${seed}: ok (${outcome.steps.length} steps, digest ${outcome.digest}, ${JSON.stringify(outcome.counts)})`);
      if (!options.verbose && (outcomes.length % 25 === 0 || outcomes.length === options.seeds)) progress();
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => lane()));
  return outcomes.sort((a, b) => a.seed - b.seed);
}

/** One seed in its own worker thread, so a locked event loop fails the seed instead of the run. */
function inWorker(seed: number, steps: number | undefined): Promise<SeedOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./seed-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
    let timer = setTimeout(silent, SILENCE_MS);
    function silent(): void {
      void worker.terminate();
      resolve({ seed, ok: false, failure: `not live: the event loop stopped turning (no sign of life for ${SILENCE_MS / 1000} s)`, steps: [], digest: '', counts: {} });
    }
    worker.on('message', (message: { beat?: number; outcome?: SeedOutcome }) => {
      clearTimeout(timer);
      if (message.outcome !== undefined) {
        void worker.terminate();
        resolve(message.outcome);
        return;
      }
      timer = setTimeout(silent, SILENCE_MS);
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      resolve({ seed, ok: false, failure: `the worker crashed: ${error.stack ?? error.message}`, steps: [], digest: '', counts: {} });
    });
    worker.postMessage({ seed, ...(steps === undefined ? {} : { steps }) });
  });
}

/**
 * The shortest prefix of a failing seed's schedule that still fails (each step draws the same
 * numbers whatever came before, so a prefix is the same schedule cut short): a binary search over
 * the number of steps, each run followed by the usual heal and checks.
 */
async function shrink(failed: SeedOutcome): Promise<SeedOutcome & { shrunkTo?: number }> {
  const scheduled = failed.steps.filter((step) => /^\d+\./.test(step)).length;
  let low = 1;
  let high = scheduled;
  let shortest: SeedOutcome | undefined;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const attempt = await inWorker(failed.seed, middle);
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
