/**
 * Maps made from photos (a folder's "make a <modality> map first"), as durable as generations: one
 * detection row per (photo, modality) moves through src/shared/detection-machine.ts. It is
 * committed in `sending` before the detect POST leaves, so a stop at any moment resumes from the
 * row: a sent job is polled again, a POST whose answer was lost is looked for in Scenario's job
 * list, and the detection is never paid twice unless the person drops the photo again. A problem
 * of the process (network, key, rate limit, budget, a refused model, a paused queue or folder)
 * holds the detection like a submission; only the photo's own problem (Scenario refused it, or its
 * detection failed) ends it as failed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../shared/clock';
import { ConcurrencyLimit } from '../../shared/concurrency';
import { MAP_MODALITIES, type MapModality } from '../../shared/detect';
import { nextDetectionState, type DetectionEvent } from '../../shared/detection-machine';
import { canonicalJson } from '../../shared/preset/canonical-json';
import { absoluteLibraryPath } from '../library/paths';
import { ScenarioError, jobFailureReason } from '../scenario/index';
import type { ScenarioClient } from '../scenario/index';
import type { Detection, DetectionPatch, Input, Store } from '../store/index';
import type { BudgetLedger } from './budget';
import { PipelineError, isModelError } from './errors';
import type { Holds, WaitKey } from './holds';
import { storeMapInput, type InputRead } from './intake';
import { findLostJob, lookUntil } from './reconcile';

/** What the holds know a detection by: Scenario's detection is no model of the person's. */
export const DETECTION_MODEL = 'detection';
const DETECT_ENDPOINT = { kind: 'detect' } as const;
/** Photos sent to detection at once (each an upload, a POST, polls and a download). */
const DETECTIONS_AT_ONCE = 2;
const SERVER_RETRY_PAUSE_MS = 2000;
/** Server errors answering one drop's detect POST before the photo is left for a later try. */
const MAX_SERVER_ERRORS = 3;
const NO_JOB_CREATED = 'no-job-created';

export interface PhotoMapsOptions {
  store: Store;
  libraryRoot: string;
  /** Larger photos are not read whole (the intake refuses them). */
  maxInputBytes: number;
  clock: Clock;
  holds: Holds;
  budget: BudgetLedger;
  /** How long a lost POST is looked for in Scenario's job list. */
  reconcileWindowMs: number;
  client: () => ScenarioClient;
  simulated: () => boolean;
  /** Runs a request through the holds of the process (see the pipeline's withTransientWaits). */
  withTransientWaits: <T>(key: WaitKey, signal: AbortSignal, action: () => Promise<T>) => Promise<T>;
  /** The hold a refusal of the process sets (network, key, rate limit, model), or null for any other. */
  processProblem: (error: ScenarioError) => ((facts: { modelId: string }) => void) | null;
}

/** The photo as taken from its folder, and where it was dropped. */
export interface PhotoDrop {
  filePath: string;
  photo: InputRead;
  modality: MapModality;
  folderId: number;
  /**
   * The person dropped (or saved) it again, rather than the start's catch-up finding it still in
   * its folder: a detection that failed or whose outcome is unknown is then sent again.
   */
  retake: boolean;
}

export class PhotoMaps {
  readonly #options: PhotoMapsOptions;
  readonly #turns = new ConcurrencyLimit(DETECTIONS_AT_ONCE);
  /** Two intakes of one photo at once (two copies, a save during its detection) share one detection. */
  readonly #inFlight = new Map<string, Promise<Input>>();
  /** One dry run prices every detection (the body differs only by the photo). */
  #cost: number | undefined;
  #waits = 0;

  constructor(options: PhotoMapsOptions) {
    this.#options = options;
  }

