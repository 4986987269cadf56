import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MODEL_FAMILIES, buildControlNetRequest, randomSeed, seedForRun, validatePreset } from '../../shared/preset/index';
import type { ModelFamily, Preset as PresetDocument, PresetValidation } from '../../shared/preset/index';
import { LibraryError, isErrno } from '../library/errors';
import { storeOutputImage } from '../library/outputs';
import { absoluteLibraryPath } from '../library/paths';
import type { GenerationParameters } from '../library/pngmeta';
import { createImageThumbnailQueue, imageThumbnailJob, thumbnailFailureMessage } from '../library/thumbnails';
import { ScenarioError, jobFailureReason } from '../scenario/index';
import type { ScenarioClient, ScenarioJob } from '../scenario/index';
import type { Generation, GenerationKind, GenerationState, PresetVersion, Store, TransitionPatch, WatchedFolder } from '../store/index';
import { TERMINAL_STATES } from '../store/index';
import { ConcurrencyLimit } from '../../shared/concurrency';
import { userMessageOf } from '../../shared/errors';
import { PipelineError } from './errors';
import { PipelineEmitter } from './events';
import type { Waiting, WaitingReason } from './events';
import { QueueGate } from './gate';
import { readInputFile } from './intake';
import { TakenInInputs } from './taken-in';
import { moveProcessedInput } from './processed';
import { findLostJob } from './reconcile';
import { DEFAULT_MAX_INPUT_BYTES, inputProblem } from './validate';

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
  /** Submissions of one generation that ended in a definite server error, before it fails. Default 3. */
  maxSubmitAttempts?: number;
  appVersion?: string;
  now?: () => number;
}

/** Where a file came from: a watched folder (its presets, duplicate rule, processed action) or a person's explicit run. */
export type IntakeSource =
  | { kind: 'folder'; folder: WatchedFolder; initial: boolean }
  | { kind: 'manual'; presetIds: number[]; seed?: string };

export interface QueueJobStatus {
  generationId: number;
  presetName: string;
  inputName: string;
  state: GenerationState;
  progress: number | null;
  waiting: Waiting | null;
  updatedAt: string;
}

export interface PipelineStatus {
  paused: boolean;
  waiting: Waiting | null;
  jobs: QueueJobStatus[];
  counts: { waiting: number; active: number; doneToday: number; failedToday: number };
  budget: { dailyLimit: number | null; monthlyLimit: number | null; spentToday: number; spentThisMonth: number };
}

export const BUDGET_SETTING_KEYS = { daily: 'dailyBudget', monthly: 'monthlyBudget' } as const;

/** Rows in these states are worked on (or waited on) by the pipeline. */
const ACTIVE_STATES: readonly GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading'];
/** The error code of an outcome-unknown row whose POST was answered with an error: no job exists, it may be sent again. */
const NO_JOB_CREATED = 'no-job-created';
/** The error code of a generation whose job succeeded but whose images could not be written. */
const DOWNLOAD_FAILED = 'download-failed';
const SERVER_RETRY_PAUSE_MS = 2000;
const SERVER_RETRIES_PER_STEP = 3;
/**
 * Input files worked on at once (taken in, or moved after processing). An intake holds its file
 * and its library copy open and its bytes in memory: thousands at once (a catch-up, a big drop)
 * ran the process out of file handles, and would run it out of memory with large images.
 */
const FILES_AT_ONCE = 8;
const OUT_OF_HANDLES_PAUSE_MS = { min: 100, max: 5000 };

interface FileTracking {
  folder: WatchedFolder;
  relPath: string;
  generationIds: number[];
}

export type Pipeline = ReturnType<typeof createPipeline>;

/**
 * The durable state machine per (input, preset). Every state is committed before the side effect
 * that follows it, so a crash anywhere resumes from the row: a submitted job is polled again, never
 * sent again; a submission whose answer was lost is looked for in Scenario's job list.
 */
