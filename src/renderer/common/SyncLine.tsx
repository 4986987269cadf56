import { useEffect, useState } from 'react';
import type { EventPayload } from '../../shared/ipc/contract';
import { useApi } from '../stores';

const PHASES: Readonly<Record<string, string>> = {
  sending: 'sending tag changes',
  collections: 'reading collections',
  listing: 'listing jobs',
  importing: 'importing',
  changes: 'reading tag changes',
  images: 'downloading images',
};

/** The team's history coming in from Scenario: one line while it runs, nothing otherwise. */
export function SyncLine() {
  const api = useApi();
  const [progress, setProgress] = useState<EventPayload<'sync.progress'>>(null);
  useEffect(() => api.on('sync.progress', setProgress), [api]);
  if (progress === null) return null;
  const words = PHASES[progress.phase] ?? progress.phase;
  const count = progress.total === null ? progress.done.toLocaleString() : `${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}`;
  return (
    <p className="sync-line muted" role="status" data-testid="sync-line">
      {`Team history: ${words} ${count}`}
    </p>
  );
}