  /** The map of a photo, made once per (photo, modality) and kept as an input linked to the photo. */
  async mapOf(drop: PhotoDrop, signal: AbortSignal): Promise<InputRead> {
    const { store } = this.#options;
    const { filePath, photo, modality } = drop;
    const photoInput = store.inputs.upsertBySha256(photo.draft).input;
    const stem = path.basename(filePath, path.extname(filePath));
    const origin = { originalPath: filePath, fileName: `${stem}.${modality}-map.png`, source: { inputId: photoInput.id, modality } };
    // Made before: the same map, named after this file (a duplicate is recorded under the dropped file's name).
    const made = store.inputs.mapOf(photoInput.id, modality);
    if (made !== null) return { draft: { ...made, ...origin }, contents: null };
    if (photo.draft.format === null || photo.draft.libraryRelPath === '') {
      throw new PipelineError('invalid-input', `${JSON.stringify(filePath)} is not a photo that can be read (PNG, JPEG or WebP under ${Math.round(this.#options.maxInputBytes / 1024 / 1024)} MB), so no ${modality} map can be made of it. Save it again, then drop it again.`);
    }
    const key = `${photoInput.id} ${modality}`;
    let detecting = this.#inFlight.get(key);
    if (detecting === undefined) {
      detecting = this.#turns.run(() => this.#detect(drop, photoInput, origin, signal)).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, detecting);
    }
    const map = await detecting;
    return { draft: { ...map, ...origin }, contents: null };
  }

