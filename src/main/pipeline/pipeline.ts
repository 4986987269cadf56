import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ModelInput } from '../../shared/model-inputs/index';
import { randomSeed } from '../../shared/preset/index';
import { systemClock } from '../../shared/clock';
import type { Clock } from '../../shared/clock';
import { GENERATION_MACHINE, nextState } from '../../shared/generation-machine';
import type { GenerationEvent, StateEffect } from '../../shared/generation-machine';
import { LibraryError, isErrno } from '../library/errors';
import { storeOutputImage } from '../library/outputs';
import { absoluteLibraryPath } from '../library/paths';
import type { GenerationParameters } from '../library/pngmeta';
import { createImageThumbnailQueue, imageThumbnailJob, thumbnailFailureMessage } from '../library/thumbnails';
import { CONTROLNET_ENDPOINT, ScenarioError, jobFailureReason } from '../scenario/index';
import type { CostEstimate, GenerateEndpoint, ScenarioClient, ScenarioJob } from '../scenario/index';
import type { DuplicateEvent, Generation, GenerationKind, GenerationState, PresetVersion, Store, TransitionPatch, WatchedFolder } from '../store/index';
import { StoreError, TERMINAL_STATES } from '../store/index';
import { ConcurrencyLimit } from '../../shared/concurrency';
import { userMessageOf } from '../../shared/errors';
import { BudgetLedger } from './budget';
import { PipelineError, isModelError, isRefusedKey } from './errors';
import { NO_JOB_CREATED, queueStatusOf, type PipelineStatus } from './queue-status';
import { PipelineEmitter } from './events';
import type { Waiting } from './events';
import { Holds, type WaitKey } from './holds';
import { readInputFile, type InputRead } from './intake';
import { PhotoMaps } from './photo-maps';
import { TakenInInputs } from './taken-in';
import { ProcessedFiles } from './processed';
import { isCustomFamily, presetRunOf, type PresetRun, type PresetRunCheck } from './preset-runs';
import { findLostJob, lookUntil } from './reconcile';
import { SIDECAR_SETTLE_MS, TakenImages, applyOverrides, isSidecarPath, readSidecars, settleForSidecars, sidecarPathsOf, type SidecarRead } from './sidecars';
import { Scheduler } from './scheduler';
import { SharedUploads } from './uploads';
import { DEFAULT_MAX_INPUT_BYTES, inputProblem } from './validate';
import { importedPresetOf } from '../sync/parameters';

export { BUDGET_SETTING_KEYS } from './budget';

export interface PipelineOptions {
  store: Store;
  /** null when no credentials are set: files are still recorded, nothing is sent. */
  client: ScenarioClient | null;
  libraryRoot: string;
  /** Results come from the local simulator (recorded on each generation). */
  simulated: boolean;
  events?: PipelineEmitter;
  /** Generations worked on at once (upload → download). Default 2. */
  concurrency?: number;
  /** Larger control images are refused. Default 50 MB. */
  maxInputBytes?: number;
  /** How long a lost submission is looked for in Scenario's job list before asking the person. Default 30 s. */
  reconcileWindowMs?: number;
  /** Pauses between network probes while offline. Default 1 s doubling to 30 s. */
  probeBackoff?: { minMs: number; maxMs: number };
  /** How long a full library disk or a model Scenario refused holds before it is tried again. Default 30 s. */
  recheckMs?: number;
  /** Submissions of one generation that ended in a definite server error, before it fails. Default 3. */
  maxSubmitAttempts?: number;
  appVersion?: string;
  /** Every wait and timestamp of the pipeline (the seeded simulation gives a virtual one). */
  clock?: Clock;
  /** How long after an image's last write its sidecars may still arrive. Default 1 s (SIDECAR_SETTLE_MS). */
  sidecarSettleMs?: number;
}

/** Where a file came from: a watched folder (its presets, duplicate rule, processed action) or a person's explicit run. */
export type IntakeSource =
  | { kind: 'folder'; folder: WatchedFolder; initial: boolean }
  | { kind: 'manual'; presetIds: number[]; seed?: string };

export type { PipelineStatus, QueueJobStatus } from './queue-status';

/** Rows in these states are worked on (or waited on) by the pipeline. */
const ACTIVE_STATES: readonly GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading'];
/** States whose way on is a submission (the holds of sending apply to them), besides a row answered "no job made". */
const NOT_YET_SENT_STATES: readonly GenerationState[] = ['detected', 'validated', 'uploaded'];
/** The error code earlier versions gave a paid job whose images could not be written (now a hold): such rows download again on retry. */
const DOWNLOAD_FAILED = 'download-failed';
const SERVER_RETRY_PAUSE_MS = 2000;
const SERVER_RETRIES_PER_STEP = 3;
/** A paid job whose images could not be fetched is tried again after this pause, doubling. */
const DOWNLOAD_RETRY_PAUSE_MS = { min: 5_000, max: 5 * 60_000 };
/**
 * Input files worked on at once (taken in, or moved after processing). An intake holds its file
 * and its library copy open and its bytes in memory: thousands at once (a catch-up, a big drop)
 * ran the process out of file handles, and would run it out of memory with large images.
 */
const FILES_AT_ONCE = 8;
const OUT_OF_HANDLES_PAUSE_MS = { min: 100, max: 5000 };

type StepResult = 'continue' | 'stop';
type Step = (generation: Generation, signal: AbortSignal) => Promise<StepResult>;

export type Pipeline = ReturnType<typeof createPipeline>;

/**
 * The durable state machine per (input, preset), driven by the declared table in
 * src/shared/generation-machine.ts: each state's effect is one step below, and a step moves its
 * row on only by naming an event of the table. Every state is committed before the side effect
 * that follows it, so a crash anywhere resumes from the row: a submitted job is polled again,
 * never sent again; a submission whose answer was lost is looked for in Scenario's job list.
 *
 * The queue, the holds, the budget, the shared uploads and the processed files are modules of
 * their own (scheduler.ts, holds.ts, budget.ts, uploads.ts, processed.ts); this file composes them.
 */
