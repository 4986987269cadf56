/**
 * The pipeline's events carried over the contract as `engine.activity`, and back: the engine's
 * local socket sends them, and a CLI attached to it replays them into a PipelineEmitter of its own,
 * so it prints exactly the lines (and JSON Lines) it prints beside its own engine.
 */
import type { ContractEvent, EngineActivity } from '../../shared/ipc/contract';
import type { PipelineEmitter, PipelineEventName, PipelineEvents } from '../pipeline/index';

/** Every pipeline event, each an `engine.activity` of the same name. */
const ACTIVITY_EVENTS = [
  'job.added',
  'job.state',
  'job.progress',
  'job.done',
  'job.failed',
  'input.skipped',
  'input.moved',
  'queue.paused',
  'queue.resumed',
  'warning',
] as const satisfies readonly (PipelineEventName & EngineActivity['event'])[];

/** The contract says ids are strings; the pipeline counts them. */
function activityOf<E extends PipelineEventName>(name: E, payload: PipelineEvents[E]): EngineActivity {
  const ids = payload !== null && 'generationId' in payload ? { generationId: String(payload.generationId) } : {};
  return { event: name, ...payload, ...ids } as EngineActivity;
}

/** Sends every pipeline event as `engine.activity`; returns the function that stops. */
export function forwardActivity(events: PipelineEmitter, emit: (event: ContractEvent) => void): () => void {
  const offs = ACTIVITY_EVENTS.map((name) => events.on(name, (payload) => emit({ name: 'engine.activity', payload: activityOf(name, payload) })));
  return () => {
    for (const off of offs) off();
  };
}

/** An `engine.activity` as the pipeline event it was, for a local emitter. */
export function pipelineEventOf(activity: EngineActivity): { [E in PipelineEventName]: { name: E; payload: PipelineEvents[E] } }[PipelineEventName] {
  const { event, ...rest } = activity;
  const payload = 'generationId' in rest ? { ...rest, generationId: Number(rest.generationId) } : rest;
  return { name: event, payload } as { name: PipelineEventName; payload: never };
}

/** Replays an `engine.activity` into `events`. */
export function replayActivity(activity: EngineActivity, events: PipelineEmitter): void {
  const { name, payload } = pipelineEventOf(activity);
  (events.emit as (name: PipelineEventName, payload: unknown) => void)(name, payload);
}
