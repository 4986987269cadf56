import type Database from 'better-sqlite3';
import type { StoreContext } from '../context';
import { IN_LIST, jsonList } from '../context';
import { StoreError } from '../errors';
import { toGeneration } from '../rows';
import type { GenerationRow } from '../rows';
import { ALLOWED_TRANSITIONS, REQUEST_REBUILDABLE_ON_ENTERING, TERMINAL_STATES, predecessorsOf } from '../states';
import type { Generation, GenerationKind, GenerationState } from '../types';

export interface GenerationDraft {
  inputId: number;
  presetVersionId: number;
  folderId?: number | null;
  kind: GenerationKind;
  parentId?: number | null;
  requestJson: string;
  seed?: string | null;
  modelId: string;
  modelName?: string | null;
  family: string;
  modality: string;
  prompt: string;
  negativePrompt?: string | null;
  /** Preset fields the file's sidecars changed. */
  overrides?: Record<string, unknown> | null;
  simulated?: boolean;
  /** Defaults to 'detected'. */
  state?: GenerationState;
}

/** Fields a transition may set along with the new state. */
export interface TransitionPatch {
  requestJson?: string;
  seed?: string | null;
  modelName?: string | null;
  imageAssetId?: string | null;
  jobId?: string | null;
  costCu?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
}

const PATCH_COLUMNS: Record<keyof TransitionPatch, string> = {
  requestJson: 'request_json',
  seed: 'seed',
  modelName: 'model_name',
  imageAssetId: 'image_asset_id',
  jobId: 'job_id',
  costCu: 'cost_cu',
  errorCode: 'error_code',
  errorMessage: 'error_message',
};