  /** Moves the photo's detection on from whatever state it is in, until its map is stored or it cannot go on. */
  async #detect(drop: PhotoDrop, photoInput: Input, origin: Parameters<typeof storeMapInput>[2], signal: AbortSignal): Promise<Input> {
    const { store } = this.#options;
    const waitKey: WaitKey = `detection ${(this.#waits += 1)}`;
    const name = JSON.stringify(drop.filePath);
    // A failed or lost detection is sent again at most once per drop (the drop is the person's ask).
    let mayResend = drop.retake;
    let assetRefused = false;
    let serverErrors = 0;
    for (;;) {
      signal.throwIfAborted();
      const detection = store.detections.find(photoInput.id, drop.modality);
      switch (detection?.state) {
        case 'done': {
          const map = detection.mapInputId === null ? null : store.inputs.get(detection.mapInputId);
          if (map !== null) return map;
          throw new PipelineError('not-found', `The ${drop.modality} map of ${name} is missing from the history. Run \`scenario-hotfolder repair\`, then drop the photo again.`);
        }
        case 'sent':
          return this.#fetchMap(detection, name, origin, waitKey, signal);
        case 'sending':
          await this.#reconcile(detection, waitKey, signal, this.#options.reconcileWindowMs);
          continue;
        case 'outcome-unknown':
          if (!mayResend) {
            // Looked for once more (Scenario may list it by now); otherwise the person decides.
            if ((await this.#reconcile(detection, waitKey, signal, 0)) === 'found') continue;
            throw new PipelineError('outcome-unknown', `${detection.errorMessage ?? 'The answer to the detection request was lost.'} ${name} stays in its folder: check Scenario's web app, then save or drop the photo again to detect it again (it may be charged again).`);
          }
          break;
        case 'failed':
          if (!mayResend) throw new PipelineError('invalid-input', `${detection.errorMessage ?? `Scenario could not make a ${drop.modality} map of ${name}.`} Drop it again to try again.`);
          break;
        default:
          // No detection yet, or one answered with an error (no job made): sent once its holds clear.
          break;
      }
      mayResend = false;
      const sent = await this.#send(drop, photoInput, detection, assetRefused, waitKey, signal);
      if (sent === 'asset-unknown') assetRefused = true;
      if (sent instanceof ScenarioError && (serverErrors += 1) >= MAX_SERVER_ERRORS) {
        // Scenario keeps failing: the photo stays in its folder (its row unsent) for a later save or start.
        throw sent;
      }
    }
  }

  /**
   * Commits `sending` and POSTs. An answer with an error leaves the row `unsent` (no job made),
   * having set the hold it met (a server error is returned, to be counted); a refusal of the photo
   * ends it `failed`; a lost answer leaves it `sending`, to be looked for.
   */
  async #send(drop: PhotoDrop, photoInput: Input, earlier: Detection | null, assetRefused: boolean, waitKey: WaitKey, signal: AbortSignal): Promise<'sent' | 'held' | 'asset-unknown' | 'refused' | 'lost' | ScenarioError> {
    const { store, holds, budget, clock } = this.#options;
    const scenario = this.#options.client();
    const reuse = earlier?.state === 'unsent' && earlier.imageAssetId !== null;
    const imageAssetId = reuse
      ? (earlier.imageAssetId as string)
      : await this.#options.withTransientWaits(waitKey, signal, async () =>
          scenario.uploadImage(
            { bytes: drop.photo.contents ?? (await readFile(absoluteLibraryPath(this.#options.libraryRoot, photoInput.libraryRelPath))), fileName: photoInput.fileName, contentType: `image/${photoInput.format ?? 'png'}` },
            { signal },
          ),
        );
    const requestJson = canonicalJson({ image: imageAssetId, modality: MAP_MODALITIES[drop.modality] });
    const cost = await this.#costOf(requestJson, waitKey, signal);
    let sending: Detection | undefined;
    budget.waits(waitKey, cost);
    holds.changed();
    try {
      // The budget check and the row that counts the cost are one turn: two photos cannot both take the last room.
      await holds.waitUntilClear(waitKey, () => holds.submissionHold({ folderId: drop.folderId, modelId: DETECTION_MODEL, cost }), signal, () => {
        sending = store.detections.sending({ photoInputId: photoInput.id, modality: drop.modality, requestJson, imageAssetId, costCu: cost, simulated: this.#options.simulated() }, earlier);
      });
    } finally {
      budget.release(waitKey);
      holds.changed();
    }
    if (sending === undefined) throw new Error('the detection was not committed before its POST');
    try {
      // No signal: once sent, the answer is awaited even while closing (it carries the job id).
      const result = await scenario.generate(DETECT_ENDPOINT, requestJson);
      this.#fire(sending, 'accepted', { jobId: result.jobId, costCu: result.creativeUnitsCost ?? cost, chargedAt: clock.now() });
      return 'sent';
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      if (error.code === 'server') {
        // A gateway may have started the job before failing: look before sending again.
        if ((await this.#reconcile(sending, waitKey, signal, 0, false)) === 'found') return 'sent';
        this.#fire(sending, 'not-sent', { errorCode: NO_JOB_CREATED, errorMessage: error.userMessage, costCu: null });
        await clock.sleep(SERVER_RETRY_PAUSE_MS, signal);
        return error;
      }
      if (error.code === 'not-found' && !isModelError(error) && !assetRefused) {
        // The uploaded photo is not known to this connection (a restarted simulator): uploaded again, once.
        this.#fire(sending, 'not-sent', { errorCode: NO_JOB_CREATED, errorMessage: error.userMessage, costCu: null, imageAssetId: null });
        return 'asset-unknown';
      }
      const hold = this.#options.processProblem(error);
      if (hold !== null) {
        // Answered with an error: no job exists and nothing was charged. Sent again once the hold clears.
        this.#fire(sending, 'not-sent', { errorCode: NO_JOB_CREATED, errorMessage: error.userMessage, costCu: null });
        hold({ modelId: DETECTION_MODEL });
        return 'held';
      }
      if (error.code === 'invalid-request' || error.code === 'not-found') {
        // The photo's own problem (its content, its size): it fails.
        this.#fire(sending, 'refused', { errorCode: error.code, errorMessage: `Scenario refused to make a ${drop.modality} map of ${JSON.stringify(drop.filePath)}: ${error.userMessage}`, costCu: null });
        return 'refused';
      }
      // Anything else (an unreadable answer) may hide a job: it stays sending and is looked for.
      return 'lost';
    }
  }

  /**
   * A POST whose answer was lost: adopts its job if Scenario lists it (within `windowMs` of the
   * POST), otherwise the row becomes outcome-unknown (unless `settle` is false: the caller decides).
   */
  async #reconcile(detection: Detection, waitKey: WaitKey, signal: AbortSignal, windowMs: number, settle = true): Promise<'found' | 'absent'> {
    const { store, clock } = this.#options;
    const scenario = this.#options.client();
    const request = JSON.parse(detection.requestJson) as Record<string, unknown>;
    const lost = {
      createdAt: detection.stateChangedAt,
      identifiedBy: { image: detection.imageAssetId },
      request,
      ownedElsewhere: (jobId: string) => (store.detections.idForJob(jobId) ?? detection.id) !== detection.id,
    };
    const result = await lookUntil(
      () => this.#options.withTransientWaits(waitKey, signal, () => findLostJob(scenario, lost, signal)),
      { deadline: detection.stateChangedAt + windowMs, windowMs, clock },
      signal,
    );
    if (result.kind === 'found') {
      this.#fire(detection, 'job-found', { jobId: result.jobId, chargedAt: clock.now() });
      return 'found';
    }
    if (settle && detection.state === 'sending') {
      const message =
        result.kind === 'ambiguous'
          ? `The answer to the detection request was lost and Scenario lists ${result.jobIds.length} jobs that match it (${result.jobIds.join(', ')}).`
          : "The answer to the detection request was lost and Scenario's job list does not show the job: it may or may not have run (and been charged).";
      this.#fire(detection, 'answer-lost', { errorCode: 'outcome-unknown', errorMessage: message });
    }
    return 'absent';
  }

  /** The job exists: polls it, downloads its map and keeps it as an input linked to the photo. */
  async #fetchMap(detection: Detection, name: string, origin: Parameters<typeof storeMapInput>[2], waitKey: WaitKey, signal: AbortSignal): Promise<Input> {
    const { store, withTransientWaits } = this.#options;
    const scenario = this.#options.client();
    const jobId = detection.jobId as string;
    const job = await withTransientWaits(waitKey, signal, () => scenario.waitForJob(jobId, { signal }));
    const mapAsset = job.metadata?.assetIds?.[0];
    if (job.status !== 'success' || mapAsset === undefined) {
      const reason = `Scenario could not make a ${detection.modality} map of ${name}: ${jobFailureReason(job) ?? `the detection ended ${job.status}`}.`;
      this.#fire(detection, 'job-failed', { errorCode: 'job-failed', errorMessage: reason });
      throw new PipelineError('invalid-input', `${reason} Drop it again to try again.`);
    }
    const bytes = (await withTransientWaits(waitKey, signal, () => scenario.downloadAssetBytes(mapAsset, { signal }))).data;
    const stored = await storeMapInput(this.#options.libraryRoot, bytes, origin);
    return store.transaction(() => {
      const { input } = store.inputs.upsertBySha256(stored.draft);
      this.#fire(detection, 'map-stored', { mapInputId: input.id });
      return input;
    });
  }

  /** One dry run prices detection; without a budget a refused dry run only leaves it unpriced. */
  async #costOf(requestJson: string, waitKey: WaitKey, signal: AbortSignal): Promise<number | null> {
    if (this.#cost !== undefined) return this.#cost;
    try {
      const estimate = await this.#options.withTransientWaits(waitKey, signal, () => this.#options.client().dryRun(DETECT_ENDPOINT, requestJson, { signal }));
      this.#cost = estimate.creativeUnitsCost;
      return this.#cost;
    } catch (error) {
      const { daily, monthly } = this.#options.budget.limits();
      if (error instanceof ScenarioError && daily === null && monthly === null) return null;
      throw error;
    }
  }

  /** Moves a detection by an event of its declared machine (the store's compare-and-set checks the state it was read in). */
  #fire(detection: Pick<Detection, 'id' | 'state'>, event: DetectionEvent, patch: DetectionPatch = {}): Detection {
    const to = nextDetectionState(detection.state, event);
    if (to === undefined) throw new PipelineError('illegal-transition', `The detection ${detection.id} is ${detection.state}, so it cannot be moved by "${event}".`);
    return this.#options.store.detections.move(detection, to, patch);
  }
}
