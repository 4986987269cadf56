import Database from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertSoundDatabase, defaultBackupDir, listBackups, takeBackup } from './backups';
import { StoreError, isCorruptionError } from './errors';
import type { Migration } from './migrations';

export interface OpenDatabaseOptions {
  file: string;
  /** Where automatic copies go before a migration; defaults to `backups/` beside the file. */
  backupDir?: string;
  migrations: readonly Migration[];
  now?: () => number;
  /**
   * This connection is the library's session (the engine that holds the home, or the only user):
   * it verifies every page after an unclean end and marks the session open until it closes. Off
   * for a command beside it (history, status, a preset added while a watcher runs): the session's
   * marker is not its own to act on, so it neither spends seconds verifying a large library the
   * engine is using nor clears the engine's marker when it is done. Default true.
   */
  session?: boolean;
  /** Reads only (after any migration): SQLite refuses every write on this connection. Never a session. */
  readOnly?: boolean;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** The version found on disk before migrating (0 for a new file). */
  previousVersion: number;
  /** The copy taken before migrating, if one was needed. */
  backupPath: string | null;
}

/**
 * Present while a connection is open, removed by a clean close: finding it at the next open
 * means the app crashed or the machine lost power, and only then is every page verified.
 */
export function sessionMarkerPath(file: string): string {
  return `${file}.in-use`;
}

/**
 * Virtual tables' shadow tables (FTS5's generation_search_data, _idx...) keep no planner
 * statistics. FTS5 reaches them by rowid and primary key only, which the planner gets right with
 * no statistics at all; with them, it trusts a row count taken while the index was small (ANALYZE
 * on a new library records generation_search_data as 2 rows) and scans the whole table for every
 * segment FTS5 merges away. That scan was most of the "app-style insert" time once bulk tagging had
 * made merges frequent: ~200 ms per merge at 100,000 generations (0.4 ms with no statistics).
 *
 * The planner keeps the statistics it loaded when the connection opened, so this only takes
 * effect for later connections: call it before closing.
 */
export function forgetShadowTableStatistics(db: Database.Database): number {
  const hasStatistics = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'").get() !== undefined;
  if (!hasStatistics) return 0;
  return db.prepare("DELETE FROM sqlite_stat1 WHERE tbl IN (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow')").run().changes;
}

/**
 * Closes what openDatabase opened; a session also records its clean end and keeps the planner's
 * statistics (a connection beside it leaves that to the session: both write).
 */
export function closeDatabase(db: Database.Database, file: string, { session = true }: { session?: boolean } = {}): void {
  if (session) {
    db.pragma('optimize');
    forgetShadowTableStatistics(db);
  }
  db.close();
  if (session) rmSync(sessionMarkerPath(file), { force: true });
}

function corruptError(file: string, backupDir: string, cause: unknown): StoreError {
  const latest = listBackups(backupDir)[0];
  const offer = latest
    ? `Restore the automatic copy from ${new Date(latest.createdAt).toLocaleString()}; the damaged file will be kept beside it.`
    : 'No automatic copy exists: move the file away to start an empty history, or restore it from your own backup.';
  return new StoreError('corrupt', `The history database is damaged and cannot be opened. ${offer}`, { cause, detail: file });
}

function newerVersionError(file: string, found: number, known: number): StoreError {
  return new StoreError(
    'newer-version',
    'This history was written by a newer version of Scenario Hot Folder. Update the app to open it; the file has not been changed.',
    { detail: `${file}: schema ${found}, this app knows up to ${known}` },
  );
}

function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migration "${migration.name}" must be number ${index + 1}`);
  });
  return migrations.length;
}

/**
 * Opens (creating if needed) the database and brings its schema up to date.
 *
 * Order matters: an existing file is first inspected read-only, because even switching the
 * journal mode writes to the header; a file we must refuse (newer schema, damaged) is
 * therefore left byte-identical.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const { file, migrations } = options;
  const session = options.session !== false && options.readOnly !== true;
  const backupDir = options.backupDir ?? defaultBackupDir(file);
  const now = options.now ?? Date.now;
  const known = latestVersion(migrations);

  if (existsSync(file)) {
    let found: number;
    try {
      found = assertSoundDatabase(file, { thorough: session && existsSync(sessionMarkerPath(file)) });
    } catch (error) {
      if (isCorruptionError(error)) throw corruptError(file, backupDir, error);
      throw error;
    }
    if (found > known) throw newerVersionError(file, found, known);
  } else {
    mkdirSync(dirname(file), { recursive: true });
  }

  let db = connect(file);
  try {
    const previousVersion = db.pragma('user_version', { simple: true }) as number;
    const pending = migrations.filter((migration) => migration.version > previousVersion);
    let backupPath: string | null = null;
    if (pending.length > 0) {
      if (previousVersion > 0) backupPath = takeBackup(db, file, backupDir, previousVersion, now());
      // Off for the table rebuilds (see migrations.ts), checked before committing; the new
      // connection below has them on again.
      db.pragma('foreign_keys = OFF');
      db.transaction(() => {
        for (const migration of pending) migration.up(db);
        const violations = db.pragma('foreign_key_check') as { table: string; parent: string }[];
        if (violations.length > 0) {
          throw new Error(`Migrations left ${violations.length} rows of ${violations[0]!.table} pointing at missing ${violations[0]!.parent} rows`);
        }
        db.pragma(`user_version = ${known}`);
      }).immediate();
      // Fresh statistics for the planner after a schema change, read by a new connection.
      db.pragma('optimize = 0x10002');
      forgetShadowTableStatistics(db);
      db.close();
      db = connect(file);
    }
    if (session) writeFileSync(sessionMarkerPath(file), `${process.pid}\n`);
    if (options.readOnly) db.pragma('query_only = ON');
    return { db, previousVersion, backupPath };
  } catch (error) {
    db.close();
    if (isCorruptionError(error)) throw corruptError(file, backupDir, error);
    throw error;
  }
}

function connect(file: string): Database.Database {
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode syncs at checkpoints, not at every commit: a committed transaction
    // survives an app crash (it is in the WAL, which the OS holds), and a power loss can only
    // drop the last few commits; WAL never leaves the file corrupt. FULL would fsync every
    // state transition of every generation for little gain.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // 32 MiB instead of SQLite's 2 MiB: the gallery's indexes and the FTS index stay in memory.
    db.pragma('cache_size = -32768');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
