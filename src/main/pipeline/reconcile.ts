import type { ScenarioClient, ScenarioJob } from '../scenario/index';

export type ReconcileResult = { kind: 'found'; jobId: string } | { kind: 'absent' } | { kind: 'ambiguous'; jobIds: string[] };

export interface LostSubmission {
  /** The generation row's creation: its job cannot be older (less the clock slack). */
  createdAt: number;
  /** The model it was sent to (in the body for ControlNet, in the path for a custom model). */
  modelId: string;
  /** The exact body that was POSTed. */
  request: Record<string, unknown>;
  /**
   * Whether another generation already owns this job. An exact reproduction sends the very same
   * body as its parent, so only jobs nobody has adopted can be this submission's.
   */
  ownedElsewhere(jobId: string): boolean;
}

/**
 * Scenario's clock and ours may disagree; a job listed a little "before" the row was created is
 * still a candidate. The match itself rests on the request's fields (the seed above all).
 */
const CLOCK_SLACK_MS = 10 * 60_000;
const PAGE_SIZE = 100;

/**
 * Looks in Scenario's job list for the job a lost generate POST may have started. A job matches
 * when every field of our request that the job's `metadata.input` also carries is equal (model,
 * prompt, seed, size, modality...; the control image too when Scenario lists it). More than one
 * match cannot be told apart: the caller must not guess which one is ours.
 */
export async function findLostJob(client: ScenarioClient, lost: LostSubmission, signal: AbortSignal): Promise<ReconcileResult> {
  const oldest = lost.createdAt - CLOCK_SLACK_MS;
  const matches: string[] = [];
  for await (const page of client.jobPages({ pageSize: PAGE_SIZE }, { signal })) {
    let pastWindow = false;
    for (const job of page.jobs) {
      const createdAt = Date.parse(job.createdAt ?? '');
      if (Number.isFinite(createdAt) && createdAt < oldest) {
        pastWindow = true;
        continue;
      }
      if (!lost.ownedElsewhere(job.jobId) && sameRequest(job, lost.modelId, lost.request)) matches.push(job.jobId);
    }
    // Scenario lists newest first: once a page reaches past the window, older pages cannot match.
    if (pastWindow) break;
  }
  if (matches.length === 0) return { kind: 'absent' };
  if (matches.length > 1) return { kind: 'ambiguous', jobIds: matches };
  return { kind: 'found', jobId: matches[0] as string };
}

function sameRequest(job: ScenarioJob, modelId: string, request: Record<string, unknown>): boolean {
  const input = job.metadata?.input;
  if (typeof input !== 'object' || input === null) return false;
  const listed = input as Record<string, unknown>;
  // Without these a job cannot be recognised at all (a custom model's body may have no prompt).
  if (listed.modelId !== modelId || listed.prompt !== request.prompt) return false;
  for (const [field, value] of Object.entries(request)) {
    if (!(field in listed) || isStructured(value) || isStructured(listed[field])) continue;
    // Seeds travel as strings but a server may echo them as numbers.
    if (String(listed[field]) !== String(value)) return false;
  }
  return true;
}

function isStructured(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
