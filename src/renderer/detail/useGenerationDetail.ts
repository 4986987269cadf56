import { useCallback, useEffect, useState } from 'react';
import type { GenerationDetail } from '../../shared/ipc/contract';
import { userMessageOf } from '../common/errors';
import { useApi } from '../stores';

export type DetailLoad = { detail: GenerationDetail | null; error: string | null };

/** The full record of one generation, fetched when the id changes (or `refreshKey` does, or on `reload`). */
export function useGenerationDetail(id: string | null, refreshKey: unknown = null): DetailLoad & { reload: () => void } {
  const api = useApi();
  const [load, setLoad] = useState<DetailLoad & { id: string | null }>({ id: null, detail: null, error: null });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  useEffect(() => {
    if (!id) return;
    let current = true;
    api.generations
      .detail({ id })
      .then((detail) => current && setLoad({ id, detail, error: null }))
      .catch((error: unknown) => current && setLoad({ id, detail: null, error: userMessageOf(error) }));
    return () => {
      current = false;
    };
  }, [api, id, refreshKey, reloads]);
  return load.id === id ? { ...load, reload } : { detail: null, error: null, reload };
}
