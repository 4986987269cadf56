/**
 * What the commands that move work (generate, reproduce, retry, cancel, status --follow) need of
 * an engine, whether it runs in this process or in another one that holds the library (the app,
 * `watch`, a `generate` under way) and that this process attached to: the same reads, the same
 * events, the same actions, so they print the same lines either way.
 */
import type { EngineActivity } from '../../shared/ipc/contract';
import { forwardActivity, pipelineEventOf } from '../engine/activity';
import type { AttachedEngine } from '../engine/attach';
import { lockOwnerOf } from '../engine/home';
import type { Engine } from '../engine/engine';
import type { LocalService } from '../engine/local-service';
import { PipelineEmitter, type Waiting } from '../pipeline/events';
import packageJson from '../../../package.json';
import type { GlobalOptions, Library, OpenOptions } from './context';
import { homeOf, openEngine, withStore } from './context';
import { CliError, EXIT } from './errors';
import type { Output } from './output';

/** What following work needs: the rows, the events, the queue's hold (an engine here, or one attached to). */
export interface Followed extends Library {
  /** The pipeline's events for this command's generations (all of them for `status --follow`). */
  readonly events: PipelineEmitter;
  /** What holds the whole queue now, or null. */
  waiting(): Waiting | null;
  /** True once the engine can no longer be followed (the one attached to stopped). */
  lost(): boolean;
  /**
   * Resolves once every event the engine emitted before now has been received. The rows are read
   * from the database, and an attached engine's events come over its socket a moment after its
   * commits: a command ends only once it has said everything.
   */
  caughtUp(): Promise<void>;
}

export interface QueueSession extends Followed {
  /** The process serving the library when attached, else null. */
  readonly attachedTo: number | null;
  /** A key Scenario refuses is a configuration problem (exit 3), said before anything is queued. */
  refuseBadKey(): Promise<void>;
  enqueueFiles(files: readonly string[], presetId: number, seed?: string): Promise<number[]>;
  reproduce(generationId: number, varySeed: boolean): Promise<number>;
  retry(generationId: number): Promise<void>;
  cancel(generationId: number): Promise<void>;
  /** Follows generations made earlier (by a session whose engine stopped): their events are this command's too. */
  follow(generationIds: readonly number[]): void;
}

/**
 * Attaches to the engine that holds `home` (see attach.ts), or resolves null when none does; a
 * socket or token that is not safe to use is a configuration problem (exit 3).
 */
export async function attachToHolder(home: string, waitMs?: number): Promise<AttachedEngine | null> {
  // Most commands run where nothing holds the library: they do not load the client (ws) at all.
  if (lockOwnerOf(home) === null) return null;
  const { AttachError, attachToHolder: attachWhenHeld } = await import('../engine/attach');
  try {
    return await attachWhenHeld(home, waitMs);
  } catch (error) {
    if (error instanceof AttachError) throw new CliError(EXIT.config, error.userMessage);
    throw error;
  }
}

/** Serves a CLI's running engine on the library's local socket, so other commands attach to it. */
export async function serveCliEngine(engine: Engine, out: Output): Promise<LocalService | null> {
  const { browserShell, createHandlers, envCredentials } = await import('../engine/handlers');
  const { serveEngine } = await import('../engine/service');
  const handlers = createHandlers(engine, {
    credentials: envCredentials(),
    shell: browserShell,
    info: { version: packageJson.version, platform: process.platform, libraryUrlBase: '', usingSimulator: engine.simulated },
  });
  return serveEngine(engine, handlers, (message) => out.warn(message));
}

/** Error codes of a refused key: a configuration problem (exit 3). */
export const REFUSED_KEY_CODES: readonly string[] = ['auth', 'forbidden'];

/** How long the key check before sending waits for Scenario; unreachable, the pipeline's own waits (and --wait) take over. */
const KEY_CHECK_TIMEOUT_MS = 5000;

/**
 * Asks Scenario once (one job from its list) before anything is queued: a refused key is a
 * configuration problem (exit 3), not a generation's failure. The pipeline would otherwise hold
 * the refusal as an unknown outcome when it meets it on the POST.
 */
