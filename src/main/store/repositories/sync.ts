/**
 * The team's history (migration 9): where each sync listing stopped, the jobs listed and not yet
 * imported, imported generations with their images, tags and collections, and the tag changes
 * made here that Scenario has not taken yet. Every import is one transaction keyed by the job id,
 * so a crash or a repeated page never brings a job in twice.
 */
import type { StoreContext } from '../context';
import { IN_LIST, jsonList } from '../context';
import { toGeneration } from '../rows';
import type { GenerationRow } from '../rows';
import type { Generation, GenerationOrigin } from '../types';

/** The archived preset every imported parameter set becomes a version of. */
export const IMPORTED_PRESET_NAME = 'Imported from Scenario';

/** The one input of imported jobs that had no control image (nothing to copy: its path is empty). */
const NO_CONTROL_SHA256 = 'no-control-image';

export interface StagedJob {
  jobId: string;
  createdAt: number;
  json: string;
}

export interface ImportedImage {
  assetId: string;
  idx: number;
  relPath: string;
  width: number | null;
  height: number | null;
  /** Scenario's tags on this asset ('favourite' among them marks the generation a favourite). */
  tags: string[];
  collectionIds: string[];
}

/** An imported parameter set: it becomes (or finds) a version of the imported preset inside the import's transaction. */
export interface ImportedPreset {
  contentSha256: string;
  family: string;
  document: unknown;
}

export interface ImportedGenerationDraft {
  jobId: string;
  inputId: number;
  requestJson: string;
  seed: string | null;
  modelId: string;
  family: string;
  modality: string;
  prompt: string;
  negativePrompt: string | null;
  controlAssetId: string | null;
  origin: GenerationOrigin;
  authorId: string | null;
  notReproducible: string | null;
  parentAssetId: string | null;
  rootAssetId: string | null;
  remoteCreatedAt: number;
  simulated: boolean;
  /** Where each output's file goes, given the new generation's id. */
  images: (generationId: number) => ImportedImage[];
}

export interface TagChange {
  id: number;
  generationId: number;
  tag: string;
  change: 'add' | 'delete';
  at: number;
}

export const FAVOURITE_TAG = 'favourite';

/** The preset version imported generations point at until one is reproduced: it names where they came from, nothing more. */
const IMPORTED_STAND_IN: ImportedPreset = { contentSha256: 'imported-stand-in', family: 'unknown', document: { name: IMPORTED_PRESET_NAME } };

/**
 * How long a detection committed as sending holds the team sync back: long past its answer, or
 * the search for a lost one, of a detection the pipeline drives; only one left behind is older.
 */
const SENDING_DETECTION_HOLDS_SYNC_MS = 60 * 60_000;