export function createPipeline(options: PipelineOptions) {
  const { store, client, libraryRoot } = options;
  const events = options.events ?? new PipelineEmitter();
  const clock = options.clock ?? systemClock;
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const reconcileWindowMs = options.reconcileWindowMs ?? 30_000;
  const maxSubmitAttempts = options.maxSubmitAttempts ?? 3;
  const appVersion = options.appVersion ?? '0.1.0';
  const sidecarSettleMs = options.sidecarSettleMs ?? SIDECAR_SETTLE_MS;

  const closing = new AbortController();
  const budget = new BudgetLedger(store, clock, () => options.simulated);
  const holds = new Holds({
    emitter: events,
    clock,
    budget,
    probeBackoff: options.probeBackoff ?? { minMs: 1000, maxMs: 30_000 },
    recheckMs: options.recheckMs ?? 30_000,
    probe: async (signal) => {
      const sentOn = connectionEpoch;
      try {
        await requireClient().listJobs({ pageSize: 1 }, { signal });
      } catch (error) {
        // Any answer but no answer means the network is back (a refused key is its own hold).
        if (error instanceof ScenarioError && (error.code === 'network' || error.code === 'timeout' || error.code === 'aborted')) throw error;
        if (error instanceof ScenarioError && isRefusedKey(error) && sentOn === connectionEpoch) holds.credentialsRefused(refusedKeyMessage(error));
      }
    },
    onChange: () => scheduler.pump(),
    keyTaken: async (signal) => {
      try {
        await requireClient().listJobs({ pageSize: 1 }, { signal });
        return true;
      } catch {
        return false;
      }
    },
  });
  const scheduler = new Scheduler({
    concurrency: options.concurrency ?? 2,
    drive,
    onUnexpected: (id, error) => events.emit('warning', { message: `Generation ${id} stopped unexpectedly: ${userMessageOf(error)}` }),
    onEnded: (id) => {
      progress.delete(id);
      finishedJobs.delete(id);
      justSubmitted.delete(id);
      serverErrors.delete(id);
      budget.release(id);
    },
    isPaused: () => holds.pausedAll,
    isHeld: (key) => holds.jobHold(key) !== null,
  });
  const thumbnails = createImageThumbnailQueue(store, {
    onError: (job, error) => events.emit('warning', { message: thumbnailFailureMessage(job, error) }),
  });
  const uploads = new SharedUploads();
  const fileTurns = new ConcurrencyLimit(FILES_AT_ONCE);
  const processedFiles = new ProcessedFiles({
    outcomeOf: (id) => {
      const generation = store.generations.get(id);
      if (generation === null) return null;
      return { ended: TERMINAL_STATES.includes(generation.state), failedReason: generation.state === 'failed' ? (generation.errorMessage ?? 'unknown reason') : null };
    },
    inTurn: (work) => fileTurns.run(work),
    onMoved: (from, to) => events.emit('input.moved', { from, to }),
    onMoveFailed: (filePath, error) => events.emit('warning', { message: `Could not move ${JSON.stringify(filePath)} after processing: ${userMessageOf(error)}` }),
  });

  const photoMaps = new PhotoMaps({
    store,
    libraryRoot,
    maxInputBytes,
    clock,
    holds,
    budget,
    reconcileWindowMs,
    client: requireClient,
    simulated: () => options.simulated,
    withTransientWaits: (key, signal, action) => withTransientWaits(key, signal, action),
    processProblem: (error) => processProblem(error),
  });

  // Per-run facts of the generations being driven (none of them durable).
  const progress = new Map<number, number>();
  /** A job's final state as the poll just read it: the download step needs not ask again. */
  const finishedJobs = new Map<number, ScenarioJob>();
  /** Jobs this run has just submitted: their first poll waits an interval (they cannot be done yet). */
  const justSubmitted = new Set<number>();
  const validatedVersions = new Map<number, PresetRunCheck>();
  const takenIn = new TakenInInputs();
  const takenImages = new TakenImages();
  /** Folders where a sidecar was seen: an image written there waits a moment for its own. */
  const foldersWithSidecars = new Set<string>();
  /** Folders listed once for sidecars: the watcher's first scan may reach an image before them. */
  const foldersListed = new Set<string>();

  async function usesSidecars(folder: string): Promise<boolean> {
    if (!foldersWithSidecars.has(folder) && !foldersListed.has(folder)) {
      foldersListed.add(folder);
      const names = await readdir(folder).catch(() => [] as string[]);
      if (names.some(isSidecarPath)) foldersWithSidecars.add(folder);
    }
    return foldersWithSidecars.has(folder);
  }
  /** outcome-unknown rows the person asked to send again (through the usual holds). */
  const resendAsked = new Set<number>();
  /** The pause before a paid job's images are fetched again, growing with each failure. */
  const downloadRetryPauses = new Map<number, number>();
  /**
   * Server errors each submission met: only these count toward `maxSubmitAttempts`. A resend after
   * a hold (network, rate limit, key, model) is no fault of the request and costs it no attempt.
   */
  const serverErrors = new Map<number, number>();
  /** Counts connection changes: a refusal of a request sent before the latest change is not the new key's. */
  let connectionEpoch = 0;

  function requireClient(): ScenarioClient {
    if (client === null) {
      throw new PipelineError('no-credentials', 'No Scenario API key is set. Set SCENARIO_API_KEY and SCENARIO_API_SECRET (or add the key in Settings), then try again.');
    }
    return client;
  }

  // ---------------------------------------------------------------- intake

  function inputsOf(inputsVersion: string): ModelInput[] | null {
    return store.modelInputs.get(inputsVersion);
  }

  /**
   * The run for one file: the preset's, or the preset with the file's sidecar overrides (and its
   * prompt tokens) when they change anything. A problem names the sidecar and the field.
   */
  function runForFile(version: PresetVersion, run: PresetRun, sidecars: SidecarRead, filePath: string): { run: PresetRun; overrides: Record<string, unknown> | null; problem: string | null } {
    if (sidecars.problem !== null) return { run, overrides: null, problem: sidecars.problem };
    const { document, changed } = applyOverrides(version.preset as Record<string, unknown>, sidecars.overrides, filePath);
    if (changed === null) return { run, overrides: null, problem: null };
    const check = presetRunOf({ family: version.family, preset: document }, inputsOf);
    if (check.ok) return { run: check.run, overrides: changed, problem: null };
    const issue = check.issues[0];
    const where = issue === undefined ? 'A sidecar' : (sidecars.origins[issue.field] ?? `The preset "${version.name}" (a {file}, {folder} or {frame} token)`);
    return { run, overrides: changed, problem: `${where}: ${issue?.field ?? ''}: ${issue?.message ?? 'not valid'} Fix it, then drop the image again.` };
  }

  /** A preset version never changes once saved (an edit makes a new one): each is validated once per run. */
  function validateVersion(version: PresetVersion): PresetRunCheck {
    let validation = validatedVersions.get(version.id);
    if (validation === undefined) {
      validation = presetRunOf(version, inputsOf);
      validatedVersions.set(version.id, validation);
    }
    return validation;
  }

  /** Presets (current versions) with how to run them; a broken preset is reported (and why it is, returned), not thrown. */
  function presetsFor(presetIds: readonly number[]): { runs: { version: PresetVersion; run: PresetRun; presetId: number }[]; problems: string[] } {
    const runs = [];
    const problems = [];
    for (const presetId of presetIds) {
      const preset = store.presets.get(presetId);
      if (preset === null || preset.archivedAt !== null) continue;
      const validation = validateVersion(preset.currentVersion);
      if (!validation.ok) {
        const problem = `Preset "${preset.name}" is not valid (${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}).`;
        events.emit('warning', { message: `${problem} Edit it, then drop the file again.` });
        problems.push(problem);
        continue;
      }
      runs.push({ version: preset.currentVersion, run: validation.run, presetId });
    }
    return { runs, problems };
  }

  /**
   * Takes one file: hashes it, keeps a copy in the library (and, in a folder that makes maps
   * first, its map) and records one generation per preset, in one transaction (a crash leaves
   * either all of it or nothing). Returns the new generation ids.
   */
  async function enqueueFile(filePath: string, source: IntakeSource): Promise<number[]> {
    const ended = scheduler.beginOtherWork();
    try {
      const presetIds = source.kind === 'folder' ? source.folder.presetIds : source.presetIds;
      const { runs: presets, problems } = presetsFor(presetIds);
      if (presets.length === 0) {
        // It stays where it is: a preset's problem is not the file's.
        const why = problems.length > 0 ? `${problems.join(' ')} Fix the preset` : `no valid preset is bound${source.kind === 'folder' ? ` to the folder ${source.folder.path}` : ''}. Bind a preset`;
        throw new PipelineError('invalid-preset', `${JSON.stringify(filePath)} was not queued: ${why}, then drop the file again.`);
      }
      const read = await fileTurns.run(() => whenHandlesAreFree(() => readInputFile(filePath, libraryRoot, maxInputBytes)));
      // An exporter may write the image first: its sidecars may still come.
      // Only where sidecars are used: a folder without them keeps its pickup latency.
      if (await usesSidecars(path.dirname(filePath))) await settleForSidecars(filePath, sidecarSettleMs, clock, closing.signal);
      const folder = source.kind === 'folder' ? source.folder : null;
      // A folder of photos: the map Scenario's detection makes of each is the input generated from.
      // Made outside the file turns: it may wait for a hold (the network, the budget) as long as a generation.
      const taken = folder?.options.mapFirst
        ? await photoMaps.mapOf({ filePath, photo: read, modality: folder.options.mapFirst, folderId: folder.id, retake: !(source.kind === 'folder' && source.initial) }, closing.signal)
        : read;
      return await fileTurns.run(() => whenHandlesAreFree(() => record(filePath, source, presets, taken)));
    } catch (error) {
      // Closing: the file is still there, and the next start's catch-up takes it.
      if (closing.signal.aborted) return [];
      const reason = error instanceof PipelineError ? error.code : 'intake-failed';
      events.emit('input.skipped', { path: filePath, folder: source.kind === 'folder' ? source.folder.path : null, reason, message: userMessageOf(error) });
      if (reason === 'invalid-input' && source.kind === 'folder' && source.folder.options.processedAction === 'move') {
        // The file's own problem (a photo Scenario could not make a map of) fails it, as a failed generation would.
        const { path: folderPath } = source.folder;
        const companions = sidecarPathsOf(filePath).map((sidecar) => path.relative(folderPath, sidecar));
        await processedFiles.failNow(filePath, { folderPath, relPath: path.relative(folderPath, filePath), companions }, userMessageOf(error));
      }
      return [];
    } finally {
      ended();
    }
  }

  /**
   * The process out of file handles (other programs' files, a low limit) is a wait, not a reason
   * to skip the file: it is taken once handles are free again. Retrying is safe because nothing
   * is recorded before the file is read and copied.
   */
  async function whenHandlesAreFree<T>(work: () => Promise<T>): Promise<T> {
    for (let pauseMs = OUT_OF_HANDLES_PAUSE_MS.min; ; pauseMs = Math.min(OUT_OF_HANDLES_PAUSE_MS.max, pauseMs * 2)) {
      try {
        return await work();
      } catch (error) {
        if (!isOutOfFileHandles(error)) throw error;
        await clock.sleep(pauseMs, closing.signal);
      }
    }
  }

  /** Records the file taken (its sidecars read): one generation per preset, or a duplicate event. */
  async function record(filePath: string, source: IntakeSource, presets: ReturnType<typeof presetsFor>['runs'], { draft, contents }: InputRead): Promise<number[]> {
    const folder = source.kind === 'folder' ? source.folder : null;
    const sidecars = await readSidecars(filePath, clock, closing.signal);
    const added: Generation[] = [];
    const refused: Generation[] = [];
    const known: Generation[] = [];
    const duplicates: DuplicateEvent[] = [];
    let inputName = draft.fileName;
    let newInputId: number | null = null;
    store.transaction(() => {
      const { input, created } = store.inputs.upsertBySha256(draft);
      // The history names an input by its first sighting.
      inputName = input.fileName;
      if (created) newInputId = input.id;
      const earlier = created ? [] : store.generations.listForInput(input.id);
      for (const { version, run, presetId } of presets) {
        const sameForPreset = earlier.filter((generation) => presetOfVersion(generation.presetVersionId) === presetId);
        if (source.kind === 'folder' && source.initial && sameForPreset.length > 0) {
          // Catch-up after a restart: this file was taken before; its rows resume on their own.
          known.push(...sameForPreset);
          continue;
        }
        const kept = sameForPreset.find((generation) => generation.state !== 'failed' && generation.state !== 'canceled');
        if (folder !== null && !folder.options.allowDuplicates && kept !== undefined) {
          // Recorded under the dropped file's own name, pointing at what it duplicates: no generation is made.
          const original = store.inputs.get(kept.inputId);
          duplicates.push(
            store.inputEvents.recordDuplicate({
              path: filePath,
              fileName: draft.fileName,
              folderId: folder.id,
              inputId: input.id,
              presetVersionId: version.id,
              duplicateOf: kept.id,
              message: `${JSON.stringify(filePath)} has the same content as ${JSON.stringify(original?.originalPath ?? '')}, already generated with preset "${version.name}" (generation ${kept.id}). This folder does not allow duplicates, so it was not sent again; allow duplicates in the folder's settings to generate it anyway.`,
            }),
          );
          continue;
        }
        const kind: GenerationKind = source.kind === 'folder' ? 'hotfolder' : 'manual';
        const forFile = runForFile(version, run, sidecars, filePath);
        // A model without a seed input has no seed to choose (null), whatever the person asked.
        const ownSeed = forFile.run.seedForRun();
        const seed = ownSeed !== null && source.kind === 'manual' && source.seed !== undefined ? source.seed : ownSeed;
        const generation = store.generations.create({
          inputId: input.id,
          presetVersionId: version.id,
          folderId: folder?.id ?? null,
          kind,
          // Until the upload gives an asset id, the body names the control image by its hash.
          requestJson: forFile.run.requestJson(`sha256:${input.sha256}`, seed),
          seed,
          modelId: forFile.run.modelId,
          family: version.family,
          ...forFile.run.summary,
          overrides: forFile.overrides,
          simulated: options.simulated,
        });
        if (forFile.problem !== null) {
          // A bad sidecar is the file's problem: it fails, saying which sidecar and field.
          refused.push(store.generations.transition(generation.id, 'failed', { errorCode: 'invalid-sidecar', errorMessage: forFile.problem }));
          continue;
        }
        added.push(generation);
      }
    });
    for (const duplicate of duplicates) {
      events.emit('input.skipped', { path: filePath, folder: folder?.path ?? null, reason: 'duplicate', message: duplicate.message });
    }
    for (const failed of refused) {
      events.emit('job.state', { generationId: failed.id, state: 'failed', message: failed.errorMessage });
      events.emit('job.failed', { generationId: failed.id, code: 'invalid-sidecar', message: failed.errorMessage ?? '' });
    }
    if (folder !== null && folder.options.processedAction === 'move') {
      const relPath = path.relative(folder.path, filePath);
      processedFiles.track(filePath, {
        folderPath: folder.path,
        relPath,
        generationIds: [...added, ...known, ...refused].map((generation) => generation.id),
        companions: sidecars.files.map((file) => path.relative(folder.path, file)),
      });
    }
    if (folder !== null) takenImages.taken(filePath, sidecars, [...added, ...known, ...refused].map((generation) => generation.id));
    if (newInputId !== null && contents !== null && added.length > 0) takenIn.keep(newInputId, contents);
    for (const generation of added) {
      events.emit('job.added', { generationId: generation.id, inputName, presetName: presetNameOf(generation) });
      schedule(generation);
    }
    return added.map((generation) => generation.id);
  }

  function presetOfVersion(versionId: number): number | undefined {
    return store.presets.getVersion(versionId)?.presetId;
  }

  function presetNameOf(generation: Generation): string {
    return store.presets.getVersion(generation.presetVersionId)?.name ?? '';
  }

  // ---------------------------------------------------------------- scheduling

  function schedule(generation: Pick<Generation, 'id' | 'folderId' | 'modelId'>): void {
    if (closing.signal.aborted) return;
    scheduler.schedule(generation.id, { folderId: generation.folderId, modelId: generation.modelId });
  }

  /** Picks up every row a previous run left unfinished, and checks the key at once. */
  function resume(): void {
    for (const generation of store.generations.listByStates(ACTIVE_STATES)) schedule(generation);
    // An answered-with-error submission may go again; a lost one is looked for once more.
    for (const generation of store.generations.listByStates(['outcome-unknown'])) schedule(generation);
    refreshOutcomeUnknown();
    void checkConnection();
  }

  /**
   * Asks Scenario once whether it takes the key, so a refused key holds the queue at start with
   * its reason, before any file meets it. No answer is the network's hold, as for any request.
   */
  async function checkConnection(): Promise<void> {
    if (client === null) return;
    const sentOn = connectionEpoch;
    try {
      await client.listJobs({ pageSize: 1 }, { signal: closing.signal });
    } catch (error) {
      if (closing.signal.aborted || !(error instanceof ScenarioError) || sentOn !== connectionEpoch) return;
      if (isRefusedKey(error)) holds.credentialsRefused(refusedKeyMessage(error));
      else if (error.code === 'network' || error.code === 'timeout') holds.networkFailed(error.userMessage);
    }
  }

  function refreshOutcomeUnknown(): void {
    const parked = store.generations.listByStates(['outcome-unknown']).filter((generation) => generation.errorCode !== NO_JOB_CREATED);
    holds.setOutcomeUnknownCount(parked.length);
  }

  // ---------------------------------------------------------------- the state machine

  /**
   * Moves a row by an event of the declared machine. An event the table does not have for the
   * row's state is refused loudly; the store's compare-and-set moves the row only if it is still
   * in the state the event was read for.
   */
  function fire(generation: Pick<Generation, 'id' | 'state'>, event: GenerationEvent, patch: TransitionPatch = {}): Generation {
    const to = nextState(generation.state, event);
    if (to === undefined) {
      throw new PipelineError(
        'illegal-transition',
        generation.state === 'submitting' || generation.state === 'downloading'
          ? `Generation ${generation.id} is ${generation.state}: Scenario may already have charged it, so it cannot be ${event === 'cancel' ? 'canceled' : 'changed'} until its answer is in. Try again in a moment.`
          : `Generation ${generation.id} is ${generation.state}, so it cannot be ${event === 'cancel' ? 'canceled' : event === 'retry' ? 'retried' : `moved by "${event}"`} now.`,
      );
    }
    const moved = store.generations.transition(generation.id, to, patch, generation.state);
    events.emit('job.state', { generationId: generation.id, state: to, message: patch.errorMessage ?? null });
    if (to === 'failed') events.emit('job.failed', { generationId: generation.id, code: patch.errorCode ?? 'failed', message: patch.errorMessage ?? '' });
    if (TERMINAL_STATES.includes(to)) processedFiles.generationEnded(generation.id);
    // Only a row entering or (while any is parked) leaving outcome-unknown changes the count.
    if (to === 'outcome-unknown' || generation.state === 'outcome-unknown') refreshOutcomeUnknown();
    return moved;
  }

  /** Each state's effect (the table names it), as a step that runs it. */
  const steps: Record<StateEffect, Step> = {
    validate: (generation) => validateStep(generation),
    upload: uploadStep,
    submit: submitStep,
    reconcile: reconcileStep,
    'reconcile-or-resend': (generation, signal) =>
      generation.errorCode === NO_JOB_CREATED || resendAsked.delete(generation.id) ? submitStep(generation, signal) : reconcileStep(generation, signal),
    poll: pollStep,
    download: downloadStep,
  };

  /** Takes one generation as far as it can go now: to an end, or to a state that waits for the person. */
  async function drive(id: number): Promise<void> {
    const signal = closing.signal;
    // Each drive starts on its own turn of the clock: drives started together (one file for two
    // presets) never take their first steps at one instant, so which reaches Scenario first does
    // not depend on the machine's threads (the seeded simulation replays a seed step for step).
    if (!(await clock.sleep(0, signal).then(() => true, () => false))) return;
    for (;;) {
      if (signal.aborted) return;
      const generation = store.generations.get(id);
      if (generation === null) return;
      const effect = GENERATION_MACHINE[generation.state].effect;
      if (effect === null) return;
      try {
        if ((await steps[effect](generation, signal)) === 'stop') return;
      } catch (error) {
        if (signal.aborted) return;
        // The row moved under this drive (the person canceled or retried it meanwhile): the drive
        // asked for by that move reads it afresh; failing it here would undo the person's retry.
        if (error instanceof StoreError && error.code === 'invalid-transition') return;
        const current = store.generations.get(id);
        if (current === null || TERMINAL_STATES.includes(current.state)) return;
        if (current.state === 'downloading') {
          // Paid for: the images are fetched again after a pause that grows, never given up on
          // (an expired link, a refused download): a drive that ended here stalled the row until a restart.
          // The drive ends (its slot goes to other work) and the row is scheduled again after the pause.
          const pauseMs = Math.min(DOWNLOAD_RETRY_PAUSE_MS.max, (downloadRetryPauses.get(id) ?? DOWNLOAD_RETRY_PAUSE_MS.min / 2) * 2);
          downloadRetryPauses.set(id, pauseMs);
          events.emit('job.failed', { generationId: id, code: codeOf(error), message: `${userMessageOf(error)} Generation ${id} stays downloading; its images are fetched again in ${Math.round(pauseMs / 1000)} s, without a new charge.` });
          clock.sleep(pauseMs, signal).then(() => schedule(current), () => undefined);
          return;
        }
        if (current.state === 'outcome-unknown') {
          // Parked for the person: the next start (or their retry) looks again.
          events.emit('job.failed', { generationId: id, code: codeOf(error), message: `${userMessageOf(error)} Generation ${id} stays outcome-unknown; it is looked for again on the next start or when you retry it.` });
          return;
        }
        if (current.state === 'submitting') {
          fire(current, 'answer-lost', { errorCode: 'outcome-unknown', errorMessage: userMessageOf(error) });
          return;
        }
        fire(current, 'job-problem', { errorCode: codeOf(error), errorMessage: userMessageOf(error) });
        return;
      }
    }
  }

  async function validateStep(generation: Generation): Promise<StepResult> {
    const input = store.inputs.get(generation.inputId);
    if (input === null) throw new PipelineError('not-found', `The input of generation ${generation.id} is missing from the history.`);
    const contents = takenIn.get(input.id);
    const problem = await inputProblem(input, libraryRoot, { family: generation.family, maxBytes: maxInputBytes, ...(contents === undefined ? {} : { contents }) });
    if (problem === null) {
      fire(generation, 'input-accepted');
    } else {
      takenIn.forget(input.id);
      fire(generation, 'input-refused', { errorCode: 'invalid-input', errorMessage: problem });
    }
    return 'continue';
  }

  async function uploadStep(generation: Generation, signal: AbortSignal): Promise<StepResult> {
    const scenario = requireClient();
    const input = store.inputs.get(generation.inputId);
    const version = store.presets.getVersion(generation.presetVersionId);
    if (input === null || version === null) throw new PipelineError('not-found', `Generation ${generation.id} lost its input or preset.`);
    const validation = generation.overrides === null ? validateVersion(version) : presetRunOf({ family: version.family, preset: { ...(version.preset as Record<string, unknown>), ...generation.overrides } }, inputsOf);
    if (!validation.ok) throw new PipelineError('invalid-preset', `Preset "${version.name}" is not valid: ${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
    const contents = takenIn.get(input.id);
    const assetId = await uploads.assetFor(
      input.id,
      (usable) => (contents === undefined ? (store.generations.listForInput(input.id).find((earlier) => earlier.imageAssetId !== null && usable(earlier.imageAssetId))?.imageAssetId ?? null) : null),
      () =>
        withTransientWaits(generation.id, signal, async () =>
          scenario.uploadImage(
            { bytes: contents ?? (await readFile(absoluteLibraryPath(libraryRoot, input.libraryRelPath))), fileName: input.fileName, contentType: `image/${input.format ?? 'png'}` },
            { signal },
          ),
        ),
    );
    takenIn.forget(input.id);
    // The seed was fixed when the row was made: the body differs from the recorded one only by the image.
    fire(generation, 'uploaded', { imageAssetId: assetId, requestJson: validation.run.requestJson(assetId, generation.seed ?? validation.run.seedForRun()) });
    return 'continue';
  }

  async function submitStep(generation: Generation, signal: AbortSignal): Promise<StepResult> {
    const scenario = requireClient();
    const cost = await costOf(generation, signal);
    budget.waits(generation.id, cost);
    holds.changed();
    // The budget is checked and the cost reserved in one turn: two jobs cannot both take the last room.
    const facts = { folderId: generation.folderId, modelId: generation.modelId, cost };
    const clear = await holds.waitUntilClear(generation.id, () => holds.submissionHold(facts), signal, () => budget.reserve(generation.id, cost), () => holds.jobHold(facts) !== null);
    if (!clear) {
      // Held alone (its folder paused, its model refused): back in line, its slot to other work.
      schedule(generation);
      return 'stop';
    }
    holds.changed();
    let sent: Generation;
    try {
      // The row carries the estimate from here: the budget counts it as spent until Scenario's
      // answer replaces it (or says no job was made), even across a crash.
      sent = fire(generation, 'send', { costCu: cost, errorCode: null, errorMessage: null });
      // The person's resend is used up: a later lost answer asks them again.
      resendAsked.delete(generation.id);
    } finally {
      budget.release(generation.id);
      holds.changed();
    }
    const sentOn = connectionEpoch;
    try {
      // No signal: once sent, the answer is awaited even while closing (it carries the job id).
      const result = await scenario.generate(endpointOf(generation), generation.requestJson);
      fire(sent, 'accepted', { jobId: result.jobId, costCu: result.creativeUnitsCost ?? cost ?? null });
      justSubmitted.add(generation.id);
      uploads.accepted(generation.id);
      return 'continue';
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      const submitted = store.generations.get(generation.id) as Generation;
      if (error.code === 'outcome-unknown') return reconcileStep(submitted, signal);
      if (error.code === 'server') {
        // A gateway may have started the job before failing: look before sending again.
        const found = await lookForJob(submitted, signal, 0);
        if (found !== 'absent') return found;
        const attempts = (serverErrors.get(generation.id) ?? 0) + 1;
        serverErrors.set(generation.id, attempts);
        if (attempts >= maxSubmitAttempts) {
          fire(submitted, 'refused', { errorCode: 'server', errorMessage: `${error.userMessage} (${attempts} attempts)` });
          return 'stop';
        }
      }
      if (error.code === 'not-found' && isModelError(error) === false && submitted.imageAssetId !== null && uploads.refusedAsset(generation.id, submitted.imageAssetId)) {
        // A control image the connection does not know (the built-in simulator restarted, a key
        // of another project) is the one refusal a new upload cures: back to upload, once.
        fire(submitted, 'asset-unknown', { imageAssetId: null });
        return 'continue';
      }
      const hold = processProblem(error);
      if (hold !== null || error.code === 'server') {
        // Answered with an error: no job exists and nothing was charged. The row waits for its
        // hold (or a short pause after a server error) and is sent again.
        fire(submitted, 'not-sent', { errorCode: NO_JOB_CREATED, errorMessage: error.userMessage, costCu: null });
        if (hold === null) await clock.sleep(SERVER_RETRY_PAUSE_MS, signal);
        else if (sentOn === connectionEpoch) hold(generation);
        return 'continue';
      }
      if (error.code === 'invalid-request' || error.code === 'not-found') {
        // A refusal of this request (its content, its parameters): the job's problem, with Scenario's reason.
        fire(submitted, 'refused', { errorCode: error.code, errorMessage: error.userMessage });
        return 'stop';
      }
      // Anything else (an unreadable answer) may hide a job: the row is reconciled, never resent blindly.
      throw error;
    }
  }

  /**
   * A problem of the process met by a request: it sets the hold that makes every job wait, and
   * the job waits with the others. Returns null for anything that is not one.
   */
  function processProblem(error: ScenarioError): ((generation: Pick<Generation, 'modelId'>) => void) | null {
    if (error.code === 'network' || error.code === 'timeout') return () => holds.networkFailed(error.userMessage);
    if (error.code === 'rate-limited') return () => holds.rateLimited(error.retryAfterMs ?? 5000);
    if (isModelError(error)) return (generation) => holds.modelUnavailable(generation.modelId, modelUnavailableMessage(generation.modelId, error));
    if (isRefusedKey(error)) return () => holds.credentialsRefused(refusedKeyMessage(error));
    return null;
  }

  /** A submission whose answer was lost: adopt its job if Scenario lists it, otherwise ask the person. */
  async function reconcileStep(generation: Generation, signal: AbortSignal): Promise<StepResult> {
    const found = await lookForJob(generation, signal, reconcileWindowMs);
    if (found !== 'absent') return found;
    if (generation.state === 'submitting') {
      fire(generation, 'answer-lost', {
        errorCode: 'outcome-unknown',
        errorMessage: `The answer to the generation request was lost and Scenario's job list does not show the job. It may or may not have run (and been charged). Check Scenario's web app; then retry this generation to send it again, or cancel it.`,
      });
    }
    return 'stop';
  }

  /** Searches Scenario's job list (repeatedly until `windowMs` after the submission) and adopts a match. */
  async function lookForJob(generation: Generation, signal: AbortSignal, windowMs: number): Promise<StepResult | 'absent'> {
    const scenario = requireClient();
    const request = JSON.parse(generation.requestJson) as Record<string, unknown>;
    const lost = {
      createdAt: generation.createdAt,
      identifiedBy: { modelId: generation.modelId, prompt: request.prompt },
      request,
      ownedElsewhere: (jobId: string) => (store.generations.idForJob(jobId) ?? generation.id) !== generation.id,
    };
    const result = await lookUntil(() => withTransientWaits(generation.id, signal, () => findLostJob(scenario, lost, signal)), { deadline: generation.stateChangedAt + windowMs, windowMs, clock }, signal);
    if (result.kind === 'found') {
      // Its cost was recorded when it was sent (the estimate): the budget keeps counting it.
      fire(generation, 'job-found', { jobId: result.jobId });
      return 'continue';
    }
    if (result.kind === 'ambiguous') {
      const message = `The answer to the generation request was lost and Scenario lists ${result.jobIds.length} jobs that match it (${result.jobIds.join(', ')}), so the app cannot tell which is this one. Check them in Scenario's web app, then retry or cancel this generation.`;
      if (generation.state === 'submitting') fire(generation, 'answer-lost', { errorCode: 'outcome-unknown', errorMessage: message });
      return 'stop';
    }
    return 'absent';
  }

  async function pollStep(generation: Generation, signal: AbortSignal): Promise<StepResult> {
    const scenario = requireClient();
    const jobId = generation.jobId as string;
    const job = await withTransientWaits(generation.id, signal, () =>
      scenario.waitForJob(jobId, {
        signal,
        // True for the first attempt only (delete says whether it was there): after a network wait, poll at once.
        justSubmitted: justSubmitted.delete(generation.id),
        onProgress: (update) => {
          const value = typeof update.progress === 'number' ? Math.min(1, Math.max(0, update.progress)) : null;
          if (value !== null) progress.set(generation.id, value);
          events.emit('job.progress', { generationId: generation.id, state: 'submitted', progress: value });
        },
      }),
    );
    if (job.status === 'success') {
      finishedJobs.set(generation.id, job);
      fire(generation, 'job-succeeded');
    } else if (job.status === 'canceled') {
      fire(generation, 'job-canceled', { errorCode: 'job-canceled', errorMessage: 'The job was canceled on Scenario.' });
    } else {
      fire(generation, 'job-failed', { errorCode: 'job-failed', errorMessage: `Scenario could not make the images: ${jobFailureReason(job) ?? 'the job failed without a reason'}. Retry to send it again (it is charged again).` });
    }
    return 'continue';
  }

  async function downloadStep(generation: Generation, signal: AbortSignal): Promise<StepResult> {
    const scenario = requireClient();
    const jobId = generation.jobId as string;
    const polled = finishedJobs.get(generation.id);
    finishedJobs.delete(generation.id);
    const job = polled ?? (await withTransientWaits(generation.id, signal, () => scenario.getJob(jobId, { signal })));
    const version = store.presets.getVersion(generation.presetVersionId);
    const presetName = version?.name ?? 'preset';
    const images = store.images.listForGeneration(generation.id);
    const have = new Set(images.map((image) => image.idx));
    const missing = (job.metadata?.assetIds ?? []).map((assetId, index) => ({ assetId, index })).filter(({ index }) => !have.has(index));
    const request = JSON.parse(generation.requestJson) as Record<string, unknown>;
    // One request signs every image's URL (a download whose URL expired asks for its own again).
    const urls = missing.length === 0 ? new Map<string, string>() : new Map((await withTransientWaits(generation.id, signal, () => scenario.getAssets(missing.map(({ assetId }) => assetId), { signal }))).map((asset) => [asset.id, asset.url]));
    for (const { assetId, index } of missing) {
      const expectedUrl = urls.get(assetId);
      const delivered = await withTransientWaits(generation.id, signal, () => scenario.downloadAssetBytes(assetId, { signal, ...(expectedUrl === undefined ? {} : { expectedUrl }) }));
      const parameters: GenerationParameters = {
        schemaVersion: 1,
        request,
        seed: generation.seed,
        modelId: generation.modelId,
        preset: { name: presetName, version: version?.version ?? 1 },
        generationId: generation.id,
        imageIndex: index,
        jobId,
        assetId,
        appVersion,
      };
      const stored = await whileDiskHasRoom(generation.id, signal, () =>
        storeOutputImage(libraryRoot, delivered.data, { createdAt: new Date(generation.createdAt), presetName, generationId: generation.id, index }, parameters),
      );
      // sha256 is of the image as Scenario delivered it, before our parameters chunk (which names
      // this generation): equal hashes mean Scenario made the same image, e.g. for a reproduction.
      const image = store.images.add(generation.id, { assetId, idx: index, relPath: stored.relPath, width: stored.width, height: stored.height, bytes: stored.bytes, sha256: delivered.sha256 });
      images.push(image);
      thumbnails.enqueue({ ...imageThumbnailJob(libraryRoot, image), sourceBytes: delivered.data });
    }
    fire(generation, 'stored');
    downloadRetryPauses.delete(generation.id);
    const imagePaths = images.sort((a, b) => a.idx - b.idx).map((image) => absoluteLibraryPath(libraryRoot, image.relPath));
    events.emit('job.done', { generationId: generation.id, imagePaths });
    return 'continue';
  }

  /**
   * A full library disk is the process's problem, not the job's (it is paid for): the queue holds
   * with the reason, and the write is tried again once the disk is checked again.
   */
  async function whileDiskHasRoom<T>(generationId: number, signal: AbortSignal, write: () => Promise<T>): Promise<T> {
    for (;;) {
      await holds.waitUntilClear(generationId, () => holds.downloadHold(), signal);
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof LibraryError && error.code === 'disk-full')) throw error;
        holds.diskFull(`${error.userMessage} Downloads wait (nothing is charged again) and continue once there is space.`);
      }
    }
  }

  /**
   * Runs a request, riding out the problems of the process: no network or a refused key (wait
   * for the hold to clear), a rate limit (wait the time Scenario gave), a few server errors.
   * Anything else is the caller's to handle.
   */
  async function withTransientWaits<T>(generationId: WaitKey, signal: AbortSignal, action: () => Promise<T>): Promise<T> {
    let serverErrors = 0;
    for (;;) {
      await holds.waitUntilClear(generationId, () => holds.requestHold(), signal);
      const sentOn = connectionEpoch;
      try {
        return await action();
      } catch (error) {
        if (signal.aborted || !(error instanceof ScenarioError)) throw error;
        if (sentOn !== connectionEpoch) {
          // Sent with the key that was just replaced: its answer says nothing about the new one.
          continue;
        }
        if (error.code === 'rate-limited') {
          holds.rateLimited(error.retryAfterMs ?? 5000);
          await holds.waitUntilClear(generationId, () => holds.rateLimitHold(), signal);
        } else if (error.code === 'server' && serverErrors < SERVER_RETRIES_PER_STEP) {
          serverErrors += 1;
          await clock.sleep(SERVER_RETRY_PAUSE_MS * serverErrors, signal);
        } else if (error.code === 'network' || error.code === 'timeout' || isRefusedKey(error)) {
          processProblem(error)?.({ modelId: '' });
        } else {
          throw error;
        }
      }
    }
  }

  /**
   * The creative units one run of this preset version costs, from a dry run made once per version.
   * Asked even without a budget: the estimate goes on the row when it is sent, so a budget set
   * later still counts a submission whose answer was lost (found by the seeded simulation, seed 31).
   */
  async function costOf(generation: Generation, signal: AbortSignal): Promise<number | null> {
    const version = store.presets.getVersion(generation.presetVersionId);
    if (version === null) return null;
    if (version.dryRunCost !== null) return version.dryRunCost.costCu;
    let estimate: CostEstimate;
    try {
      estimate = await withTransientWaits(generation.id, signal, () => requireClient().dryRun(endpointOf(generation), generation.requestJson, { signal }));
    } catch (error) {
      // Without a budget the estimate only serves the books: a refused dry run must not fail the
      // job (the POST meets the same refusal and handles it: a model hold, a new upload).
      const { daily, monthly } = budget.limits();
      if (error instanceof ScenarioError && daily === null && monthly === null) return null;
      throw error;
    }
    store.presets.setDryRunCost(version.id, estimate.creativeUnitsCost);
    return estimate.creativeUnitsCost;
  }

  // ---------------------------------------------------------------- the person's actions

  /** Sends a failed, canceled or outcome-unknown generation again (the person's explicit choice: it may be charged again). */
  function retry(generationId: number): void {
    const generation = store.generations.get(generationId);
    if (generation === null) throw new PipelineError('not-found', `There is no generation ${generationId}.`);
    if (generation.state === 'outcome-unknown') {
      resendAsked.add(generationId);
      schedule(generation);
      return;
    }
    if (generation.state === 'failed' && generation.errorCode === DOWNLOAD_FAILED) {
      schedule(fire(generation, 'retry-download'));
      return;
    }
    if (generation.state === 'failed' || generation.state === 'canceled') {
      schedule(fire(generation, 'retry'));
      return;
    }
    if (ACTIVE_STATES.includes(generation.state)) {
      schedule(generation);
      return;
    }
    throw new PipelineError('not-retryable', `Generation ${generationId} is ${generation.state}: there is nothing to retry.`);
  }

  function cancel(generationId: number): void {
    const generation = store.generations.get(generationId);
    if (generation === null) throw new PipelineError('not-found', `There is no generation ${generationId}.`);
    // Refused (it throws) before it leaves the queue: a row that cannot be canceled keeps its turn.
    const canceled = fire(generation, 'cancel', { errorCode: 'canceled', errorMessage: 'Canceled by you.' });
    scheduler.unschedule(canceled.id);
    holds.abandon(canceled.id);
    if (generation.jobId !== null && client !== null) void client.cancelJob(generation.jobId).catch(() => false);
  }

  function status(): PipelineStatus {
    return queueStatusOf(store, budget, {
      activeIds: scheduler.activeIds,
      queuedIds: scheduler.queuedIds,
      paused: holds.pausedAll,
      hold: holds.queueHold(),
      waitingOf: (generation) =>
        holds.waitingOf(generation.id) ??
        // In line and not started: what would hold it if it started now.
        (!scheduler.isActive(generation.id) && (NOT_YET_SENT_STATES.includes(generation.state) || generation.errorCode === NO_JOB_CREATED)
          ? holds.submissionHold({ folderId: generation.folderId, modelId: generation.modelId, cost: null })
          : null),
      progressOf: (generationId) => progress.get(generationId) ?? null,
    });
  }

  /**
   * A sidecar is in a watched folder (found at start, or written since): its folder's new images
   * wait for theirs from now on; one written after its image was taken is too late for it.
   */
  function sidecarArrived(sidecarPath: string, mtimeMs: number, folderPath: string, initial: boolean): void {
    foldersWithSidecars.add(path.dirname(sidecarPath));
    if (initial) return;
    const problem = takenImages.lateSidecarProblem(sidecarPath, mtimeMs);
    if (problem !== null) events.emit('input.skipped', { path: sidecarPath, folder: folderPath, reason: 'sidecar-late', message: problem });
  }

  return {
    events,
    enqueueFile,
    sidecarArrived,
    resume,
    retry,
    cancel,
    /** Same request and seed (exact), or a variation: `varySeed` true for a random seed, or the seed to use. */
    reproduce(generationId: number, how: { varySeed?: boolean | string } = {}): number {
      const parent = store.generations.get(generationId);
      if (parent?.notReproducible) {
        // An imported job whose request this app cannot send again: said, not pretended.
        throw new PipelineError('not-reproducible', `Generation ${generationId} was imported from Scenario and cannot be made again here: ${parent.notReproducible} Open it in Scenario's web app to run it again.`);
      }
      if (parent !== null && parent.seed === null && how.varySeed !== undefined && how.varySeed !== false) {
        throw new PipelineError('no-seed', `The model of generation ${generationId} has no seed input, so its seed cannot be varied: reproduce it exactly instead.`);
      }
      // An imported generation runs the preset version that builds its request again, made now.
      const importedVersion = parent?.origin ? (() => {
        const preset = importedPresetOf(parent.requestJson, parent.family);
        return store.sync.presetVersionFor(preset.contentSha256, preset.family, preset.document);
      })() : undefined;
      const version = parent === null ? null : store.presets.getVersion(importedVersion ?? parent.presetVersionId);
      const check = version === null ? null : validateVersion(version);
      // A new seed in the range the model takes (a custom model may allow fewer than 32 bits).
      const varySeed = how.varySeed === true ? ((check?.ok === true ? check.run.randomSeed() : null) ?? randomSeed()) : how.varySeed || undefined;
      const child = store.generations.createReproduction(generationId, { simulated: options.simulated, ...(varySeed === undefined ? {} : { varySeed }), ...(importedVersion === undefined ? {} : { presetVersionId: importedVersion }) });
      const input = store.inputs.get(child.inputId);
      events.emit('job.added', { generationId: child.id, inputName: input?.fileName ?? '', presetName: presetNameOf(child) });
      schedule(child);
      return child.id;
    },
    pauseAll(): void {
      holds.setPausedAll(true);
    },
    resumeAll(): void {
      holds.setPausedAll(false);
      scheduler.pump();
    },
    pauseFolder(folderId: number): void {
      holds.setFolderPaused(folderId, true);
    },
    resumeFolder(folderId: number): void {
      holds.setFolderPaused(folderId, false);
      scheduler.pump();
    },
    setConcurrency(limit: number): void {
      scheduler.setConcurrency(limit);
    },
    /** Settings changed (budget): held submissions check again. */
    recheck(): void {
      holds.changed();
    },
    /** The connection or its key changed: what the old one refused is tried again, and the new key is checked. */
    connectionChanged(): void {
      connectionEpoch += 1;
      holds.connectionChanged();
      void checkConnection();
    },
    status,
    /** Why the queue as a whole waits now, or null. */
    waiting(): Waiting | null {
      return holds.queueHold();
    },
    /** Scenario refused the key: work waits for another (whatever else holds the queue too, a pause). */
    waitsForKey(): boolean {
      return holds.requestHold()?.reason === 'credentials';
    },
    /** Resolves when nothing is queued, in flight or being taken in (a paused queue counts as idle). */
    idle(): Promise<void> {
      return scheduler.idle();
    },
    /** Stops: waits for answers already on their way (a POST), parks everything else in its durable state. */
    async close(): Promise<void> {
      closing.abort();
      holds.close();
      takenIn.clear();
      await scheduler.close();
      await thumbnails.onIdle();
    },
  };
}

/** Where a row's request goes: a custom-model preset's to its model's unified endpoint. */
function endpointOf(generation: Pick<Generation, 'family' | 'modelId'>): GenerateEndpoint {
  return isCustomFamily(generation.family) ? { kind: 'custom', modelId: generation.modelId } : CONTROLNET_ENDPOINT;
}

function refusedKeyMessage(error: ScenarioError): string {
  return `Scenario refused the API key (${error.userMessage}) Every file waits in its folder: save a valid key in Settings, or set SCENARIO_API_KEY and SCENARIO_API_SECRET and start again.`;
}

function modelUnavailableMessage(modelId: string, error: ScenarioError): string {
  return `Scenario does not offer the model ${modelId} to this key (${error.userMessage}) Its jobs wait: check the model and your plan in Scenario, or cancel them.`;
}

function isOutOfFileHandles(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (isErrno(current, 'EMFILE', 'ENFILE')) return true;
  }
  return false;
}

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return 'error';
}
