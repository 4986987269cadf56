import { useEffect, useState } from 'react';
import type { EventPayload } from '../../shared/ipc/contract';
import { SYNC_PHASE_WORDS } from '../../shared/sync-phases';
import { useApi } from '../stores';

/** The team's history coming in from Scenario: one line while it runs, nothing otherwise. */
export function SyncLine() {
  const api = useApi();
  const [progress, setProgress] = useState<EventPayload<'sync.progress'>>(null);
  useEffect(() => api.on('sync.progress', setProgress), [api]);
  if (progress === null) return null;
  const words = (SYNC_PHASE_WORDS as Readonly<Record<string, string>>)[progress.phase] ?? progress.phase;
  const count = progress.total === null ? progress.done.toLocaleString() : `${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}`;
  return (
    <p className="sync-line muted" role="status" data-testid="sync-line">
      {`Team history: ${words} ${count}`}
    </p>
  );
}
