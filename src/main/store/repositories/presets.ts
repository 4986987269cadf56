import { z } from 'zod';
import type { StoreContext } from '../context';
import { isUniqueViolation } from '../context';
import { StoreError } from '../errors';
import { toFirstImage, toPresetVersion } from '../rows';
import type { FirstImageColumns, PresetVersionRow } from '../rows';
import type { GalleryImage, GenerationKind, GenerationState, Preset, PresetVersion } from '../types';

export interface PresetDraft {
  name: string;
  /** The model family the preset targets (sd-1_5, sd-xl, flux...). */
  family: string;
  /** The preset document; validated by src/shared/preset before it gets here. */
  preset: unknown;
}

/** A generation made with one preset version, as the version's history lists it. */
export interface PresetVersionUse {
  id: number;
  kind: GenerationKind;
  state: GenerationState;
  seed: string | null;
  createdAt: number;
  inputFileName: string;
  /** The first output, or null while none exists. */
  firstImage: GalleryImage | null;
}

interface PresetVersionUseRow extends FirstImageColumns {
  id: number;
  kind: GenerationKind;
  state: GenerationState;
  seed: string | null;
  created_at: number;
  file_name: string;
}

function toPresetVersionUse(row: PresetVersionUseRow): PresetVersionUse {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    seed: row.seed,
    createdAt: row.created_at,
    inputFileName: row.file_name,
    firstImage: toFirstImage(row),
  };
}

export type PresetImportOutcome = 'created' | 'renamed' | 'unchanged';

export interface PresetImportResult {
  presetId: number;
  name: string;
  outcome: PresetImportOutcome;
}

/** The `format` of a presets export file (`presets export`, the window's Export). */
export const PRESETS_EXPORT_FORMAT = 'scenario-hotfolder/presets';

const presetExportSchema = z.object({
  format: z.literal(PRESETS_EXPORT_FORMAT),
  formatVersion: z.literal(1),
  presets: z.array(z.object({ name: z.string().trim().min(1), family: z.string().min(1), preset: z.unknown() })),
});

export type PresetExport = z.infer<typeof presetExportSchema> & { exportedAt: string };

interface PresetRow {
  id: number;
  name: string;
  created_at: number;
  archived_at: number | null;
}

/** The latest version of each preset is its current one. */
const PRESET_WITH_CURRENT = `
  SELECT p.id, p.name, p.created_at, p.archived_at,
         v.id AS v_id, v.preset_id AS v_preset_id, v.version AS v_version, v.name AS v_name, v.family AS v_family,
         v.preset_json AS v_preset_json, v.created_at AS v_created_at,
         v.dry_run_cost_cu AS v_dry_run_cost_cu, v.dry_run_checked_at AS v_dry_run_checked_at
  FROM presets p
  JOIN preset_versions v ON v.preset_id = p.id
   AND v.version = (SELECT max(version) FROM preset_versions WHERE preset_id = p.id)`;

type PresetWithCurrentRow = PresetRow & { [K in keyof PresetVersionRow as `v_${K}`]: PresetVersionRow[K] };

function toPreset(row: PresetWithCurrentRow): Preset {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    archivedAt: row.archived_at,
    currentVersion: toPresetVersion({
      id: row.v_id,
      preset_id: row.v_preset_id,
      version: row.v_version,
      name: row.v_name,
      family: row.v_family,
      preset_json: row.v_preset_json,
      created_at: row.v_created_at,
      dry_run_cost_cu: row.v_dry_run_cost_cu,
      dry_run_checked_at: row.v_dry_run_checked_at,
    }),
  };
}

function nameTaken(name: string, cause: unknown): StoreError {
  return new StoreError('name-taken', `A preset named "${name}" already exists. Choose another name.`, { cause });
}

