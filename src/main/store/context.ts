import type Database from 'better-sqlite3';

/** What every repository is built from. */
export interface StoreContext {
  db: Database.Database;
  now: () => number;
}

/**
 * `x IN (SELECT value FROM json_each(?))` takes any number of values as one parameter, so callers
 * never meet SQLite's bound-variable limit. Pass the result of `jsonList(values)`.
 */
export const IN_LIST = 'IN (SELECT value FROM json_each(?))';

export function jsonList(values: readonly (number | string)[]): string {
  return JSON.stringify(values);
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
