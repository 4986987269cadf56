/**
 * The pipeline's state machine, declared once: for each durable state of a generation, the side
 * effect that entering it starts, and the events that move it on. The store refuses any move
 * that is not in this table (compare-and-set on the row), the pipeline moves rows only by naming
 * an event of it, and the state diagram in docs/ARCHITECTURE.md is generated from it.
 */
import type { GenerationState } from './generation';

/** What the pipeline does with a row in a state; terminal states start nothing. */
export type StateEffect = 'validate' | 'upload' | 'submit' | 'reconcile' | 'reconcile-or-resend' | 'poll' | 'download';

export type GenerationEvent =
  | 'input-accepted'
  | 'input-refused'
  | 'uploaded'
  | 'send'
  | 'accepted'
  | 'answer-lost'
  | 'not-sent'
  | 'refused'
  | 'asset-unknown'
  | 'job-found'
  | 'job-succeeded'
  | 'job-failed'
  | 'job-canceled'
  | 'stored'
  | 'download-failed'
  | 'job-problem'
  | 'cancel'
  | 'retry'
  | 'retry-download';

export interface StateSpec {
  effect: StateEffect | null;
  on: Partial<Record<GenerationEvent, GenerationState>>;
}

export const GENERATION_MACHINE: Readonly<Record<GenerationState, StateSpec>> = {
  detected: { effect: 'validate', on: { 'input-accepted': 'validated', 'input-refused': 'failed', 'job-problem': 'failed', cancel: 'canceled' } },
  validated: { effect: 'upload', on: { uploaded: 'uploaded', 'job-problem': 'failed', cancel: 'canceled' } },
  // `send` commits `submitting` before the POST leaves: a crash after it is reconciled, never resent blindly.
  uploaded: { effect: 'submit', on: { send: 'submitting', 'job-problem': 'failed', cancel: 'canceled' } },
  // Not cancelable: the POST may already have been charged, so it ends submitted, outcome-unknown
  // or failed. Back to validated only when Scenario did not know the control image (no job exists).
  submitting: {
    effect: 'reconcile',
    on: { accepted: 'submitted', 'job-found': 'submitted', 'answer-lost': 'outcome-unknown', 'not-sent': 'outcome-unknown', refused: 'failed', 'asset-unknown': 'validated' },
  },
  // Parked: a lost answer waits for the person (or is found in Scenario's job list); a POST that
  // was answered with an error (no job made) is sent again once its hold clears.
  'outcome-unknown': {
    effect: 'reconcile-or-resend',
    on: { 'job-found': 'submitted', send: 'submitting', refused: 'failed', cancel: 'canceled', 'asset-unknown': 'validated' },
  },
  submitted: { effect: 'poll', on: { 'job-succeeded': 'downloading', 'job-failed': 'failed', 'job-canceled': 'canceled', 'job-problem': 'failed', cancel: 'canceled' } },
  downloading: { effect: 'download', on: { stored: 'done', 'download-failed': 'failed' } },
  done: { effect: null, on: {} },
  // A retry starts over (the uploaded asset and attempts stay on the row); a job that succeeded
  // but whose images could not be written is downloaded again instead: Scenario already charged it.
  failed: { effect: null, on: { retry: 'detected', 'retry-download': 'downloading' } },
  canceled: { effect: null, on: { retry: 'detected' } },
};

/** The state `event` moves a row in `from` to, or undefined when the table has no such move. */
export function nextState(from: GenerationState, event: GenerationEvent): GenerationState | undefined {
  return GENERATION_MACHINE[from].on[event];
}

/** Which states may follow each state (what the store's compare-and-set allows). */
export function allowedTransitions(): Record<GenerationState, GenerationState[]> {
  const result = {} as Record<GenerationState, GenerationState[]>;
  for (const [from, spec] of Object.entries(GENERATION_MACHINE) as [GenerationState, StateSpec][]) {
    result[from] = [...new Set(Object.values(spec.on))];
  }
  return result;
}

/** The machine as a Mermaid state diagram (docs/ARCHITECTURE.md holds this text; a test keeps it fresh). */
export function machineDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> detected'];
  for (const [from, spec] of Object.entries(GENERATION_MACHINE) as [GenerationState, StateSpec][]) {
    const byTarget = new Map<GenerationState, GenerationEvent[]>();
    for (const [event, to] of Object.entries(spec.on) as [GenerationEvent, GenerationState][]) byTarget.set(to, [...(byTarget.get(to) ?? []), event]);
    for (const [to, events] of byTarget) lines.push(`  ${id(from)} --> ${id(to)}: ${events.join(', ')}`);
    if (spec.effect !== null) lines.push(`  ${id(from)}: ${from} / ${spec.effect}`);
  }
  for (const terminal of ['done', 'failed', 'canceled'] as const) lines.push(`  ${terminal} --> [*]`);
  return lines.join('\n');
}

/** Mermaid ids may not contain '-'. */
function id(state: GenerationState): string {
  return state.replace(/-/g, '_');
}