export function createPresetsRepository({ db, now }: StoreContext) {
  const insertPreset = db.prepare<[string, number], never>('INSERT INTO presets (name, created_at) VALUES (?, ?)');
  const insertVersion = db.prepare<[number, number, string, string, string, number], never>(
    'INSERT INTO preset_versions (preset_id, version, name, family, preset_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[number], PresetWithCurrentRow>(`${PRESET_WITH_CURRENT} WHERE p.id = ?`);
  const byLiveName = db.prepare<[string], PresetWithCurrentRow>(
    `${PRESET_WITH_CURRENT} WHERE p.name = ? COLLATE NOCASE AND p.archived_at IS NULL`,
  );
  const listLive = db.prepare<[], PresetWithCurrentRow>(`${PRESET_WITH_CURRENT} WHERE p.archived_at IS NULL ORDER BY p.name COLLATE NOCASE`);
  const listAll = db.prepare<[], PresetWithCurrentRow>(`${PRESET_WITH_CURRENT} ORDER BY p.archived_at IS NOT NULL, p.name COLLATE NOCASE`);
  const versionsOf = db.prepare<[number], PresetVersionRow>('SELECT * FROM preset_versions WHERE preset_id = ? ORDER BY version DESC');
  const versionById = db.prepare<[number], PresetVersionRow>('SELECT * FROM preset_versions WHERE id = ?');
  const versionByNumber = db.prepare<[number, number], PresetVersionRow>('SELECT * FROM preset_versions WHERE preset_id = ? AND version = ?');
  // Trashed generations do not count: the history shows what the library holds.
  const liveUseCounts = db.prepare<[number], { version_id: number; count: number }>(`
    SELECT g.preset_version_id AS version_id, count(*) AS count
    FROM generations g
    WHERE g.preset_version_id IN (SELECT id FROM preset_versions WHERE preset_id = ?) AND g.deleted_at IS NULL
    GROUP BY g.preset_version_id`);
  // Newest first through generations_by_preset_version; the first image as the gallery picks it.
  const liveUsesOf = db.prepare<[number, number], PresetVersionUseRow>(`
    SELECT g.id, g.kind, g.state, g.seed, g.created_at, i.file_name,
           fi.id AS image_id, fi.rel_path AS image_rel_path, fi.thumb_rel_path AS image_thumb_rel_path,
           fi.missing AS image_missing, fi.width AS image_width, fi.height AS image_height
    FROM generations g
    JOIN inputs i ON i.id = g.input_id
    LEFT JOIN images fi ON fi.id = (SELECT id FROM images WHERE generation_id = g.id ORDER BY idx LIMIT 1)
    WHERE g.preset_version_id = ? AND g.deleted_at IS NULL
    ORDER BY g.created_at DESC, g.id DESC
    LIMIT ?`);
  const rename = db.prepare<[string, number], never>('UPDATE presets SET name = ? WHERE id = ?');
  const archiveStatement = db.prepare<[number, number], never>('UPDATE presets SET archived_at = ? WHERE id = ? AND archived_at IS NULL');
  const unlinkFolders = db.prepare<[number], never>('DELETE FROM folder_presets WHERE preset_id = ?');
  const setCost = db.prepare<[number, number, number], never>(
    'UPDATE preset_versions SET dry_run_cost_cu = ?, dry_run_checked_at = ? WHERE id = ?',
  );

  function get(id: number): Preset | null {
    const row = byId.get(id);
    return row ? toPreset(row) : null;
  }

  function require(id: number): Preset {
    const preset = get(id);
    if (!preset) throw new StoreError('not-found', 'This preset no longer exists.', { detail: `preset ${id}` });
    return preset;
  }

  const create = db.transaction((draft: PresetDraft): Preset => {
    const at = now();
    try {
      const presetId = Number(insertPreset.run(draft.name, at).lastInsertRowid);
      insertVersion.run(presetId, 1, draft.name, draft.family, JSON.stringify(draft.preset), at);
      return require(presetId);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(draft.name, error);
      throw error;
    }
  });

  /** Saves an edit as a new version; an edit that changes nothing creates no version. */
  const update = db.transaction((id: number, draft: PresetDraft): Preset => {
    const current = require(id);
    if (current.archivedAt !== null) throw new StoreError('invalid-argument', 'An archived preset cannot be edited. Duplicate it instead.');
    const presetJson = JSON.stringify(draft.preset);
    const unchanged =
      draft.name === current.name &&
      draft.family === current.currentVersion.family &&
      presetJson === JSON.stringify(current.currentVersion.preset);
    if (unchanged) return current;
    try {
      if (draft.name !== current.name) rename.run(draft.name, id);
      insertVersion.run(id, current.currentVersion.version + 1, draft.name, draft.family, presetJson, now());
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(draft.name, error);
      throw error;
    }
    return require(id);
  });

  /** Hides the preset and unbinds it from folders; generations keep pointing at its versions. */
  const archive = db.transaction((id: number): void => {
    require(id);
    archiveStatement.run(now(), id);
    unlinkFolders.run(id);
  });

  function exportPresets(ids?: readonly number[]): PresetExport {
    const presets = ids ? ids.map(require) : listLive.all().map(toPreset);
    return {
      format: PRESETS_EXPORT_FORMAT,
      formatVersion: 1,
      exportedAt: new Date(now()).toISOString(),
      presets: presets.map((preset) => ({
        name: preset.name,
        family: preset.currentVersion.family,
        preset: preset.currentVersion.preset,
      })),
    };
  }

  function freeName(name: string): string {
    for (let n = 2; ; n += 1) {
      const candidate = `${name} (${n})`;
      if (!byLiveName.get(candidate)) return candidate;
    }
  }

  /** Imports every preset or none. A name clash keeps both: identical content is skipped, different content is renamed. */
  const importPresets = db.transaction((document: unknown): PresetImportResult[] => {
    const parsed = presetExportSchema.safeParse(document);
    if (!parsed.success) {
      throw new StoreError('invalid-import', 'This file is not a preset export from Scenario Hot Folder.', {
        detail: parsed.error.issues[0]?.message,
      });
    }
    return parsed.data.presets.map((entry): PresetImportResult => {
      const existing = byLiveName.get(entry.name);
      if (existing) {
        const same =
          existing.v_family === entry.family && existing.v_preset_json === JSON.stringify(entry.preset);
        if (same) return { presetId: existing.id, name: existing.name, outcome: 'unchanged' };
        const created = create({ name: freeName(entry.name), family: entry.family, preset: entry.preset });
        return { presetId: created.id, name: created.name, outcome: 'renamed' };
      }
      const created = create({ name: entry.name, family: entry.family, preset: entry.preset });
      return { presetId: created.id, name: created.name, outcome: 'created' };
    });
  });

  return {
    create,
    update,
    get,
    getByName(name: string): Preset | null {
      const row = byLiveName.get(name);
      return row ? toPreset(row) : null;
    },
    list(options: { includeArchived?: boolean } = {}): Preset[] {
      return (options.includeArchived ? listAll : listLive).all().map(toPreset);
    },
    versions(presetId: number): PresetVersion[] {
      return versionsOf.all(presetId).map(toPresetVersion);
    },
    getVersion(versionId: number): PresetVersion | null {
      const row = versionById.get(versionId);
      return row ? toPresetVersion(row) : null;
    },
    /** Version `version` (1, 2, 3...) of a preset, archived presets included. */
    versionOf(presetId: number, version: number): PresetVersion | null {
      const row = versionByNumber.get(presetId, version);
      return row ? toPresetVersion(row) : null;
    },
    /** How many live (not trashed) generations each version of the preset made, by version row id. */
    useCounts(presetId: number): Map<number, number> {
      return new Map(liveUseCounts.all(presetId).map((row) => [row.version_id, row.count]));
    },
    /** The newest live generations made with this version row, at most `limit`. */
    usesOf(versionId: number, limit: number): PresetVersionUse[] {
      return liveUsesOf.all(versionId, limit).map(toPresetVersionUse);
    },
    archive,
    /** Caches a dry-run answer for this exact version (a new version has no cost until checked). */
    setDryRunCost(versionId: number, costCu: number): void {
      setCost.run(costCu, now(), versionId);
    },
    exportPresets,
    importPresets,
  };
}

export type PresetsRepository = ReturnType<typeof createPresetsRepository>;
