import { useCallback, useEffect, useId, useState } from 'react';
import type { TrashBatch } from '../../shared/ipc/contract';
import { LibraryImage } from '../common/LibraryImage';
import { countOf, dateTime } from '../common/format';
import { useApi, useAppStore, useGallery } from '../stores';

/** "2 generations", "1 image", "1 generation and 3 images": what a batch holds. */
function batchContents(batch: TrashBatch): string {
  // A batch of images names the generations it emptied only as part of those images.
  if (batch.images > 0) return countOf(batch.images, 'image');
  return countOf(batch.generations, 'generation');
}

/**
 * What was moved to the trash, batch by batch (whole generations, or images taken one by one),
 * each restorable; batches older than the saved number of days are deleted for good on request.
 */
export function TrashScreen() {
  const api = useApi();
  const { toast, reportError } = useAppStore((state) => ({ toast: state.toast, reportError: state.reportError }));
  const reloadGallery = useGallery((state) => state.reload);
  const [batches, setBatches] = useState<TrashBatch[] | null>(null);
  const [retention, setRetention] = useState<number | null>(null);
  const [days, setDays] = useState('');
  const daysId = useId();

  const load = useCallback(async () => {
    try {
      const listed = await api.trash.list();
      setBatches(listed.batches);
      setRetention(listed.retentionDays);
      setDays((current) => current || String(listed.retentionDays));
    } catch (error) {
      reportError(error);
    }
  }, [api, reportError]);
  useEffect(() => {
    void load();
  }, [load]);

  const restore = async (batch: TrashBatch) => {
    try {
      const { restored } = await api.generations.undoTrash({ batchId: batch.id });
      toast({ message: `Restored ${batch.images > 0 ? countOf(restored, 'image') : countOf(restored, 'generation')}.`, tone: 'info' });
      await Promise.all([load(), reloadGallery()]);
    } catch (error) {
      reportError(error);
    }
  };

  const wantedDays = Number(days);
  const daysValid = Number.isInteger(wantedDays) && wantedDays >= 1 && wantedDays <= 3650;
  const emptyOld = async () => {
    try {
      if (wantedDays !== retention) setRetention((await api.trash.setRetention({ days: wantedDays })).retentionDays);
      const deleted = await api.trash.empty({ olderThanDays: wantedDays });
      toast({ message: deleted.generations + deleted.images === 0 ? `Nothing in the trash is older than ${countOf(wantedDays, 'day')}.` : `Deleted ${countOf(deleted.generations, 'generation')} and ${countOf(deleted.images, 'image')} for good.`, tone: 'info' });
      await load();
    } catch (error) {
      reportError(error);
    }
  };

  return (
    <section className="screen-body trash" aria-label="Trash">
      <header className="screen-header">
        <h1>Trash</h1>
        <span className="muted">{batches ? countOf(batches.length, 'batch', 'batches') : ''}</span>
      </header>
      <form
        className="inline-form trash-retention"
        onSubmit={(event) => {
          event.preventDefault();
          if (daysValid) void emptyOld();
        }}
      >
        <label htmlFor={daysId}>Empty batches older than</label>
        <input id={daysId} type="number" min={1} max={3650} value={days} onChange={(event) => setDays(event.target.value)} aria-invalid={!daysValid} aria-describedby={`${daysId}-hint`} />
        <span className="muted">days</span>
        <button type="submit" className="button danger" disabled={!daysValid}>Empty old batches</button>
        <span className="hint" id={`${daysId}-hint`}>{daysValid ? 'This number is kept for next time. Deleted batches cannot be restored.' : 'Enter a whole number of days from 1 to 3650.'}</span>
      </form>
      {batches === null ? (
        <p className="muted">Loading the trash…</p>
      ) : batches.length === 0 ? (
        <p className="muted">The trash is empty. What you move to the trash waits here until it is emptied.</p>
      ) : (
        <ul className="trash-list" aria-label="Trash batches">
          {batches.map((batch) => (
            <li key={batch.id} className="trash-batch" data-testid="trash-batch" data-batch-id={batch.id}>
              <div className="trash-previews" aria-hidden="true">
                {batch.previews.map((relPath) => (
                  <LibraryImage key={relPath} relPath={relPath} alt="" className="trash-preview" />
                ))}
              </div>
              <div className="trash-batch-body">
                <strong>{batchContents(batch)}</strong>
                <span className="muted">{`${batch.images > 0 ? 'Single images' : 'Whole generations'} · moved ${dateTime(batch.createdAt)}`}</span>
              </div>
              <button type="button" className="button" onClick={() => void restore(batch)} aria-label={`Restore ${batchContents(batch)} moved ${dateTime(batch.createdAt)}`}>
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
