import type { StoreContext } from '../context';

export interface CachedModel {
  modelId: string;
  /** The model as GET /models returned it; parse with the API client's schema. */
  model: unknown;
  fetchedAt: number;
}

interface CachedModelRow {
  model_id: string;
  model_json: string;
  fetched_at: number;
}

function toCachedModel(row: CachedModelRow): CachedModel {
  return { modelId: row.model_id, model: JSON.parse(row.model_json) as unknown, fetchedAt: row.fetched_at };
}

/** The last model list seen, so the model picker works offline. */
export function createModelsCacheRepository({ db, now }: StoreContext) {
  const upsert = db.prepare<[string, string, number], never>(`
    INSERT INTO models_cache (model_id, model_json, fetched_at) VALUES (?, ?, ?)
    ON CONFLICT (model_id) DO UPDATE SET model_json = excluded.model_json, fetched_at = excluded.fetched_at`);
  const clear = db.prepare<[], never>('DELETE FROM models_cache');
  const byId = db.prepare<[string], CachedModelRow>('SELECT * FROM models_cache WHERE model_id = ?');
  const all = db.prepare<[], CachedModelRow>('SELECT * FROM models_cache ORDER BY model_id');
  const newest = db.prepare<[], { fetched_at: number | null }>('SELECT max(fetched_at) AS fetched_at FROM models_cache');

  return {
    put(modelId: string, model: unknown): void {
      upsert.run(modelId, JSON.stringify(model), now());
    },
    /** A complete fresh listing replaces the cache, so models deleted upstream disappear. */
    replaceAll: db.transaction((models: readonly { modelId: string; model: unknown }[]): void => {
      clear.run();
      const at = now();
      for (const { modelId, model } of models) upsert.run(modelId, JSON.stringify(model), at);
    }),
    get(modelId: string): CachedModel | null {
      const row = byId.get(modelId);
      return row ? toCachedModel(row) : null;
    },
    list(): CachedModel[] {
      return all.all().map(toCachedModel);
    },
    /** When the newest cached entry was fetched; null for an empty cache. */
    lastFetchedAt(): number | null {
      return newest.get()?.fetched_at ?? null;
    },
  };
}

export type ModelsCacheRepository = ReturnType<typeof createModelsCacheRepository>;
