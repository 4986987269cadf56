import type Database from 'better-sqlite3';
import { detectionPredecessorsOf, type DetectionState } from '../../../shared/detection-machine';
import type { StoreContext } from '../context';
import { StoreError } from '../errors';

/** A map being made (or made) from a photo by Scenario's detection: one per (photo, modality). */
export interface Detection {
  id: number;
  photoInputId: number;
  /** The map's name as generators use it (gray, not detection's grayscale). */
  modality: string;
  state: DetectionState;
  /** The exact body POSTed. */
  requestJson: string;
  imageAssetId: string | null;
  jobId: string | null;
  costCu: number | null;
  chargedAt: number | null;
  mapInputId: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  simulated: boolean;
  createdAt: number;
  stateChangedAt: number;
}

/** What committing to a POST records: the body about to be sent, and its estimated cost. */
export interface DetectionSend {
  photoInputId: number;
  modality: string;
  requestJson: string;
  imageAssetId: string;
  costCu: number | null;
  simulated: boolean;
}

/** Fields a move may set along with the new state. */
export interface DetectionPatch {
  imageAssetId?: string | null;
  jobId?: string | null;
  costCu?: number | null;
  chargedAt?: number | null;
  mapInputId?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
}

const PATCH_COLUMNS: Record<keyof DetectionPatch, string> = {
  imageAssetId: 'image_asset_id',
  jobId: 'job_id',
  costCu: 'cost_cu',
  chargedAt: 'charged_at',
  mapInputId: 'map_input_id',
  errorCode: 'error_code',
  errorMessage: 'error_message',
};

interface DetectionRow {
  id: number;
  photo_input_id: number;
  modality: string;
  state: DetectionState;
  request_json: string;
  image_asset_id: string | null;
  job_id: string | null;
  cost_cu: number | null;
  charged_at: number | null;
  map_input_id: number | null;
  error_code: string | null;
  error_message: string | null;
  simulated: number;
  created_at: number;
  state_changed_at: number;
}

function toDetection(row: DetectionRow): Detection {
  return {
    id: row.id,
    photoInputId: row.photo_input_id,
    modality: row.modality,
    state: row.state,
    requestJson: row.request_json,
    imageAssetId: row.image_asset_id,
    jobId: row.job_id,
    costCu: row.cost_cu,
    chargedAt: row.charged_at,
    mapInputId: row.map_input_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    simulated: row.simulated === 1,
    createdAt: row.created_at,
    stateChangedAt: row.state_changed_at,
  };
}

const inList = (states: readonly DetectionState[]): string => states.map((state) => `'${state}'`).join(', ');

export function createDetectionsRepository({ db, now }: StoreContext) {
  const find = db.prepare<[number, string], DetectionRow>('SELECT * FROM detections WHERE photo_input_id = ? AND modality = ?');
  const byJob = db.prepare<[string], { id: number }>('SELECT id FROM detections WHERE job_id = ?');
  const insertSending = db.prepare<[number, string, string, string, number | null, number, number, number], DetectionRow>(`
    INSERT INTO detections (photo_input_id, modality, state, request_json, image_asset_id, cost_cu, simulated, created_at, state_changed_at)
    VALUES (?, ?, 'sending', ?, ?, ?, ?, ?, ?) RETURNING *`);
  // A detection sent again (its earlier POST made no job, was lost, or failed) starts afresh.
  const resend = db.prepare<[string, string, number | null, number, number, number], DetectionRow>(`
    UPDATE detections SET state = 'sending', request_json = ?, image_asset_id = ?, cost_cu = ?, simulated = ?, state_changed_at = ?,
      job_id = NULL, charged_at = NULL, error_code = NULL, error_message = NULL
    WHERE id = ? AND state IN (${inList(detectionPredecessorsOf('sending'))}) RETURNING *`);
  const moves = new Map<string, Database.Statement<[Record<string, unknown>], DetectionRow>>();

  function moveStatement(state: DetectionState, patchKeys: (keyof DetectionPatch)[]) {
    const key = `${state}:${patchKeys.join(',')}`;
    let statement = moves.get(key);
    if (statement === undefined) {
      const sets = ['state = @state', 'state_changed_at = @now', ...patchKeys.map((field) => `${PATCH_COLUMNS[field]} = @${field}`)];
      statement = db.prepare<[Record<string, unknown>], DetectionRow>(
        `UPDATE detections SET ${sets.join(', ')} WHERE id = @id AND state = @from AND state IN (${inList(detectionPredecessorsOf(state))}) RETURNING *`,
      );
      moves.set(key, statement);
    }
    return statement;
  }

  return {
    /** The detection of this photo for this map, if it was ever sent. */
    find(photoInputId: number, modality: string): Detection | null {
      const row = find.get(photoInputId, modality);
      return row ? toDetection(row) : null;
    },
    /** Detections in these states, oldest first. */
    listByStates(states: readonly DetectionState[]): Detection[] {
      return (db.prepare(`SELECT * FROM detections WHERE state IN (${inList(states)}) ORDER BY id`).all() as DetectionRow[]).map(toDetection);
    },
    /** Which detection owns this job, if any. */
    idForJob(jobId: string): number | null {
      return byJob.get(jobId)?.id ?? null;
    },
    /** Commits to a POST (before it leaves): a new row, or `earlier` sent again (the table must allow it). */
    sending(send: DetectionSend, earlier: Detection | null): Detection {
      const at = now();
      const row =
        earlier === null
          ? insertSending.get(send.photoInputId, send.modality, send.requestJson, send.imageAssetId, send.costCu, send.simulated ? 1 : 0, at, at)
          : resend.get(send.requestJson, send.imageAssetId, send.costCu, send.simulated ? 1 : 0, at, earlier.id);
      if (row === undefined) throw new StoreError('invalid-transition', `This detection is ${earlier?.state ?? 'unknown'} and cannot be sent again.`);
      return toDetection(row);
    },
    /** Moves a detection still in `from` to `state` (compare-and-set); the declared machine must allow it. */
    move(detection: Pick<Detection, 'id' | 'state'>, state: DetectionState, patch: DetectionPatch = {}): Detection {
      const patchKeys = (Object.keys(patch) as (keyof DetectionPatch)[]).filter((key) => patch[key] !== undefined).sort();
      const values: Record<string, unknown> = { id: detection.id, state, from: detection.state, now: now() };
      for (const key of patchKeys) values[key] = patch[key];
      const row = moveStatement(state, patchKeys).get(values);
      if (row === undefined) throw new StoreError('invalid-transition', `This detection was ${detection.state} and cannot become ${state}.`, { detail: `detection ${detection.id}` });
      return toDetection(row);
    },
  };
}

export type DetectionsRepository = ReturnType<typeof createDetectionsRepository>;