export function createGenerationsRepository({ db, now }: StoreContext) {
  const insert = db.prepare<
    [number, number, number | null, string, number | null, string, string | null, string, string | null, string, string, string, string | null, string | null, string, number, number, number],
    GenerationRow
  >(`
    INSERT INTO generations (input_id, preset_version_id, folder_id, kind, parent_id, request_json, seed, model_id, model_name,
                             family, modality, prompt, negative_prompt, overrides_json, state, state_changed_at, created_at, simulated)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
            -- Never before the previous generation, even if the wall clock stepped back: id order
            -- is then creation order, which lets a search walk its matches newest first by rowid.
            max(?, coalesce((SELECT created_at FROM generations ORDER BY id DESC LIMIT 1), 0)), ?)
    RETURNING *`);
  const byId = db.prepare<[number], GenerationRow>('SELECT * FROM generations WHERE id = ?');
  // Through the state index, then sorted: the states asked for are the unfinished ones, few in any
  // library, but to avoid that sort the planner walked the whole table in id order instead (1.6 s
  // at 1,000,000 generations, on every queue.status, with every other call waiting behind it).
  // LIMIT -1 is no limit.
  const byStates = db.prepare<[string, number], GenerationRow>(`SELECT * FROM generations INDEXED BY generations_by_state WHERE state ${IN_LIST} ORDER BY id LIMIT ?`);
  const countInStates = db.prepare<[string], { count: number }>(`SELECT count(*) AS count FROM generations WHERE state ${IN_LIST}`);
  const forInput = db.prepare<[number], GenerationRow>('SELECT * FROM generations WHERE input_id = ? ORDER BY id');
  const childrenOf = db.prepare<[number], GenerationRow>('SELECT * FROM generations WHERE parent_id = ? ORDER BY id');
  const byJobId = db.prepare<[string], { id: number }>('SELECT id FROM generations WHERE job_id = ?');
  const finishedSince = db.prepare<[number], { state: GenerationState; count: number }>(
    'SELECT state, count(*) AS count FROM generations WHERE finished_at >= ? GROUP BY state',
  );
  const transitionStatements = new Map<string, Database.Statement<[Record<string, unknown>], GenerationRow>>();

  function get(id: number): Generation | null {
    const row = byId.get(id);
    return row ? toGeneration(row) : null;
  }

  function require(id: number): Generation {
    const generation = get(id);
    if (!generation) throw new StoreError('not-found', 'This generation no longer exists.', { detail: `generation ${id}` });
    return generation;
  }

  function create(draft: GenerationDraft): Generation {
    const at = now();
    const row = insert.get(
      draft.inputId,
      draft.presetVersionId,
      draft.folderId ?? null,
      draft.kind,
      draft.parentId ?? null,
      draft.requestJson,
      draft.seed ?? null,
      draft.modelId,
      draft.modelName ?? null,
      draft.family,
      draft.modality,
      draft.prompt,
      draft.negativePrompt ?? null,
      draft.overrides === undefined || draft.overrides === null ? null : JSON.stringify(draft.overrides),
      draft.state ?? 'detected',
      at,
      at,
      draft.simulated ? 1 : 0,
    );
    return toGeneration(row as GenerationRow);
  }

  /** One prepared UPDATE per (target state, patched columns) shape, built once. */
  function transitionStatement(state: GenerationState, patchKeys: (keyof TransitionPatch)[]) {
    const key = `${state}:${patchKeys.join(',')}`;
    let statement = transitionStatements.get(key);
    if (!statement) {
      const sets = ['state = @state', 'state_changed_at = @now', ...patchKeys.map((field) => `${PATCH_COLUMNS[field]} = @${field}`)];
      if (state === 'submitting') sets.push('submit_attempts = submit_attempts + 1');
      if (state === 'submitted') sets.push('submitted_at = coalesce(submitted_at, @now)');
      if (TERMINAL_STATES.includes(state)) sets.push('finished_at = @now');
      if (state === 'detected') sets.push('finished_at = NULL', 'error_code = NULL', 'error_message = NULL');
      // RETURNING: the updated row comes back from the same statement, not from a second query.
      statement = db.prepare<[Record<string, unknown>], GenerationRow>(
        `UPDATE generations SET ${sets.join(', ')} WHERE id = @id AND state IN (${predecessorsOf(state)
          .map((from) => `'${from}'`)
          .join(', ')}) AND (@from IS NULL OR state = @from) RETURNING *`,
      );
      transitionStatements.set(key, statement);
    }
    return statement;
  }

  /**
   * Moves a generation to `state` if the state machine allows it from its current state,
   * atomically (compare-and-set), and returns the updated row. With `from`, only a row still in
   * that state moves (the pipeline names the state its event applies to).
   */
  function transition(id: number, state: GenerationState, patch: TransitionPatch = {}, from?: GenerationState): Generation {
    if (patch.requestJson !== undefined && !REQUEST_REBUILDABLE_ON_ENTERING.includes(state)) {
      throw new StoreError('invalid-argument', 'The request of a submitted generation cannot change.', { detail: `generation ${id} → ${state}` });
    }
    if (predecessorsOf(state).length === 0) {
      throw new StoreError('invalid-transition', `No generation can move to "${state}".`);
    }
    const patchKeys = (Object.keys(patch) as (keyof TransitionPatch)[]).filter((key) => patch[key] !== undefined && key in PATCH_COLUMNS).sort();
    const values: Record<string, unknown> = { id, state, now: now(), from: from ?? null };
    for (const key of patchKeys) values[key] = patch[key];
    const updated = transitionStatement(state, patchKeys).get(values);
    if (updated === undefined) {
      const current = require(id);
      throw new StoreError('invalid-transition', `This generation is ${current.state} and cannot become ${state}.`, {
        detail: `generation ${id}: allowed from ${current.state}: ${ALLOWED_TRANSITIONS[current.state].join(', ') || 'nothing'}`,
      });
    }
    return toGeneration(updated);
  }

  /**
   * A new generation from the same input, preset version and request. A variation replaces the
   * seed. The seed column wins over the body: it may hold the seed the server actually used.
   */
  /** `presetVersionId`: the version to run instead of the parent's (an imported parent's is made when it is reproduced). */
  function createReproduction(parentId: number, options: { varySeed?: string; simulated?: boolean; presetVersionId?: number } = {}): Generation {
    const parent = require(parentId);
    const seed = options.varySeed ?? parent.seed;
    let requestJson = parent.requestJson;
    const request = JSON.parse(parent.requestJson) as Record<string, unknown>;
    // A custom model may type its seed as a number: the varied body keeps the parent's type (and key order, so it stays canonical).
    const seedValue = typeof request.seed === 'number' && seed !== null ? Number(seed) : seed;
    if (seed !== null && 'seed' in request && request.seed !== seedValue) requestJson = JSON.stringify({ ...request, seed: seedValue });
    return create({
      inputId: parent.inputId,
      presetVersionId: options.presetVersionId ?? parent.presetVersionId,
      folderId: null,
      kind: options.varySeed === undefined ? 'reproduction' : 'variation',
      parentId: parent.id,
      requestJson,
      seed,
      modelId: parent.modelId,
      modelName: parent.modelName,
      family: parent.family,
      modality: parent.modality,
      prompt: parent.prompt,
      negativePrompt: parent.negativePrompt,
      overrides: parent.overrides,
      simulated: options.simulated ?? parent.simulated,
    });
  }

  return {
    create,
    get,
    transition,
    /** The generate POST answered: keep the job id and its cost. */
    setJob(id: number, jobId: string, costCu: number | null): Generation {
      return transition(id, 'submitted', { jobId, costCu });
    },
    recordFailure(id: number, failure: { code: string; message: string }): Generation {
      return transition(id, 'failed', { errorCode: failure.code, errorMessage: failure.message });
    },
    /** Oldest first (the first `limit` only, when given), including trashed rows: a job already paid for is still finished. */
    listByStates(states: readonly GenerationState[], { limit }: { limit?: number } = {}): Generation[] {
      return byStates.all(jsonList(states), limit ?? -1).map(toGeneration);
    },
    /** How many generations are in these states (from the state index: no row is read). */
    countByStates(states: readonly GenerationState[]): number {
      return countInStates.get(jsonList(states))?.count ?? 0;
    },
    listForInput(inputId: number): Generation[] {
      return forInput.all(inputId).map(toGeneration);
    },
    createReproduction,
    /** The generation that owns this Scenario job, if any. */
    idForJob(jobId: string): number | null {
      return byJobId.get(jobId)?.id ?? null;
    },
    /** How many generations ended in each state since `since` (ms). */
    finishedCountsSince(since: number): Partial<Record<GenerationState, number>> {
      return Object.fromEntries(finishedSince.all(since).map((row) => [row.state, row.count]));
    },
    children(id: number): Generation[] {
      return childrenOf.all(id).map(toGeneration);
    },
  };
}

export type GenerationsRepository = ReturnType<typeof createGenerationsRepository>;
