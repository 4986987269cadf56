/**
 * `status`: the budget, today's counts and every unfinished generation; the live queue of the
 * engine that holds the library when one runs. `status --follow` then prints the queue's events
 * as they come (the lines `watch` prints), attaching to each engine that runs, until Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { systemClock } from '../../shared/clock';
import type { QueueStatus } from '../../shared/ipc/contract';
import type { PipelineStatus } from '../pipeline/index';
import type { GlobalOptions, Library } from './context';
import { homeOf, outputFor, withStore } from './context';
import { EXIT, type ExitCode } from './errors';
import type { Output } from './output';
import { untilSignal } from './run-commands';
import { attachToHolder, attachedSession } from './session';
import { ACTIVE_STATES_FOR_STATUS } from './status-states';

type Globals = () => GlobalOptions;

/** Unfinished generations `status` lists in plain text; --json lists them all. */
const STATUS_LISTED = 50;

/** How often `status --follow` looks for an engine to attach to while none runs. */
const LOOK_FOR_ENGINE_MS = 500;

/** The queue's status as the engine's contract sends it, with the pipeline's own ids (numbers). */
function pipelineStatusOf(status: QueueStatus): PipelineStatus {
  return { ...status, jobs: status.jobs.map((job) => ({ ...job, generationId: Number(job.generationId), controlRelPath: job.controlRelPath ?? null })) };
}

/**
 * What `status` prints: lines for people, one document for --json. Plain text reads the first
 * unfinished rows and counts the rest from the index; --json lists them all.
 */
function statusReport(library: Library, status: PipelineStatus, { json }: { json: boolean }): { lines: string[]; data: Record<string, unknown> } {
  const { generations } = library.store;
  const unfinished = generations.listByStates(ACTIVE_STATES_FOR_STATUS, json ? {} : { limit: STATUS_LISTED });
  const unfinishedCount = json ? unfinished.length : generations.countByStates(ACTIVE_STATES_FOR_STATUS);
  // `waiting` counts every unfinished row (for a watcher, the next run, or the person); `active` the ones an engine works on now.
  const counts = { ...status.counts, waiting: unfinishedCount };
  const { budget } = status;
  const lines = [
    `Budget: ${budget.spentToday} CU today${budget.dailyLimit === null ? '' : ` of ${budget.dailyLimit}`}, ${budget.spentThisMonth} CU this month${budget.monthlyLimit === null ? '' : ` of ${budget.monthlyLimit}`}.`,
    `Today: ${counts.doneToday} done, ${counts.failedToday} failed.`,
    ...(status.waiting === null ? [] : [`Waiting: ${status.waiting.message}`]),
    ...(unfinishedCount === 0 ? ['Nothing queued or waiting.'] : [`Unfinished: ${unfinishedCount}.`]),
    ...unfinished.slice(0, STATUS_LISTED).map((generation) => `#${generation.id}  ${generation.state}${generation.errorMessage ? `  ${generation.errorMessage}` : ''}`),
    ...(unfinishedCount > STATUS_LISTED ? [`… and ${unfinishedCount - STATUS_LISTED} more (\`status --json\` lists them all).`] : []),
  ];
  return { lines, data: { ...status, counts, unfinished: unfinished.map(({ id, state, errorMessage }) => ({ id, state, errorMessage })) } };
}

/** The status of the engine that holds the library, else of the library alone (nothing runs). */
async function currentReport(globals: GlobalOptions, options: { json: boolean }): Promise<{ lines: string[]; data: Record<string, unknown> }> {
  const attached = await attachToHolder(homeOf(globals), 0);
  if (attached === null) {
    // Nothing runs: an idle queue, read from the database alone (no engine to load).
    const [{ IDLE_QUEUE, queueStatusOf }, { BudgetLedger }] = await Promise.all([import('../pipeline/queue-status'), import('../pipeline/budget')]);
    return withStore(globals, async (library) => statusReport(library, queueStatusOf(library.store, new BudgetLedger(library.store, systemClock, () => false), IDLE_QUEUE), options));
  }
  try {
    const status = pipelineStatusOf(await attached.api.queue.status());
    return await withStore(globals, async (library) => statusReport(library, status, options));
  } finally {
    attached.close();
  }
}

async function follow(globals: GlobalOptions, out: Output): Promise<ExitCode> {
  const home = homeOf(globals);
  const signalled = untilSignal();
  let stopped = false;
  void signalled.then(() => (stopped = true));
  let saidNoEngine = false;
  while (!stopped) {
    const attached = await attachToHolder(home, 0);
    if (attached === null) {
      if (!saidNoEngine) {
        const report = await currentReport(globals, out);
        if (out.json) out.line('', { event: 'status', ...report.data });
        else out.document(report.lines, report.data);
        out.line(`No engine is running on ${home}: waiting for one (\`watch\`, \`generate\` or the app) to start.`, { event: 'no-engine', home });
        saidNoEngine = true;
      }
      await Promise.race([sleep(LOOK_FOR_ENGINE_MS), signalled]);
      continue;
    }
    saidNoEngine = false;
    try {
      await withStore(globals, async (library) => {
        const session = await attachedSession(attached, library, 'all');
        const pid = attached.ownerPid;
        const report = statusReport(library, pipelineStatusOf(await attached.api.queue.status()), out);
        if (out.json) out.line('', { event: 'status', ...report.data });
        else out.document(report.lines, report.data);
        out.line(`attached  to the engine in process ${pid ?? '?'} (${home}); Ctrl-C to stop`, { event: 'attached', pid, home });
        // The hold is in the report: the events from here on.
        const stopFollowing = out.follow(session.events);
        const lost = new Promise<'lost'>((resolve) => attached.onLost(() => resolve('lost')));
        const why = await Promise.race([lost, signalled]);
        stopFollowing();
        if (why === 'lost') out.line(`stopped   the engine in process ${pid ?? '?'} stopped; waiting for the next one`, { event: 'engine-stopped', pid });
      });
    } finally {
      attached.close();
    }
  }
  return EXIT.ok;
}

export function registerStatusCommand(program: Command, globals: Globals): void {
  program
    .command('status')
    .description('what is queued, in flight or waiting, and the budget; --follow then prints the queue\'s events until Ctrl-C')
    .option('--follow', "then print the queue's events as they come, until Ctrl-C (JSON Lines with --json)")
    .action(async (options: { follow?: boolean }) => {
      const out = outputFor(globals());
      if (options.follow) {
        process.exitCode = await follow(globals(), out);
        return;
      }
      const report = await currentReport(globals(), out);
      out.document(report.lines, report.data);
    });
}
