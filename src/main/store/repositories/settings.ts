import type { StoreContext } from '../context';

/** Key → JSON value. Never a place for the API secret: that lives in the OS keychain. */
export function createSettingsRepository({ db, now }: StoreContext) {
  const read = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?');
  const write = db.prepare<[string, string, number], never>(`
    INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`);

  return {
    /** undefined when never set; parse the value with the owner's schema. */
    get(key: string): unknown {
      const row = read.get(key);
      return row ? (JSON.parse(row.value_json) as unknown) : undefined;
    },
    set(key: string, value: unknown): void {
      write.run(key, JSON.stringify(value), now());
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