export function createPipeline(options: PipelineOptions) {
  const { store, client, libraryRoot } = options;
  const events = options.events ?? new PipelineEmitter();
  const now = options.now ?? Date.now;
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const reconcileWindowMs = options.reconcileWindowMs ?? 30_000;
  const maxSubmitAttempts = options.maxSubmitAttempts ?? 3;
  const appVersion = options.appVersion ?? '0.1.0';
  let concurrency = Math.max(1, options.concurrency ?? 2);

  const closing = new AbortController();
  const gate = new QueueGate({
    emitter: events,
    now,
    probeBackoff: options.probeBackoff ?? { minMs: 1000, maxMs: 30_000 },
    probe: async (signal) => {
      await requireClient().listJobs({ pageSize: 1 }, { signal });
    },
  });
  const thumbnails = createImageThumbnailQueue(store, {
    onError: (job, error) => events.emit('warning', { message: thumbnailFailureMessage(job, error) }),
  });

  /** Runnable generation ids, oldest first (arrival order). */
  const queue: number[] = [];
  const queued = new Set<number>();
  /** Generations asked to run while already running: they run again when the current drive ends. */
  const runAgain = new Set<number>();
  const active = new Map<number, Promise<void>>();
  const progress = new Map<number, number>();
  /** A job's final state as the poll just read it: the download step needs not ask again. */
  const finishedJobs = new Map<number, ScenarioJob>();
  /** Jobs this run has just submitted: their first poll waits an interval (they cannot be done yet). */
  const justSubmitted = new Set<number>();
  /** Asset ids the connection answered "not found" for: never named in a request again. */
  const unknownAssets = new Set<string>();
  /** Generations sent back to upload their control image again once: a second refusal fails them. */
  const uploadedAgain = new Set<number>();
  const folderOf = new Map<number, number | null>();
  /** Generations waiting for a submission gate, with the reason (for status). */
  const waitingFor = new Map<number, Waiting>();
  const validatedVersions = new Map<number, PresetValidation>();
  const takenIn = new TakenInInputs();
  /** Uploads on their way, by input: generations of one file (one per preset) share its upload. */
  const uploads = new Map<number, Promise<string>>();
  /** Input files whose processed action (move) waits for their generations. */
  const tracked = new Map<string, FileTracking>();
  /** Which tracked file each of their generations came from. */
  const trackedFileOf = new Map<number, string>();
  /** Submission costs decided but not yet recorded on a row: the budget counts them too. */
  let reservedCu = 0;
  let idleWaiters: (() => void)[] = [];
  /** outcome-unknown rows the person asked to send again (through the usual gates). */
  const resendAsked = new Set<number>();
  /** Intakes running or waiting for their turn. */
  let intakesRunning = 0;
  const fileTurns = new ConcurrencyLimit(FILES_AT_ONCE);

  function requireClient(): ScenarioClient {
    if (client === null) {
      throw new PipelineError('no-credentials', 'No Scenario API key is set. Set SCENARIO_API_KEY and SCENARIO_API_SECRET (or add the key in Settings), then try again.');
    }
    return client;
  }

  // ---------------------------------------------------------------- intake

  /** A preset version never changes once saved (an edit makes a new one): each is validated once per run. */
  function validateVersion(version: PresetVersion): PresetValidation {
    let validation = validatedVersions.get(version.id);
    if (validation === undefined) {
      validation = validatePreset(version.preset, familyContext(version.family));
      validatedVersions.set(version.id, validation);
    }
    return validation;
  }

  /** Presets (current versions) with their validated documents; a broken preset is reported, not thrown. */
  function presetsFor(presetIds: readonly number[]): { version: PresetVersion; document: PresetDocument; presetId: number }[] {
    const result = [];
    for (const presetId of presetIds) {
      const preset = store.presets.get(presetId);
      if (preset === null || preset.archivedAt !== null) continue;
      const validation = validateVersion(preset.currentVersion);
      if (!validation.ok) {
        events.emit('warning', { message: `Preset "${preset.name}" is not valid (${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}). Edit it, then drop the file again.` });
        continue;
      }
      result.push({ version: preset.currentVersion, document: validation.preset, presetId });
    }
    return result;
  }

  /**
   * Takes one file: hashes it, keeps a copy in the library and records one generation per preset,
   * in one transaction (a crash leaves either all of it or nothing). Returns the new generation ids.
   */
  async function enqueueFile(filePath: string, source: IntakeSource): Promise<number[]> {
    intakesRunning += 1;
    try {
      return await fileTurns.run(() => intakeWhenHandlesAreFree(filePath, source));
    } catch (error) {
      // Closing: the file is still there, and the next start's catch-up takes it.
      if (closing.signal.aborted) return [];
      const reason = error instanceof PipelineError ? error.code : 'intake-failed';
      events.emit('input.skipped', { path: filePath, folder: source.kind === 'folder' ? source.folder.path : null, reason, message: userMessageOf(error) });
      return [];
    } finally {
      intakesRunning -= 1;
      settleIdle();
    }
  }

  /**
   * The process out of file handles (other programs' files, a low limit) is a wait, not a reason
   * to skip the file: it is taken once handles are free again. Retrying is safe because nothing
   * is recorded before the file is read and copied.
   */
  async function intakeWhenHandlesAreFree(filePath: string, source: IntakeSource): Promise<number[]> {
    for (let pauseMs = OUT_OF_HANDLES_PAUSE_MS.min; ; pauseMs = Math.min(OUT_OF_HANDLES_PAUSE_MS.max, pauseMs * 2)) {
      try {
        return await intake(filePath, source);
      } catch (error) {
        if (!isOutOfFileHandles(error)) throw error;
        await sleep(pauseMs, undefined, { signal: closing.signal });
      }
    }
  }

  async function intake(filePath: string, source: IntakeSource): Promise<number[]> {
    const presetIds = source.kind === 'folder' ? source.folder.presetIds : source.presetIds;
    const presets = presetsFor(presetIds);
    if (presets.length === 0) {
      throw new PipelineError('invalid-preset', `${JSON.stringify(filePath)} was not queued: no valid preset is bound${source.kind === 'folder' ? ` to the folder ${source.folder.path}` : ''}. Bind a preset, then drop the file again.`);
    }
    const { draft, contents } = await readInputFile(filePath, libraryRoot, maxInputBytes);
    const folder = source.kind === 'folder' ? source.folder : null;
    const added: Generation[] = [];
    const known: Generation[] = [];
    const duplicates: Generation[] = [];
    let inputName = draft.fileName;
    let newInputId: number | null = null;
    store.transaction(() => {
      const { input, created } = store.inputs.upsertBySha256(draft);
      // The history names an input by its first sighting.
      inputName = input.fileName;
      if (created) newInputId = input.id;
      const earlier = created ? [] : store.generations.listForInput(input.id);
      for (const { version, document, presetId } of presets) {
        const sameForPreset = earlier.filter((generation) => presetOfVersion(generation.presetVersionId) === presetId);
        if (source.kind === 'folder' && source.initial && sameForPreset.length > 0) {
          // Catch-up after a restart: this file was taken before; its rows resume on their own.
          known.push(...sameForPreset);
          continue;
        }
        const kept = sameForPreset.find((generation) => generation.state !== 'failed' && generation.state !== 'canceled');
        const kind: GenerationKind = source.kind === 'folder' ? 'hotfolder' : 'manual';
        const seed = source.kind === 'manual' && source.seed !== undefined ? source.seed : seedForRun(document);
        // Until the upload gives an asset id, the body names the control image by its hash.
        const request = buildControlNetRequest(document, { image: `sha256:${input.sha256}`, seed, family: asFamily(version.family) });
        const generation = store.generations.create({
          inputId: input.id,
          presetVersionId: version.id,
          folderId: folder?.id ?? null,
          kind,
          requestJson: request.json,
          seed,
          modelId: document.modelId,
          family: version.family,
          modality: document.modality,
          prompt: document.prompt,
          negativePrompt: document.negativePrompt ?? null,
          simulated: options.simulated,
        });
        if (folder !== null && !folder.options.allowDuplicates && kept !== undefined) {
          const original = store.inputs.get(kept.inputId);
          duplicates.push(
            store.generations.transition(generation.id, 'canceled', {
              errorCode: 'duplicate',
              errorMessage: `${JSON.stringify(filePath)} has the same content as ${JSON.stringify(original?.originalPath ?? '')}, already generated with preset "${version.name}" (generation ${kept.id}). This folder does not allow duplicates, so it was not sent again; allow duplicates in the folder's settings to generate it anyway.`,
            }),
          );
        } else {
          added.push(generation);
        }
      }
    });
    for (const duplicate of duplicates) {
      events.emit('input.skipped', { path: filePath, folder: folder?.path ?? null, reason: 'duplicate', message: duplicate.errorMessage ?? 'duplicate' });
    }
    if (folder !== null && folder.options.processedAction === 'move') {
      const relPath = path.relative(folder.path, filePath);
      track(filePath, { folder, relPath, generationIds: [...added, ...known, ...duplicates].map((generation) => generation.id) });
    }
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

  // ---------------------------------------------------------------- processed action

  function track(filePath: string, tracking: FileTracking): void {
    for (const id of tracked.get(filePath)?.generationIds ?? []) trackedFileOf.delete(id);
    tracked.set(filePath, tracking);
    for (const id of tracking.generationIds) trackedFileOf.set(id, filePath);
    void settleFile(filePath);
  }

  /** Moves the file once every generation made from it has ended. */
  async function settleFile(filePath: string): Promise<void> {
    const tracking = tracked.get(filePath);
    if (tracking === undefined) return;
    const generations = tracking.generationIds.map((id) => store.generations.get(id)).filter((generation) => generation !== null);
    if (generations.some((generation) => !TERMINAL_STATES.includes(generation.state))) return;
    tracked.delete(filePath);
    for (const id of tracking.generationIds) trackedFileOf.delete(id);
    const failures = generations.filter((generation) => generation.state === 'failed');
    try {
      const movedTo = await fileTurns.run(() =>
        moveProcessedInput(
          tracking.folder.path,
          tracking.relPath,
          failures.length === 0 ? { failed: false } : { failed: true, reasons: failures.map((generation) => generation.errorMessage ?? 'unknown reason') },
        ),
      );
      if (movedTo !== null) events.emit('input.moved', { from: filePath, to: movedTo });
    } catch (error) {
      events.emit('warning', { message: `Could not move ${JSON.stringify(filePath)} after processing: ${userMessageOf(error)}` });
    }
  }

  function settleFilesOf(generationId: number): void {
    const filePath = trackedFileOf.get(generationId);
    if (filePath !== undefined) void settleFile(filePath);
  }

  // ---------------------------------------------------------------- scheduling

  function schedule(generation: Pick<Generation, 'id' | 'folderId'>): void {
    folderOf.set(generation.id, generation.folderId);
    if (closing.signal.aborted || queued.has(generation.id)) return;
    if (active.has(generation.id)) {
      // Asked again while running (a retry during the start-up resume): the running drive may
      // have read the row before the request, so it runs once more after this one ends.
      runAgain.add(generation.id);
      return;
    }
    queued.add(generation.id);
    // Ids grow with arrival: keep the queue sorted so the oldest goes first, resumed rows included.
    let index = queue.length;
    while (index > 0 && (queue[index - 1] as number) > generation.id) index -= 1;
    queue.splice(index, 0, generation.id);
    pump();
  }

  function pump(): void {
    if (closing.signal.aborted || gate.pausedAll) return;
    while (active.size < concurrency) {
      const index = queue.findIndex((id) => !gate.isFolderPaused(folderOf.get(id) ?? null));
      if (index < 0) break;
      const [id] = queue.splice(index, 1) as [number];
      queued.delete(id);
      const run = drive(id)
        .catch((error: unknown) => events.emit('warning', { message: `Generation ${id} stopped unexpectedly: ${userMessageOf(error)}` }))
        .finally(() => {
          active.delete(id);
          progress.delete(id);
          finishedJobs.delete(id);
          justSubmitted.delete(id);
          waitingFor.delete(id);
          const again = runAgain.delete(id) ? folderOf.get(id) : undefined;
          folderOf.delete(id);
          if (again !== undefined) schedule({ id, folderId: again });
          pump();
          settleIdle();
        });
      active.set(id, run);
    }
  }

  function settleIdle(): void {
    if (queue.length > 0 && !gate.pausedAll) return;
    if (active.size > 0 || intakesRunning > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Picks up every row a previous run left unfinished. */
  function resume(): void {
    for (const generation of store.generations.listByStates(ACTIVE_STATES)) schedule(generation);
    const unknown = store.generations.listByStates(['outcome-unknown']);
    // An answered-with-error submission may go again; a lost one is looked for once more.
    for (const generation of unknown) schedule(generation);
    refreshOutcomeUnknown();
  }

  function refreshOutcomeUnknown(): void {
    const parked = store.generations.listByStates(['outcome-unknown']).filter((generation) => generation.errorCode !== NO_JOB_CREATED);
    gate.setOutcomeUnknownCount(parked.length);
  }

  // ---------------------------------------------------------------- the state machine

  function move(id: number, state: GenerationState, patch: TransitionPatch = {}): Generation {
    const generation = store.generations.transition(id, state, patch);
    events.emit('job.state', { generationId: id, state, message: patch.errorMessage ?? null });
    if (state === 'failed') events.emit('job.failed', { generationId: id, code: patch.errorCode ?? 'failed', message: patch.errorMessage ?? '' });
    if (TERMINAL_STATES.includes(state)) settleFilesOf(id);
    // Only a row entering or (while any is parked) leaving outcome-unknown changes the count.
    if (state === 'outcome-unknown' || gate.outcomeUnknownCount > 0) refreshOutcomeUnknown();
    return generation;
  }

  function fail(generation: Generation, code: string, message: string): void {
    move(generation.id, 'failed', { errorCode: code, errorMessage: message });
  }

  /** Takes one generation as far as it can go now: to an end, or to a state that waits for the person. */
  async function drive(id: number): Promise<void> {
    const signal = closing.signal;
    for (;;) {
      if (signal.aborted) return;
      const generation = store.generations.get(id);
      if (generation === null || TERMINAL_STATES.includes(generation.state)) return;
      try {
        const next = await step(generation, signal);
        if (next === 'stop') return;
      } catch (error) {
        if (signal.aborted) return;
        const current = store.generations.get(id);
        if (current === null || TERMINAL_STATES.includes(current.state)) return;
        if (current.state === 'downloading' && error instanceof LibraryError && error.code === 'disk-full') {
          // Nothing time cures: say so (the message names the file). The job is paid for, so
          // retrying downloads it again rather than sending it again.
          fail(current, DOWNLOAD_FAILED, `${error.userMessage} Retry once there is space: the images are downloaded again, without a new charge.`);
          return;
        }
        if (current.state === 'downloading' || current.state === 'outcome-unknown') {
          // The job may be paid for: keep the row as it is, so the next start (or a retry) tries again.
          events.emit('job.failed', { generationId: id, code: codeOf(error), message: `${userMessageOf(error)} Generation ${id} stays ${current.state}; it is tried again on the next start or when you retry it.` });
          return;
        }
        if (current.state === 'submitting') {
          move(id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: userMessageOf(error) });
          return;
        }
        fail(current, codeOf(error), userMessageOf(error));
        return;
      }
    }
  }

  async function step(generation: Generation, signal: AbortSignal): Promise<'continue' | 'stop'> {
    switch (generation.state) {
      case 'detected':
        return validateStep(generation);
      case 'validated':
        return uploadStep(generation, signal);
      case 'uploaded':
        return submitStep(generation, signal);
      case 'submitting':
        return reconcileStep(generation, signal);
      case 'outcome-unknown':
        if (generation.errorCode === NO_JOB_CREATED || resendAsked.delete(generation.id)) return submitStep(generation, signal);
        return reconcileStep(generation, signal);
      case 'submitted':
        return pollStep(generation, signal);
      case 'downloading':
        return downloadStep(generation, signal);
      default:
        return 'stop';
    }
  }

  async function validateStep(generation: Generation): Promise<'continue'> {
    const input = store.inputs.get(generation.inputId);
    if (input === null) throw new PipelineError('not-found', `The input of generation ${generation.id} is missing from the history.`);
    const contents = takenIn.get(input.id);
    const problem = await inputProblem(input, libraryRoot, { family: generation.family, maxBytes: maxInputBytes, ...(contents === undefined ? {} : { contents }) });
    if (problem === null) {
      move(generation.id, 'validated');
    } else {
      takenIn.forget(input.id);
      fail(generation, 'invalid-input', problem);
    }
    return 'continue';
  }

  async function uploadStep(generation: Generation, signal: AbortSignal): Promise<'continue'> {
    const scenario = requireClient();
    const input = store.inputs.get(generation.inputId);
    const version = store.presets.getVersion(generation.presetVersionId);
    if (input === null || version === null) throw new PipelineError('not-found', `Generation ${generation.id} lost its input or preset.`);
    const validation = validateVersion(version);
    if (!validation.ok) throw new PipelineError('invalid-preset', `Preset "${version.name}" is not valid: ${validation.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
    let upload = uploads.get(input.id);
    if (upload === undefined) {
      const contents = takenIn.get(input.id);
      const uploaded = contents === undefined ? uploadedAssetOf(input.id) : null;
      upload =
        uploaded !== null
          ? Promise.resolve(uploaded)
          : withTransientWaits(generation.id, signal, async () =>
              scenario.uploadImage(
                { bytes: contents ?? (await readFile(absoluteLibraryPath(libraryRoot, input.libraryRelPath))), fileName: input.fileName, contentType: `image/${input.format ?? 'png'}` },
                { signal },
              ),
            );
      uploads.set(input.id, upload);
    }
    let assetId: string;
    try {
      assetId = await upload;
    } finally {
      // From here to the committed row nothing awaits: a later generation finds the asset in the history.
      if (uploads.get(input.id) === upload) uploads.delete(input.id);
    }
    takenIn.forget(input.id);
    // The seed was fixed when the row was made: the body differs from the recorded one only by the image.
    const request = buildControlNetRequest(validation.preset, { image: assetId, seed: generation.seed ?? seedForRun(validation.preset), family: asFamily(version.family) });
    move(generation.id, 'uploaded', { imageAssetId: assetId, requestJson: request.json });
    return 'continue';
  }

  /**
   * A control image is uploaded once: later generations from the same bytes (other presets,
   * reproductions, variations) name the same asset, so a reproduction sends the very same body.
   */
  function uploadedAssetOf(inputId: number): string | null {
    const known = store.generations.listForInput(inputId).find((generation) => generation.imageAssetId !== null && !unknownAssets.has(generation.imageAssetId));
    return known?.imageAssetId ?? null;
  }

  async function submitStep(generation: Generation, signal: AbortSignal): Promise<'continue' | 'stop'> {
    const scenario = requireClient();
    const cost = await costOf(generation, signal);
    await waitForSubmission(generation, cost, signal);
    reservedCu += cost ?? 0;
    try {
      move(generation.id, 'submitting');
      // No signal: once sent, the answer is awaited even while closing (it carries the job id).
      const result = await scenario.generateControlNet(generation.requestJson);
      move(generation.id, 'submitted', { jobId: result.jobId, costCu: result.creativeUnitsCost ?? cost ?? null });
      justSubmitted.add(generation.id);
      uploadedAgain.delete(generation.id);
      return 'continue';
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      const submitted = store.generations.get(generation.id) as Generation;
      if (error.code === 'outcome-unknown') return reconcileStep(submitted, signal);
      if (error.code === 'server') {
        // A gateway may have started the job before failing: look before sending again.
        const found = await lookForJob(submitted, signal, 0);
        if (found !== 'absent') return found;
      }
      if (error.code === 'rate-limited' || error.code === 'network' || error.code === 'server' || error.code === 'timeout') {
        if (error.code === 'server' && submitted.submitAttempts >= maxSubmitAttempts) {
          move(generation.id, 'failed', { errorCode: 'server', errorMessage: `${error.userMessage} (${submitted.submitAttempts} attempts)` });
          return 'stop';
        }
        move(generation.id, 'outcome-unknown', { errorCode: NO_JOB_CREATED, errorMessage: error.userMessage });
        if (error.code === 'rate-limited') gate.rateLimited(error.retryAfterMs ?? 5000);
        else if (error.code === 'server') await sleep(SERVER_RETRY_PAUSE_MS, undefined, { signal });
        else gate.networkFailed(error.userMessage);
        return 'continue';
      }
      if (error.code === 'not-found' || error.code === 'invalid-request') return refusedSubmission(submitted, error);
      throw error;
    } finally {
      reservedCu -= cost ?? 0;
    }
  }

  /**
   * Scenario answered the POST with a refusal: no job exists and nothing was charged, so this is
   * no lost answer. A control image the connection does not know (the built-in simulator
   * restarted, a key of another project) is the one refusal a new upload cures: the row goes
   * back to upload once. Any other refusal fails with Scenario's reason.
   */
  function refusedSubmission(generation: Generation, error: ScenarioError): 'continue' | 'stop' {
    const assetId = generation.imageAssetId;
    if (error.code === 'not-found' && assetId !== null && !uploadedAgain.has(generation.id)) {
      uploadedAgain.add(generation.id);
      unknownAssets.add(assetId);
      move(generation.id, 'validated', { imageAssetId: null });
      return 'continue';
    }
    uploadedAgain.delete(generation.id);
    fail(generation, error.code, error.userMessage);
    return 'stop';
  }

  /** Holds a submission while the queue is paused, offline, rate-limited or over budget. */
  async function waitForSubmission(generation: Generation, cost: number | null, signal: AbortSignal): Promise<void> {
    await holdWhile(
      generation.id,
      () => {
        const waiting = gate.submissionBlock(generation.folderId) ?? budgetBlock(cost);
        gate.setBudgetBlock(waiting?.reason === 'budget' ? waiting.message : null);
        return waiting;
      },
      signal,
    );
  }

  /** Waits until `block()` is null; meanwhile its reason is this generation's wait in the queue's status. */
  async function holdWhile(generationId: number, block: () => Waiting | null, signal: AbortSignal): Promise<void> {
    try {
      await gate.waitUntilClear(() => {
        const waiting = block();
        if (waiting === null) waitingFor.delete(generationId);
        else waitingFor.set(generationId, waiting);
        return waiting;
      }, signal);
    } finally {
      waitingFor.delete(generationId);
    }
  }

  /** The creative units one run of this preset version costs, from a cached dry run; only asked when a budget is set. */
  async function costOf(generation: Generation, signal: AbortSignal): Promise<number | null> {
    const limits = budgetLimits();
    if (limits.daily === null && limits.monthly === null) return null;
    const version = store.presets.getVersion(generation.presetVersionId);
    if (version === null) return null;
    if (version.dryRunCost !== null) return version.dryRunCost.costCu;
    const estimate = await withTransientWaits(generation.id, signal, () => requireClient().dryRunControlNet(generation.requestJson, { signal }));
    store.presets.setDryRunCost(version.id, estimate.creativeUnitsCost);
    return estimate.creativeUnitsCost;
  }

  function budgetLimits(): { daily: number | null; monthly: number | null } {
    const read = (key: string): number | null => {
      const value = store.settings.get(key);
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    };
    return { daily: read(BUDGET_SETTING_KEYS.daily), monthly: read(BUDGET_SETTING_KEYS.monthly) };
  }

  function budgetBlock(cost: number | null): Waiting | null {
    if (cost === null) return null;
    const limits = budgetLimits();
    const spend = { includeSimulated: options.simulated };
    const checks = [
      { limit: limits.daily, spent: store.budget.spentToday(spend) + reservedCu, period: 'Daily', until: 'tomorrow' },
      { limit: limits.monthly, spent: store.budget.spentThisMonth(spend) + reservedCu, period: 'Monthly', until: 'next month' },
    ];
    for (const { limit, spent, period, until } of checks) {
      if (limit !== null && spent + cost > limit) {
        return {
          reason: 'budget',
          message: `${period} budget reached: ${round(spent)} of ${round(limit)} creative units spent and the next job costs ${round(cost)}. The queue waits (nothing is dropped); raise the budget in Settings or wait until ${until}.`,
          retryAt: null,
        };
      }
    }
    return null;
  }

  /** A submission whose answer was lost: adopt its job if Scenario lists it, otherwise ask the person. */
  async function reconcileStep(generation: Generation, signal: AbortSignal): Promise<'continue' | 'stop'> {
    const found = await lookForJob(generation, signal, reconcileWindowMs);
    if (found !== 'absent') return found;
    if (generation.state === 'submitting') {
      move(generation.id, 'outcome-unknown', {
        errorCode: 'outcome-unknown',
        errorMessage: `The answer to the generation request was lost and Scenario's job list does not show the job. It may or may not have run (and been charged). Check Scenario's web app; then retry this generation to send it again, or cancel it.`,
      });
    }
    return 'stop';
  }

  /** Searches Scenario's job list (repeatedly until `windowMs` after the submission) and adopts a match. */
  async function lookForJob(generation: Generation, signal: AbortSignal, windowMs: number): Promise<'continue' | 'stop' | 'absent'> {
    const scenario = requireClient();
    const deadline = generation.stateChangedAt + windowMs;
    const request = JSON.parse(generation.requestJson) as Record<string, unknown>;
    for (;;) {
      const result = await withTransientWaits(generation.id, signal, () => findLostJob(scenario, {
        createdAt: generation.createdAt,
        request,
        ownedElsewhere: (jobId) => (store.generations.idForJob(jobId) ?? generation.id) !== generation.id,
      }, signal));
      if (result.kind === 'found') {
        move(generation.id, 'submitted', { jobId: result.jobId });
        return 'continue';
      }
      if (result.kind === 'ambiguous') {
        const message = `The answer to the generation request was lost and Scenario lists ${result.jobIds.length} jobs that match it (${result.jobIds.join(', ')}), so the app cannot tell which is this one. Check them in Scenario's web app, then retry or cancel this generation.`;
        if (generation.state === 'submitting') move(generation.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: message });
        return 'stop';
      }
      const left = deadline - now();
      if (left <= 0) return 'absent';
      await sleep(Math.min(left, Math.max(200, windowMs / 5)), undefined, { signal });
    }
  }

  async function pollStep(generation: Generation, signal: AbortSignal): Promise<'continue'> {
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
      move(generation.id, 'downloading');
    } else if (job.status === 'canceled') {
      move(generation.id, 'canceled', { errorCode: 'job-canceled', errorMessage: 'The job was canceled on Scenario.' });
    } else {
      fail(generation, 'job-failed', `Scenario could not make the images: ${jobFailureReason(job) ?? 'the job failed without a reason'}. Retry to send it again (it is charged again).`);
    }
    return 'continue';
  }

  async function downloadStep(generation: Generation, signal: AbortSignal): Promise<'continue'> {
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
      const stored = await storeOutputImage(libraryRoot, delivered.data, { createdAt: new Date(generation.createdAt), presetName, generationId: generation.id, index }, parameters);
      // sha256 is of the image as Scenario delivered it, before our parameters chunk (which names
      // this generation): equal hashes mean Scenario made the same image, e.g. for a reproduction.
      const image = store.images.add(generation.id, { assetId, idx: index, relPath: stored.relPath, width: stored.width, height: stored.height, bytes: stored.bytes, sha256: delivered.sha256 });
      images.push(image);
      thumbnails.enqueue({ ...imageThumbnailJob(libraryRoot, image), sourceBytes: delivered.data });
    }
    move(generation.id, 'done');
    const imagePaths = images.sort((a, b) => a.idx - b.idx).map((image) => absoluteLibraryPath(libraryRoot, image.relPath));
    events.emit('job.done', { generationId: generation.id, imagePaths });
    return 'continue';
  }

  /**
   * Runs a request, riding out what time cures: no network (wait for the probe), a rate limit
   * (wait the time Scenario gave), a few server errors. Anything else is the caller's to handle.
   */
  async function withTransientWaits<T>(generationId: number, signal: AbortSignal, action: () => Promise<T>): Promise<T> {
    let serverErrors = 0;
    for (;;) {
      try {
        return await action();
      } catch (error) {
        if (signal.aborted || !(error instanceof ScenarioError)) throw error;
        if (error.code === 'network' || error.code === 'timeout') {
          gate.networkFailed(error.userMessage);
          await holdWhile(generationId, () => gate.networkBlock(), signal);
        } else if (error.code === 'rate-limited') {
          gate.rateLimited(error.retryAfterMs ?? 5000);
          await holdWhile(generationId, () => gate.rateLimitBlock(), signal);
        } else if (error.code === 'server' && serverErrors < SERVER_RETRIES_PER_STEP) {
          serverErrors += 1;
          await sleep(SERVER_RETRY_PAUSE_MS * serverErrors, undefined, { signal });
        } else {
          throw error;
        }
      }
    }
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
      move(generationId, 'downloading');
      schedule(generation);
      return;
    }
    if (generation.state === 'failed' || generation.state === 'canceled') {
      move(generationId, 'detected');
      schedule(generation);
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
    if (queued.delete(generationId)) {
      queue.splice(queue.indexOf(generationId), 1);
      folderOf.delete(generationId);
    }
    move(generationId, 'canceled', { errorCode: 'canceled', errorMessage: 'Canceled by you.' });
    if (generation.jobId !== null && client !== null) void client.cancelJob(generation.jobId).catch(() => false);
  }

  function status(): PipelineStatus {
    const jobs: QueueJobStatus[] = [];
    const listed = [...active.keys(), ...queue];
    const parked = store.generations.listByStates(['outcome-unknown']).filter((generation) => !listed.includes(generation.id));
    for (const generation of [...listed.map((id) => store.generations.get(id)), ...parked]) {
      if (generation === null || generation === undefined) continue;
      const input = store.inputs.get(generation.inputId);
      const waiting =
        waitingFor.get(generation.id) ??
        (generation.state === 'outcome-unknown' && generation.errorCode !== NO_JOB_CREATED
          ? { reason: 'outcome-unknown' as WaitingReason, message: generation.errorMessage ?? '', retryAt: null }
          : null);
      jobs.push({
        generationId: generation.id,
        presetName: presetNameOf(generation),
        inputName: input?.fileName ?? '',
        state: generation.state,
        progress: progress.get(generation.id) ?? null,
        waiting,
        updatedAt: new Date(generation.stateChangedAt).toISOString(),
      });
    }
    const startOfDay = new Date(now());
    startOfDay.setHours(0, 0, 0, 0);
    const finishedToday = store.generations.finishedCountsSince(startOfDay.getTime());
    const limits = budgetLimits();
    const spend = { includeSimulated: options.simulated };
    return {
      paused: gate.pausedAll,
      waiting: gate.waiting(),
      jobs,
      counts: { waiting: queue.length + parked.length, active: active.size, doneToday: finishedToday.done ?? 0, failedToday: finishedToday.failed ?? 0 },
      budget: { dailyLimit: limits.daily, monthlyLimit: limits.monthly, spentToday: store.budget.spentToday(spend), spentThisMonth: store.budget.spentThisMonth(spend) },
    };
  }

  return {
    events,
    enqueueFile,
    resume,
    retry,
    cancel,
    /** A new run of a finished generation (same request and seed, or a new seed), queued at once. */
    /** Same request and seed (exact), or a variation: `varySeed` true for a random seed, or the seed to use. */
    reproduce(generationId: number, how: { varySeed?: boolean | string } = {}): number {
      const varySeed = how.varySeed === true ? randomSeed() : how.varySeed || undefined;
      const child = store.generations.createReproduction(generationId, { simulated: options.simulated, ...(varySeed === undefined ? {} : { varySeed }) });
      const input = store.inputs.get(child.inputId);
      events.emit('job.added', { generationId: child.id, inputName: input?.fileName ?? '', presetName: presetNameOf(child) });
      schedule(child);
      return child.id;
    },
    pauseAll(): void {
      gate.setPausedAll(true);
    },
    resumeAll(): void {
      gate.setPausedAll(false);
      pump();
    },
    pauseFolder(folderId: number): void {
      gate.setFolderPaused(folderId, true);
    },
    resumeFolder(folderId: number): void {
      gate.setFolderPaused(folderId, false);
      pump();
    },
    setConcurrency(limit: number): void {
      concurrency = Math.max(1, Math.trunc(limit));
      pump();
    },
    /** Settings changed (budget): blocked submissions check again. */
    recheck(): void {
      gate.poke();
    },
    status,
    /** Why the queue as a whole waits now, or null (cheap: no store query). */
    waiting(): Waiting | null {
      return gate.waiting();
    },
    /** Resolves when nothing is queued, in flight or being taken in (a paused queue counts as idle). */
    idle(): Promise<void> {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    /** Stops: waits for answers already on their way (a POST), parks everything else in its durable state. */
    async close(): Promise<void> {
      closing.abort();
      gate.close();
      queue.length = 0;
      queued.clear();
      takenIn.clear();
      await Promise.allSettled([...active.values()]);
      await thumbnails.onIdle();
    },
  };
}

function asFamily(family: string): ModelFamily | undefined {
  return (MODEL_FAMILIES as readonly string[]).includes(family) ? (family as ModelFamily) : undefined;
}

function familyContext(family: string): { family?: ModelFamily } {
  const known = asFamily(family);
  return known === undefined ? {} : { family: known };
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

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
