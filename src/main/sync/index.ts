/** One history for a whole team: import from Scenario's shared jobs and assets, tags and collections both ways. */
export { syncTeamHistory, type SyncOptions, type SyncPhase, type SyncProgress, type SyncReport } from './sync';
export { importedPresetOf, readImportedParameters, type ImportedParameters } from './parameters';
export { SyncError, type SyncErrorCode } from './errors';
export { startBackgroundSync, type BackgroundSyncOptions } from './background';
