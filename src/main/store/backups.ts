import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StoreError, isCorruptionError } from './errors';

/** An automatic copy of the history database, taken before a migration changed it. */
export interface BackupInfo {
  path: string;
  /** The schema version the copy is at: restoring it runs the migrations again. */
  schemaVersion: number;
  createdAt: number;
  bytes: number;
}

export interface RestoreResult {
  restoredFrom: string;
  /** Where the replaced (damaged) file now lives, or null when there was none. */
  movedAsideTo: string | null;
}

/** Older automatic copies are deleted beyond this many: each is a full copy of the history. */
const AUTOMATIC_BACKUPS_KEPT = 5;
const BACKUP_NAME = /^(.+)-v(\d+)-(\d{8}T\d{9}Z)\.sqlite$/;

export function defaultBackupDir(file: string): string {
  return join(dirname(file), 'backups');
}

/** Sortable, file-name-safe UTC time: 20250102T030405678Z. */
function stamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): number {
  const [, y, mo, d, h, mi, s, ms] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(text) ?? [];
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
}

function databaseBaseName(file: string): string {
  return basename(file, extname(file));
}

/**
 * Copies the open database into backupDir with VACUUM INTO (a consistent snapshot even with a
 * WAL, compacted), written under a temporary name and renamed so a half-written copy never
 * looks like a backup. Keeps the newest few copies of this database.
 */
export function takeBackup(db: Database.Database, file: string, backupDir: string, schemaVersion: number, now: number): string {
  mkdirSync(backupDir, { recursive: true });
  const target = join(backupDir, `${databaseBaseName(file)}-v${schemaVersion}-${stamp(now)}.sqlite`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  db.prepare('VACUUM INTO ?').run(partial);
  renameSync(partial, target);
  const ofThisDatabase = listBackups(backupDir).filter((backup) => BACKUP_NAME.exec(basename(backup.path))?.[1] === databaseBaseName(file));
  for (const old of ofThisDatabase.slice(AUTOMATIC_BACKUPS_KEPT)) rmSync(old.path, { force: true });
  return target;
}

/** Automatic copies in backupDir, newest first. */
export function listBackups(backupDir: string): BackupInfo[] {
  if (!existsSync(backupDir)) return [];
  const backups: BackupInfo[] = [];
  for (const name of readdirSync(backupDir)) {
    const match = BACKUP_NAME.exec(name);
    if (!match) continue;
    const path = join(backupDir, name);
    backups.push({ path, schemaVersion: Number(match[2]), createdAt: parseStamp(match[3] ?? ''), bytes: statSync(path).size });
  }
  return backups.sort((a, b) => b.createdAt - a.createdAt || b.path.localeCompare(a.path));
}

/**
 * Opens read-only and throws (SQLITE_NOTADB / SQLITE_CORRUPT) unless the bytes look like a sound
 * database; returns its schema version. The light check reads the header, the schema and the
 * root page of every table, which catches a foreign file, truncation and overwritten regions in
 * milliseconds. `thorough` adds SQLite's quick_check, which reads every page: seconds on a large
 * history, so it is kept for when the last session did not close cleanly.
 */
export function assertSoundDatabase(file: string, options: { thorough: boolean }): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")
      .pluck()
      .all();
    for (const table of tables) db.prepare(`SELECT 1 FROM "${table.replaceAll('"', '""')}" LIMIT 1`).get();
    if (options.thorough) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    }
    return version;
  } finally {
    db?.close();
  }
}

/**
 * Replaces `file` by a copy of `backupPath`. Call it with the store closed. The current file
 * (and its -wal/-shm companions) is renamed aside, never overwritten, so nothing is lost if the
 * person changes their mind.
 */
export function restoreBackup(backupPath: string, file: string, now = Date.now()): RestoreResult {
  try {
    assertSoundDatabase(backupPath, { thorough: true });
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    throw new StoreError('corrupt', 'This automatic copy is damaged too. Choose an older copy.', { cause: error, detail: backupPath });
  }
  let movedAsideTo: string | null = null;
  if (existsSync(file)) {
    movedAsideTo = `${file}.damaged-${stamp(now)}`;
    renameSync(file, movedAsideTo);
  }
  for (const companion of ['-wal', '-shm']) {
    if (existsSync(file + companion)) renameSync(file + companion, (movedAsideTo ?? `${file}.damaged-${stamp(now)}`) + companion);
  }
  const partial = `${file}.restoring`;
  copyFileSync(backupPath, partial);
  renameSync(partial, file);
  return { restoredFrom: backupPath, movedAsideTo };
}
