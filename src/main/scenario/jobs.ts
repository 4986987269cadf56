import { ScenarioError, abortedError, readServerMessage } from './errors.js';
import type { ScenarioHttp } from './http.js';
import type { Clock } from '../../shared/clock';
import { abortScope } from './http.js';
import type { ScenarioJob } from './schemas.js';
import { jobResponseSchema, jobsPageSchema, parseReply } from './schemas.js';

/** Only these end a job; any other status (new ones appear) means "keep polling". */
export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['success', 'failure', 'canceled']);

export function isTerminalJob(job: ScenarioJob): boolean {
  return TERMINAL_JOB_STATUSES.has(job.status);
}

/** Why a job failed, in Scenario's words, if it said (`metadata.output.error` and the like). */
export function jobFailureReason(job: ScenarioJob): string | undefined {
  const metadata: Record<string, unknown> = job.metadata ?? {};
  return readServerMessage(metadata.output) ?? readServerMessage(metadata) ?? readServerMessage(job);
}

export interface PollInterval {
  min: number;
  max: number;
}

/** Waits one poll interval, drawn at random in its range so things started together do not poll in lockstep. */
export async function pausePoll(interval: PollInterval, clock: Clock, signal?: AbortSignal): Promise<void> {
  try {
    await clock.sleep(interval.min + Math.random() * (interval.max - interval.min), signal);
  } catch (error) {
    if (signal?.aborted) throw abortedError();
    throw error;
  }
}

export async function getJob(http: ScenarioHttp, jobId: string, signal?: AbortSignal): Promise<ScenarioJob> {
  const { body } = await http.send({ method: 'GET', path: `/jobs/${encodeURIComponent(jobId)}`, what: `the job ${jobId}`, signal });
  return parseReply(jobResponseSchema, body, `the job ${jobId}`).job;
}

export interface WaitForJobOptions {
  signal?: AbortSignal;
  /** Overall limit; past it the wait ends with a 'timeout' error (the job itself goes on). */
  timeoutMs?: number;
  onProgress?: (job: ScenarioJob) => void;
  /** The job was accepted a moment ago and cannot have finished: the first poll waits one interval too. */
  justSubmitted?: boolean;
}

/**
 * Polls until the job ends and returns its final state. A failed or canceled job is returned,
 * not thrown: it is an answer, and the caller records why.
 */
export async function waitForJob(
  http: ScenarioHttp,
  interval: PollInterval,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<ScenarioJob> {
  const { signal, timeoutMs, onProgress, justSubmitted = false } = options;
  const deadline = abortScope(signal, timeoutMs);
  try {
    if (justSubmitted) await pausePoll(interval, http.clock, deadline.signal);
    for (;;) {
      const job = await getJob(http, jobId, deadline.signal);
      onProgress?.(job);
      if (isTerminalJob(job)) return job;
      await pausePoll(interval, http.clock, deadline.signal);
    }
  } catch (error) {
    if (signal?.aborted) throw abortedError();
    if (deadline.timedOut) {
      throw new ScenarioError(
        'timeout',
        `The job ${jobId} did not finish within ${Math.round((timeoutMs ?? 0) / 1000)} s. It may still finish on Scenario: the app checks it again later.`,
      );
    }
    throw error;
  } finally {
    deadline.release();
  }
}

export interface ListJobsQuery {
  status?: string;
  type?: string;
  pageSize?: number;
  paginationToken?: string;
}

export interface JobsPage {
  jobs: ScenarioJob[];
  /** Absent on the last page. */
  nextPaginationToken?: string;
}

export async function listJobs(http: ScenarioHttp, query: ListJobsQuery = {}, signal?: AbortSignal): Promise<JobsPage> {
  const { body } = await http.send({ method: 'GET', path: '/jobs', query: { ...query }, what: 'the job list', signal });
  const page = parseReply(jobsPageSchema, body, 'the job list');
  const token = page.nextPaginationToken;
  return token === undefined || token === '' ? { jobs: page.jobs } : { jobs: page.jobs, nextPaginationToken: token };
}

/**
 * Follows Scenario's pagination tokens until one comes back empty. A token seen twice would
 * loop for ever, so it ends the walk with a 'bad-response' error.
 */
export async function* paginate<Page extends { nextPaginationToken?: string }>(
  fetchPage: (paginationToken: string | undefined) => Promise<Page>,
  what: string,
): AsyncGenerator<Page> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    yield page;
    token = page.nextPaginationToken;
    if (token === undefined || token === '') return;
    if (seen.has(token)) {
      throw new ScenarioError('bad-response', `Scenario sent the same page of ${what} twice, so the list cannot be read to its end. Try again later.`);
    }
    seen.add(token);
  }
}
