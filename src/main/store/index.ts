import { defaultBackupDir, takeBackup } from './backups';
import type { StoreContext } from './context';
import { closeDatabase, openDatabase } from './database';
import { createGallery } from './gallery';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';
import { createBudgetRepository } from './repositories/budget';
import { createDetectionsRepository } from './repositories/detections';
import { createFoldersRepository } from './repositories/folders';
import { createGenerationsRepository } from './repositories/generations';
import { createImagesRepository } from './repositories/images';
import { createInputEventsRepository } from './repositories/input-events';
import { createInputsRepository } from './repositories/inputs';
import { createModelInputsRepository } from './repositories/model-inputs';
import { createModelsCacheRepository } from './repositories/models';
import { createOrganiseRepository } from './repositories/organise';
import { createPresetsRepository } from './repositories/presets';
import { createSettingsRepository } from './repositories/settings';
import { createSyncRepository } from './repositories/sync';
import { createTrashRepository } from './repositories/trash';

export interface StoreOptions {
  /** The SQLite file; created (with its folder) when absent. */
  file: string;
  /** Where automatic copies go before a migration; defaults to `backups/` beside the file. */
  backupDir?: string;
  /** The clock for every timestamp the store writes (tests pass a fake one). */
  now?: () => number;
  /** False for a connection beside the library's session (see OpenDatabaseOptions.session). Default true. */
  session?: boolean;
  /** Reads only: every write is refused; never the session (see OpenDatabaseOptions.readOnly). */
  readOnly?: boolean;
}

/**
 * Opens the history database, migrating it if needed. Throws StoreError 'newer-version' or
 * 'corrupt' (the UI offers listBackups/restoreBackup for the latter).
 */
export function openStore(options: StoreOptions) {
  const now = options.now ?? Date.now;
  const backupDir = options.backupDir ?? defaultBackupDir(options.file);
  const session = options.session !== false && options.readOnly !== true;
  const { db, previousVersion, backupPath } = openDatabase({ file: options.file, backupDir, migrations, now, session, readOnly: options.readOnly === true });
  const context: StoreContext = { db, now };
  const gallery = createGallery(context);
  return {
    file: options.file,
    backupDir,
    schemaVersion: LATEST_SCHEMA_VERSION,
    /** The schema version the file had before this open (0 when it was just created). */
    previousVersion,
    /** The automatic copy this open took before migrating, if any. */
    migrationBackupPath: backupPath,
    presets: createPresetsRepository(context),
    folders: createFoldersRepository(context),
    inputs: createInputsRepository(context),
    inputEvents: createInputEventsRepository(context),
    detections: createDetectionsRepository(context),
    generations: createGenerationsRepository(context),
    images: createImagesRepository(context),
    organise: createOrganiseRepository(context),
    trash: createTrashRepository(context),
    budget: createBudgetRepository(context),
    settings: createSettingsRepository(context),
    models: createModelsCacheRepository(context),
    sync: createSyncRepository(context),
    modelInputs: createModelInputsRepository(context),
    galleryPage: gallery.galleryPage,
    facetCounts: gallery.facetCounts,
    generationDetail: gallery.generationDetail,
    /** Runs `work` in one transaction (nested calls become savepoints). */
    transaction<T>(work: () => T): T {
      return db.transaction(work)();
    },
    /** A consistent copy now (e.g. before a risky bulk operation); returns its path. */
    backupNow(): string {
      return takeBackup(db, options.file, backupDir, LATEST_SCHEMA_VERSION, now());
    },
    /** SQLite's full integrity check, for a "verify library" action; [] when sound. */
    checkIntegrity(): string[] {
      const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
      return problems.map((row) => row.integrity_check).filter((problem) => problem !== 'ok');
    },
    close(): void {
      closeDatabase(db, options.file, { session });
    },
  };
}

export type Store = ReturnType<typeof openStore>;

export { StoreError } from './errors';
export type { DuplicateEvent } from './repositories/input-events';
export type { StoreErrorCode } from './errors';
export { PRESETS_EXPORT_FORMAT } from './repositories/presets';
export { listBackups, restoreBackup, defaultBackupDir } from './backups';
export type { BackupInfo, RestoreResult } from './backups';
export { ALLOWED_TRANSITIONS, RESUMABLE_STATES, TERMINAL_STATES } from './states';
export { LATEST_SCHEMA_VERSION } from './migrations';
export { toMatchExpression } from './search';
export { DEFAULT_FOLDER_OPTIONS } from './repositories/folders';
export type { PresetDraft, PresetExport, PresetImportResult, PresetImportOutcome } from './repositories/presets';
export type { InputDraft } from './repositories/inputs';
export type { Detection, DetectionPatch } from './repositories/detections';
export type { GenerationDraft, TransitionPatch } from './repositories/generations';
export type { ImageDraft, ImageFileRecord } from './repositories/images';
export type { TrashBatch, TrashCounts, PurgeResult } from './repositories/trash';
export type { CachedModel } from './repositories/models';
export { FAVOURITE_TAG, IMPORTED_PRESET_NAME } from './repositories/sync';
export type { ImportedGenerationDraft, ImportedImage, ImportedImageRef, ImportedPreset, StagedJob, SyncRepository, TagChange } from './repositories/sync';
export * from './types';