export function createSyncRepository({ db, now }: StoreContext) {
  const readState = db.prepare<[string], { value_json: string }>('SELECT value_json FROM sync_state WHERE key = ?');
  const writeState = db.prepare<[string, string, number], never>(
    'INSERT INTO sync_state (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at',
  );
  // A job one of our generations holds, or held and left (canceled and retried, sent again): ours either way.
  // A detection's job (a map made from a photo) is ours too.
  const heldJob = db.prepare<[{ job: string }], { id: number }>(
    'SELECT id FROM generations WHERE job_id = @job UNION ALL SELECT generation_id FROM left_jobs WHERE job_id = @job UNION ALL SELECT id FROM detections WHERE job_id = @job LIMIT 1',
  );
  const stage = db.prepare<[string, number, string], never>('INSERT INTO sync_staged_jobs (job_id, created_at, job_json) VALUES (?, ?, ?) ON CONFLICT (job_id) DO NOTHING');
  const stagedAfter = db.prepare<[number, string, number, number], { job_id: string; created_at: number; job_json: string }>(
    'SELECT * FROM sync_staged_jobs WHERE (created_at, job_id) > (?, ?) AND created_at < ? ORDER BY created_at, job_id LIMIT ?',
  );
  const stagedCount = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM sync_staged_jobs');
  const unstage = db.prepare<[string], never>('DELETE FROM sync_staged_jobs WHERE job_id = ?');
  const unsettled = db.prepare<[number], { since: number | null }>(
    // created_at, not the time of its last move: an answer lost after long retries became
    // outcome-unknown well after the job was made. A detection on its way too, from its POST (one
    // whose answer was lost waits for the person, maybe for ever: it must not hold the sync back),
    // for a while only: one whose photo was rewritten or deleted meanwhile is never sent on, and
    // it held back every later job of the team for good (the seeded simulation, seed 8334).
    `SELECT min(since) AS since FROM (
      SELECT min(created_at) AS since FROM generations WHERE state IN ('submitting', 'outcome-unknown')
      UNION ALL SELECT min(state_changed_at) FROM detections WHERE state = 'sending' AND state_changed_at >= ?)`,
  );
  const presetByName = db.prepare<[string], { id: number }>('SELECT id FROM presets WHERE name = ? AND archived_at IS NOT NULL ORDER BY id LIMIT 1');
  const insertPreset = db.prepare<[string, number, number], { id: number }>('INSERT INTO presets (name, created_at, archived_at) VALUES (?, ?, ?) RETURNING id');
  const importedPreset = db.prepare<[string], { preset_version_id: number }>('SELECT preset_version_id FROM imported_presets WHERE content_sha256 = ?');
  const insertVersion = db.prepare<[number, number, string, string, string, number], { id: number }>(`
    INSERT INTO preset_versions (preset_id, version, name, family, preset_json, created_at)
    -- The newest version by a descending walk of (preset_id, version): coalesce(max(...)) would read them all.
    VALUES (?, coalesce((SELECT version FROM preset_versions WHERE preset_id = ? ORDER BY version DESC LIMIT 1), 0) + 1, ?, ?, ?, ?) RETURNING id`);
  const rememberPreset = db.prepare<[string, number], never>('INSERT INTO imported_presets (content_sha256, preset_version_id) VALUES (?, ?)');
  const remoteInput = db.prepare<[string], { input_id: number }>('SELECT input_id FROM remote_inputs WHERE asset_id = ?');
  const rememberInput = db.prepare<[string, number], never>('INSERT INTO remote_inputs (asset_id, input_id) VALUES (?, ?) ON CONFLICT (asset_id) DO NOTHING');
  const noControlInput = db.prepare<[number], { id: number }>(`
    INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, created_at)
    VALUES ('${NO_CONTROL_SHA256}', '', '(no control image)', '', 0, ?)
    ON CONFLICT (sha256) DO UPDATE SET sha256 = sha256 RETURNING id`);
  const insertGeneration = db.prepare<[Record<string, unknown>], GenerationRow>(`
    INSERT INTO generations (input_id, preset_version_id, folder_id, kind, parent_id, request_json, seed, model_id, model_name,
                             family, modality, prompt, negative_prompt, state, state_changed_at, created_at, submitted_at, finished_at,
                             image_asset_id, job_id, simulated, origin, author_id, not_reproducible, parent_asset_id, root_asset_id, remote_created_at)
    VALUES (@inputId, @presetVersionId, NULL, 'manual', NULL, @requestJson, @seed, @modelId, NULL,
            @family, @modality, @prompt, @negativePrompt, 'done', @now,
            -- As generations.create: never before the previous generation, so id order stays creation order.
            max(@now, coalesce((SELECT created_at FROM generations ORDER BY id DESC LIMIT 1), 0)), @remoteCreatedAt, @remoteCreatedAt,
            @controlAssetId, @jobId, @simulated, @origin, @authorId, @notReproducible, @parentAssetId, @rootAssetId, @remoteCreatedAt)
    RETURNING *`);
  const insertImage = db.prepare<[number, string, number, string, number | null, number | null, number], never>(`
    INSERT INTO images (generation_id, asset_id, idx, rel_path, width, height, missing, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)`);
  const setAssetTag = db.prepare<[string, string], never>('INSERT INTO asset_tags (asset_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const clearAssetTags = db.prepare<[string], never>('DELETE FROM asset_tags WHERE asset_id = ?');
  const inCollection = db.prepare<[string, string], never>('INSERT INTO collection_assets (collection_id, asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const clearCollectionsOf = db.prepare<[string], never>('DELETE FROM collection_assets WHERE asset_id = ?');
  const knownCollection = db.prepare<[string, string, number], never>(
    'INSERT INTO collections (id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at',
  );
  const listCollections = db.prepare<[], { id: string; name: string; count: number }>(`
    SELECT c.id, c.name, (SELECT count(DISTINCT im.generation_id) FROM collection_assets ca JOIN images im ON im.asset_id = ca.asset_id WHERE ca.collection_id = c.id) AS count
    FROM collections c ORDER BY c.name COLLATE NOCASE`);
  const generationOfAsset = db.prepare<[string], { generation_id: number }>('SELECT generation_id FROM images WHERE asset_id = ? LIMIT 1');
  const assetsOf = db.prepare<[number], { asset_id: string }>(
    'SELECT asset_id FROM images WHERE generation_id = ? AND asset_id IS NOT NULL AND asset_id NOT IN (SELECT asset_id FROM remote_deleted_assets) ORDER BY idx',
  );
  const remoteTagsOf = db.prepare<[number], { tag: string }>(
    'SELECT DISTINCT at.tag FROM images im JOIN asset_tags at ON at.asset_id = im.asset_id WHERE im.generation_id = ?',
  );
  const localTagsOf = db.prepare<[number], { name: string }>('SELECT t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.generation_id = ?');
  const favouriteOf = db.prepare<[number], { favourite: number }>('SELECT favourite FROM generations WHERE id = ?');
  const ensureTag = db.prepare<[string], never>('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
  const link = db.prepare<[number, string], never>('INSERT INTO generation_tags (generation_id, tag_id) SELECT ?, id FROM tags WHERE name = ? ON CONFLICT DO NOTHING');
  const unlink = db.prepare<[number, string], never>('DELETE FROM generation_tags WHERE generation_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)');
  const dropUnusedTag = db.prepare<[string], never>('DELETE FROM tags WHERE name = ? AND NOT EXISTS (SELECT 1 FROM generation_tags WHERE tag_id = tags.id)');
  const setFavourite = db.prepare<[number, number], never>('UPDATE generations SET favourite = ? WHERE id = ?');
  const recordChange = db.prepare<[number, string, string, string, number, number | null, string | null], never>(
    'INSERT INTO tag_changes (generation_id, tag, change, source, at, sent_at, author_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const latestLocalChange = db.prepare<[number, string], { change: 'add' | 'delete'; at: number; sent_at: number | null }>(
    "SELECT change, at, sent_at FROM tag_changes WHERE generation_id = ? AND tag = ? AND source = 'local' ORDER BY id DESC LIMIT 1",
  );
  const unsent = db.prepare<[number, number], { id: number; generation_id: number; tag: string; change: 'add' | 'delete'; at: number }>(
    "SELECT id, generation_id, tag, change, at FROM tag_changes WHERE source = 'local' AND sent_at IS NULL AND dropped IS NULL AND id > ? ORDER BY id LIMIT ?",
  );
  const generationState = db.prepare<[number], { state: string }>('SELECT state FROM generations WHERE id = ?');
  const imageStored = db.prepare<[string, number, string, number, number, number], never>(
    'UPDATE images SET rel_path = ?, bytes = ?, sha256 = ?, width = ?, height = ?, missing = 0 WHERE id = ?',
  );
  const unsentCount = db.prepare<[], { count: number }>("SELECT count(*) AS count FROM tag_changes WHERE source = 'local' AND sent_at IS NULL AND dropped IS NULL");
  const noteDeletedAsset = db.prepare<[string, number], never>('INSERT INTO remote_deleted_assets (asset_id, noticed_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  /** Generations with an image among `assets` and no image left at Scenario, not yet marked. */
  const leftWithoutAssets = db.prepare<[string], { id: number; origin: string | null; deleted_at: number | null }>(`
    SELECT g.id, g.origin, g.deleted_at FROM generations g
    WHERE g.deleted_in_scenario_at IS NULL
      AND g.id IN (SELECT generation_id FROM images WHERE asset_id ${IN_LIST})
      AND NOT EXISTS (SELECT 1 FROM images o WHERE o.generation_id = g.id AND o.asset_id IS NOT NULL
                      AND o.asset_id NOT IN (SELECT asset_id FROM remote_deleted_assets))
    ORDER BY g.id`);
  const markDeletedInScenario = db.prepare<[number, string], never>(`UPDATE generations SET deleted_in_scenario_at = ? WHERE id ${IN_LIST}`);
  const deletedInScenario = db.prepare<[number], { at: number | null }>('SELECT deleted_in_scenario_at AS at FROM generations WHERE id = ?');
  const dropChanges = db.prepare<[string, string], never>(
    `UPDATE tag_changes SET dropped = ? WHERE source = 'local' AND sent_at IS NULL AND dropped IS NULL AND generation_id ${IN_LIST}`,
  );
  const assetsToCheck = db.prepare<[number, number], { id: number; asset_id: string }>(
    'SELECT id, asset_id FROM images WHERE asset_id IS NOT NULL AND id > ? AND asset_id NOT IN (SELECT asset_id FROM remote_deleted_assets) ORDER BY id LIMIT ?',
  );
  const markSent = db.prepare<[number, string], never>(`UPDATE tag_changes SET sent_at = ? WHERE id ${IN_LIST}`);
  const linkParents = db.prepare<[], never>(`
    UPDATE generations SET parent_id = (SELECT im.generation_id FROM images im WHERE im.asset_id = generations.parent_asset_id LIMIT 1)
    WHERE parent_asset_id IS NOT NULL AND parent_id IS NULL
      AND EXISTS (SELECT 1 FROM images im WHERE im.asset_id = generations.parent_asset_id AND im.generation_id <> generations.id)`);
  const importedCount = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM generations WHERE origin IS NOT NULL');
  const missingImported = db.prepare<[number, number], { id: number; generation_id: number; asset_id: string; idx: number; rel_path: string }>(`
    SELECT im.id, im.generation_id, im.asset_id, im.idx, im.rel_path FROM images im JOIN generations g ON g.id = im.generation_id
    WHERE g.origin IS NOT NULL AND im.missing = 1 AND im.asset_id IS NOT NULL AND im.id > ?
      AND im.asset_id NOT IN (SELECT asset_id FROM remote_deleted_assets) ORDER BY im.id LIMIT ?`);
  const importedWithoutThumbnail = db.prepare<[number, number], { id: number; generation_id: number; asset_id: string; idx: number; rel_path: string }>(`
    SELECT im.id, im.generation_id, im.asset_id, im.idx, im.rel_path FROM images im JOIN generations g ON g.id = im.generation_id
    WHERE g.origin IS NOT NULL AND g.trash_batch_id IS NULL AND im.missing = 1 AND im.thumb_rel_path IS NULL AND im.asset_id IS NOT NULL AND im.id > ?
      AND im.asset_id NOT IN (SELECT asset_id FROM remote_deleted_assets) ORDER BY im.id LIMIT ?`);

  /** Brings Scenario's tags of one asset in: the last writer wins per tag, and every change is kept. */
  function applyRemoteTags(generationId: number, assetId: string, tags: readonly string[], updatedAt: number, authorId: string | null): void {
    clearAssetTags.run(assetId);
    for (const tag of tags) setAssetTag.run(assetId, tag);
    const remote = new Set(remoteTagsOf.all(generationId).map((row) => row.tag.toLowerCase()));
    const local = new Set(localTagsOf.all(generationId).map((row) => row.name.toLowerCase()));
    if ((favouriteOf.get(generationId)?.favourite ?? 0) === 1) local.add(FAVOURITE_TAG);
    // A local change Scenario has not taken yet, or made after this asset last changed there, wins.
    const localWins = (tag: string): boolean => {
      const latest = latestLocalChange.get(generationId, tag);
      return latest !== undefined && (latest.sent_at === null || latest.at > updatedAt);
    };
    for (const tag of remote) {
      if (local.has(tag) || localWins(tag)) continue;
      setLocalTag(generationId, tag, true);
      recordChange.run(generationId, tag, 'add', 'remote', updatedAt, null, authorId);
    }
    for (const tag of local) {
      if (remote.has(tag) || localWins(tag)) continue;
      // Only tags Scenario had: a tag never sent (made before sync, or on a job of our own still
      // without assets) is not "deleted remotely".
      if (latestLocalChange.get(generationId, tag) === undefined && !hadRemotely(generationId, tag)) continue;
      setLocalTag(generationId, tag, false);
      recordChange.run(generationId, tag, 'delete', 'remote', updatedAt, null, authorId);
    }
  }

  const remoteHistory = db.prepare<[number, string], { one: number }>("SELECT 1 AS one FROM tag_changes WHERE generation_id = ? AND tag = ? AND source = 'remote' LIMIT 1");
  function hadRemotely(generationId: number, tag: string): boolean {
    return remoteHistory.get(generationId, tag) !== undefined;
  }

  function setLocalTag(generationId: number, tag: string, on: boolean): void {
    if (tag === FAVOURITE_TAG) {
      setFavourite.run(on ? 1 : 0, generationId);
      return;
    }
    if (on) {
      ensureTag.run(tag);
      link.run(generationId, tag);
    } else {
      unlink.run(generationId, tag);
      dropUnusedTag.run(tag);
    }
  }

  function presetVersionFor(contentSha256: string, family: string, preset: unknown): number {
    const known = importedPreset.get(contentSha256);
    if (known) return known.preset_version_id;
    const presetId = importPresetId();
    const version = insertVersion.get(presetId, presetId, IMPORTED_PRESET_NAME, family, JSON.stringify(preset), now()) as { id: number };
    rememberPreset.run(contentSha256, version.id);
    return version.id;
  }

  let importedPresetId: number | undefined;
  function importPresetId(): number {
    if (importedPresetId === undefined) {
      const at = now();
      importedPresetId = presetByName.get(IMPORTED_PRESET_NAME)?.id ?? (insertPreset.get(IMPORTED_PRESET_NAME, at, at) as { id: number }).id;
    }
    return importedPresetId;
  }

  /** Imports one job (inside the caller's transaction); null when a generation already owns it. */
  function importGeneration(draft: ImportedGenerationDraft): Generation | null {
    unstage.run(draft.jobId);
    if (heldJob.get({ job: draft.jobId }) !== undefined) return null;
    const { images, ...columns } = draft;
    // Every import shares one stand-in version: the version that reproduces a job is made when
    // someone reproduces it (presetVersionFor), not 100,000 times ahead (each one a facet row).
    const presetVersionId = presetVersionFor(IMPORTED_STAND_IN.contentSha256, IMPORTED_STAND_IN.family, IMPORTED_STAND_IN.document);
    const row = insertGeneration.get({ ...columns, presetVersionId, simulated: draft.simulated ? 1 : 0, now: now() }) as GenerationRow;
    const at = now();
    const remoteTags = new Set<string>();
    for (const image of images(row.id)) {
      insertImage.run(row.id, image.assetId, image.idx, image.relPath, image.width, image.height, at);
      for (const collectionId of image.collectionIds) inCollection.run(collectionId, image.assetId);
      for (const tag of image.tags) {
        setAssetTag.run(image.assetId, tag);
        remoteTags.add(tag.toLowerCase());
      }
    }
    // A new row has no tags of its own yet: Scenario's are simply its tags (no conflict to settle).
    for (const tag of remoteTags) {
      setLocalTag(row.id, tag, true);
      recordChange.run(row.id, tag, 'add', 'remote', draft.remoteCreatedAt, null, draft.authorId);
    }
    return toGeneration(row.favourite === 0 && remoteTags.has(FAVOURITE_TAG) ? { ...row, favourite: 1 } : row);
  }

  return {
    state<T>(key: string): T | null {
      const row = readState.get(key);
      return row ? (JSON.parse(row.value_json) as T) : null;
    },
    setState(key: string, value: unknown): void {
      writeState.run(key, JSON.stringify(value), now());
    },
    /** Whether a generation here already owns this Scenario job (ours, or imported before). */
    holdsJob(jobId: string): boolean {
      return heldJob.get({ job: jobId }) !== undefined;
    },
    /** Stages a page of listed jobs and saves where the listing stands, in one transaction. */
    stagePage: db.transaction((jobs: readonly StagedJob[], stateKey: string, listing: unknown): number => {
      let staged = 0;
      for (const job of jobs) {
        if (heldJob.get({ job: job.jobId }) !== undefined) continue;
        staged += stage.run(job.jobId, job.createdAt, job.json).changes;
      }
      writeState.run(stateKey, JSON.stringify(listing), now());
      return staged;
    }),
    /** Staged jobs oldest first, after the job (createdAt, jobId) and created before `before`. */
    stagedAfter(after: { createdAt: number; jobId: string } | null, before: number, limit: number): StagedJob[] {
      return stagedAfter.all(after?.createdAt ?? -Infinity, after?.jobId ?? '', before, limit).map((row) => ({ jobId: row.job_id, createdAt: row.created_at, json: row.job_json }));
    },
    stagedCount(): number {
      return stagedCount.get()?.count ?? 0;
    },
    /** Drops a staged job that will not be imported (not a generation, failed, or already here). */
    unstage(jobId: string): void {
      unstage.run(jobId);
    },
    /** The oldest time a submission of ours still waits for Scenario's answer, or null. */
    unsettledSince(): number | null {
      return unsettled.get(now() - SENDING_DETECTION_HOLDS_SYNC_MS)?.since ?? null;
    },
    /** The preset version an imported parameter set becomes (one per distinct document), made when one is reproduced. */
    presetVersionFor: db.transaction(presetVersionFor),
    remoteInput(assetId: string): number | null {
      return remoteInput.get(assetId)?.input_id ?? null;
    },
    rememberRemoteInput(assetId: string, inputId: number): void {
      rememberInput.run(assetId, inputId);
    },
    noControlInput(): number {
      return (noControlInput.get(now()) as { id: number }).id;
    },
    /**
     * Imports jobs with their images, tags and collections, in one transaction (not a savepoint per
     * job inside the caller's: nothing needs undoing one job at a time); null for a job a generation
     * already owns.
     */
    importGenerations: db.transaction((drafts: readonly ImportedGenerationDraft[]): (Generation | null)[] => drafts.map(importGeneration)),
    /** Lineage: imported generations whose parent asset is now here point at its generation. */
    linkParents(): void {
      linkParents.run();
    },
    /** Scenario's tags and collections of one asset, as listed by updatedAfter; false when no image here has it. */
    applyRemoteAsset: db.transaction((asset: { assetId: string; tags: readonly string[]; collectionIds: readonly string[]; updatedAt: number; authorId: string | null }): boolean => {
      const owner = generationOfAsset.get(asset.assetId);
      if (!owner) return false;
      applyRemoteTags(owner.generation_id, asset.assetId, asset.tags, asset.updatedAt, asset.authorId);
      clearCollectionsOf.run(asset.assetId);
      for (const collectionId of asset.collectionIds) inCollection.run(collectionId, asset.assetId);
      return true;
    }),
    rememberCollection(collection: { id: string; name: string }): void {
      knownCollection.run(collection.id, collection.name, now());
    },
    /** Sent to Scenario: these assets are in the collection now. */
    addToCollection: db.transaction((collectionId: string, assetIds: readonly string[]): void => {
      for (const assetId of assetIds) inCollection.run(collectionId, assetId);
    }),
    collections(): { id: string; name: string; count: number }[] {
      return listCollections.all();
    },
    assetIdsOf(generationId: number): string[] {
      return assetsOf.all(generationId).map((row) => row.asset_id);
    },
    /** A tag change made here, queued until Scenario takes it (the queue survives a crash). */
    recordLocalChange(generationIds: readonly number[], tag: string, change: 'add' | 'delete'): void {
      const at = now();
      for (const id of generationIds) recordChange.run(id, tag, change, 'local', at, null, null);
    },
    /** Our tag changes Scenario has not taken yet, oldest first, after the change `afterId`. */
    unsentChanges(afterId: number, limit: number): TagChange[] {
      return unsent.all(afterId, limit).map((row) => ({ id: row.id, generationId: row.generation_id, tag: row.tag, change: row.change, at: row.at }));
    },
    unsentCount(): number {
      return unsentCount.get()?.count ?? 0;
    },
    markSent(ids: readonly number[]): void {
      markSent.run(now(), jsonList(ids));
    },
    /**
     * Assets Scenario no longer has (a member deleted them). A generation left with none is marked
     * "deleted in Scenario" and its unsent tag changes are dropped with `note` (they cannot be put
     * on anything); returned are those generations, the imported ones among them still outside the
     * Trash (for the caller to move there), and how many changes were dropped.
     */
    assetsDeleted: db.transaction((assetIds: readonly string[], note: string): { generations: number[]; importedLive: number[]; changesDropped: number } => {
      const at = now();
      for (const assetId of assetIds) noteDeletedAsset.run(assetId, at);
      const gone = leftWithoutAssets.all(jsonList(assetIds));
      const generations = gone.map((row) => row.id);
      markDeletedInScenario.run(at, jsonList(generations));
      const changesDropped = dropChanges.run(note, jsonList(generations)).changes;
      return { generations, importedLive: gone.filter((row) => row.origin !== null && row.deleted_at === null).map((row) => row.id), changesDropped };
    }),
    /** Whether every asset of the generation was deleted at Scenario. */
    isDeletedInScenario(generationId: number): boolean {
      return (deletedInScenario.get(generationId)?.at ?? null) !== null;
    },
    /** Drops our unsent tag changes of these generations, saying why (they will never be sent). */
    dropChanges(generationIds: readonly number[], note: string): number {
      return dropChanges.run(note, jsonList(generationIds)).changes;
    },
    /** Images whose assets are to be checked at Scenario (not known deleted), in id order after `afterImageId`. */
    assetsToCheck(afterImageId: number, limit: number): { imageId: number; assetId: string }[] {
      return assetsToCheck.all(afterImageId, limit).map((row) => ({ imageId: row.id, assetId: row.asset_id }));
    },
    /** The state of a generation, or null when it is gone (a change for it has nothing left to send). */
    generationState(generationId: number): string | null {
      return generationState.get(generationId)?.state ?? null;
    },
    /** An imported image's file arrived (written atomically): it is shown from now on. */
    imageStored(imageId: number, file: { relPath: string; bytes: number; sha256: string; width: number; height: number }): void {
      imageStored.run(file.relPath, file.bytes, file.sha256, file.width, file.height, imageId);
    },
    importedCount(): number {
      return importedCount.get()?.count ?? 0;
    },
    /** Images of imported generations whose files are not here yet, in id order. */
    missingImportedImages(afterId: number, limit: number): ImportedImageRef[] {
      return missingImported.all(afterId, limit).map(toImportedImageRef);
    },
    /** Images of imported generations with neither their file nor a thumbnail here yet, in id order (a trashed generation's files are in the trash's folder: left out). */
    importedWithoutThumbnail(afterId: number, limit: number): ImportedImageRef[] {
      return importedWithoutThumbnail.all(afterId, limit).map(toImportedImageRef);
    },
  };
}

/** An imported generation's image whose file (or thumbnail) is still to come from Scenario. */
export interface ImportedImageRef {
  id: number;
  generationId: number;
  assetId: string;
  idx: number;
  relPath: string;
}

function toImportedImageRef(row: { id: number; generation_id: number; asset_id: string; idx: number; rel_path: string }): ImportedImageRef {
  return { id: row.id, generationId: row.generation_id, assetId: row.asset_id, idx: row.idx, relPath: row.rel_path };
}

export type SyncRepository = ReturnType<typeof createSyncRepository>;
