import { EventEmitter } from 'node:events';
import type { GenerationState } from '../store/index';

/**
 * Why work waits. `paused` is the person's choice; `credentials`, `network`, `rate-limit`,
 * `budget`, `model` and `disk` are problems of the process (they hold the queue and clear by
 * themselves or once the person fixes them); `outcome-unknown` waits for the person's decision.
 */
export type WaitingReason = 'paused' | 'credentials' | 'network' | 'rate-limit' | 'budget' | 'model' | 'disk' | 'outcome-unknown';

export interface Waiting {
  reason: WaitingReason;
  message: string;
  /** When the pipeline tries again by itself, if it knows (ISO time). */
  retryAt: string | null;
}

/** Everything the pipeline tells its hosts (CLI lines, IPC events, tests). */
export interface PipelineEvents {
  'job.added': { generationId: number; inputName: string; presetName: string };
  'job.state': { generationId: number; state: GenerationState; message: string | null };
  'job.progress': { generationId: number; state: GenerationState; progress: number | null };
  'job.done': { generationId: number; imagePaths: string[] };
  'job.failed': { generationId: number; code: string; message: string };
  /**
   * A file that was looked at and deliberately not turned into a generation (duplicate,
   * unreadable, vanished). `folder` is the watched folder it arrived in, null for a file a person
   * asked to generate (who gets the answer directly).
   */
  'input.skipped': { path: string; folder: string | null; reason: string; message: string };
  /** An input file was moved after processing (to `_done/` or `_failed/`). */
  'input.moved': { from: string; to: string };
  'queue.paused': { waiting: Waiting };
  'queue.resumed': { after: WaitingReason };
  /** Trouble outside any one generation (a watched folder went missing, a thumbnail failed). */
  warning: { message: string };
  /** The team's history being brought in (src/main/sync): its phase and count, or null once it ended. */
  'sync.progress': { phase: string; done: number; total: number | null } | null;
  /** A sync brought generations or tag changes in: galleries reload. */
  'sync.done': { imported: number; assetsChanged: number };
}

export type PipelineEventName = keyof PipelineEvents;

/** EventEmitter with the payload of each event typed; `on` returns its own unsubscribe. */
export class PipelineEmitter {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Hosts (CLI, IPC bridge, tests) may each listen to everything.
    this.#emitter.setMaxListeners(50);
  }

  on<E extends PipelineEventName>(name: E, listener: (payload: PipelineEvents[E]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }

  emit<E extends PipelineEventName>(name: E, payload: PipelineEvents[E]): void {
    this.#emitter.emit(name, payload);
  }
}