async function refuseBadKey(engine: Engine): Promise<void> {
  if (engine.client === null) return;
  const { ScenarioError } = await import('../scenario/index');
  try {
    await engine.client.listJobs({ pageSize: 1 }, { signal: AbortSignal.timeout(KEY_CHECK_TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof ScenarioError && REFUSED_KEY_CODES.includes(error.code)) throw error;
  }
}

/**
 * A session on an engine of this process. It prints only its own generations' events too: an
 * engine that serves the library runs the work of the commands attached to it as well.
 */
export function localSession(engine: Engine): QueueSession {
  const { pipeline } = engine;
  const events = new PipelineEmitter();
  const filter = new ActivityFilter(events);
  forwardActivity(engine.events, (event) => {
    if (event.name === 'engine.activity') filter.receive(event.payload);
  });
  return {
    store: engine.store,
    home: engine.home,
    libraryRoot: engine.libraryRoot,
    events,
    attachedTo: null,
    waiting: () => pipeline.waiting(),
    lost: () => false,
    // Emitted in the same turn as the commit.
    caughtUp: async () => undefined,
    refuseBadKey: () => refuseBadKey(engine),
    enqueueFiles: (files, presetId, seed) =>
      filter.claim(files, async () => {
        const ids: number[] = [];
        for (const file of files) ids.push(...(await pipeline.enqueueFile(file, { kind: 'manual', presetIds: [presetId], ...(seed === undefined ? {} : { seed }) })));
        return ids;
      }),
    reproduce: async (generationId, varySeed) => (await filter.claim([], async () => [pipeline.reproduce(generationId, { varySeed })]))[0] as number,
    retry: async (generationId) => {
      filter.own(generationId);
      pipeline.retry(generationId);
    },
    cancel: async (generationId) => {
      filter.own(generationId);
      pipeline.cancel(generationId);
    },
    follow: (generationIds) => {
      for (const id of generationIds) filter.own(id);
    },
  };
}

/** Which of the attached engine's events this command prints: its own generations', or everything. */
export type Following = 'own' | 'all';

/**
 * The engine's events as this command prints them: only its own generations' (a watcher's burst,
 * or another command's work on the engine it runs, is not its business), the files it named, and
 * the queue's holds. A generation is known to be ours only once the call that made it returns, and
 * its first events come before (on an attached engine's socket, in order): they wait until then.
 */
class ActivityFilter {
  readonly #events: PipelineEmitter;
  readonly #own = new Set<number>();
  readonly #ownFiles = new Set<string>();
  #calls = 0;
  #held: EngineActivity[] = [];

  constructor(events: PipelineEmitter) {
    this.#events = events;
  }

  receive(activity: EngineActivity): void {
    if (activity.event === 'queue.paused' || activity.event === 'queue.resumed') return this.#emit(activity);
    if (activity.event === 'input.skipped') {
      if (activity.folder === null && this.#ownFiles.has(activity.path)) this.#emit(activity);
      return;
    }
    if (!('generationId' in activity)) return;
    if (this.#own.has(Number(activity.generationId))) this.#emit(activity);
    else if (this.#calls > 0) this.#held.push(activity);
  }

  own(generationId: number): void {
    this.#own.add(generationId);
  }

  /** Runs a call that makes generations, then claims them and lets their held events through. */
  async claim(files: readonly string[], call: () => Promise<number[]>): Promise<number[]> {
    for (const file of files) this.#ownFiles.add(file);
    this.#calls += 1;
    let ids: number[] = [];
    try {
      ids = await call();
      for (const id of ids) this.#own.add(id);
      return ids;
    } finally {
      this.#calls -= 1;
      const held = this.#held;
      this.#held = this.#calls > 0 ? held.filter((activity) => !('generationId' in activity && ids.includes(Number(activity.generationId)))) : [];
      for (const activity of held) if ('generationId' in activity && ids.includes(Number(activity.generationId))) this.#emit(activity);
    }
  }

  #emit(activity: EngineActivity): void {
    const { name, payload } = pipelineEventOf(activity);
    (this.#events.emit as (name: string, payload: unknown) => void)(name, payload);
  }
}

export async function attachedSession(attached: AttachedEngine, library: Library, following: Following): Promise<QueueSession> {
  const { api } = attached;
  const events = new PipelineEmitter();
  const filter = new ActivityFilter(events);
  let waiting: Waiting | null = null;
  let lost = false;
  attached.onLost(() => {
    lost = true;
  });
  api.on('engine.activity', (activity) => {
    if (activity.event === 'queue.paused') waiting = activity.waiting;
    if (activity.event === 'queue.resumed') waiting = null;
    if (following === 'all') {
      const { name, payload } = pipelineEventOf(activity);
      (events.emit as (name: string, payload: unknown) => void)(name, payload);
    } else filter.receive(activity);
  });
  // Asked after listening: an answer computed later than any event before it.
  waiting = (await api.queue.status()).waiting;
  return {
    ...library,
    events,
    attachedTo: attached.ownerPid,
    waiting: () => waiting,
    lost: () => lost,
    // The engine emits an event in the turn it commits, and answers in order on one socket.
    caughtUp: async () => {
      if (!lost) await api.app.info().catch(() => undefined);
    },
    // The engine checked its own key at its start; one Scenario refuses holds its queue, which `settle` reports (exit 3).
    refuseBadKey: async () => undefined,
    enqueueFiles: (files, presetId, seed) =>
      filter.claim(files, async () => {
        const { generationIds } = await api.generations.generateFromFiles({ paths: [...files], presetId: String(presetId), ...(seed === undefined ? {} : { seed }) });
        return generationIds.map(Number);
      }),
    reproduce: async (generationId, varySeed) => {
      const [child] = await filter.claim([], async () => {
        const { generationId: made } = varySeed ? await api.generations.vary({ id: String(generationId) }) : await api.generations.reproduce({ id: String(generationId) });
        return [Number(made)];
      });
      return child as number;
    },
    retry: async (generationId) => {
      filter.own(generationId);
      await api.queue.retry({ generationId: String(generationId) });
    },
    cancel: async (generationId) => {
      filter.own(generationId);
      await api.queue.cancel({ generationId: String(generationId) });
    },
    follow: (generationIds) => {
      for (const id of generationIds) filter.own(id);
    },
  };
}

/**
 * Runs `work` on the engine that holds the library (attached), else on an engine of this
 * process's own (`options`: run or lock it), which serves the library's socket while it runs so
 * that other commands attach to it in turn.
 */
export async function withQueue<T>(globals: GlobalOptions, options: OpenOptions & { following?: Following; out: Output }, work: (session: QueueSession) => Promise<T>): Promise<T> {
  const home = homeOf(globals);
  for (;;) {
    const attached = await attachToHolder(home);
    if (attached !== null) {
      try {
        return await withStore(globals, async (library) => work(await attachedSession(attached, library, options.following ?? 'own')));
      } finally {
        attached.close();
      }
    }
    let engine: Engine;
    try {
      engine = await openEngine(globals, options);
    } catch (error) {
      // Taken between the look and the lock: attach to the one that took it.
      if (error instanceof Error && 'code' in error && error.code === 'home-in-use') continue;
      throw error;
    }
    const service = options.run ? await serveCliEngine(engine, options.out) : null;
    try {
      return await work(localSession(engine));
    } finally {
      await service?.close();
      await engine.close();
    }
  }
}
