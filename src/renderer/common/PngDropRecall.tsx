import { useEffect, useState } from 'react';
import type { PngRecall } from '../../shared/ipc/contract';
import { useApi, useAppStore, useGallery, usePresets } from '../stores';
import { draftFromParameters } from './presetDraft';

/**
 * Drop a PNG made by this app anywhere on the window to read back the parameters embedded in
 * it, open the generation it came from, or turn them into a new preset.
 */
export function PngDropRecall() {
  const api = useApi();
  const reportError = useAppStore((state) => state.reportError);
  const startNewPreset = usePresets((state) => state.startNew);
  const openDetail = useGallery((state) => state.openDetail);
  const show = useAppStore((state) => state.show);
  const [dragging, setDragging] = useState(false);
  const [recall, setRecall] = useState<{ fileName: string; result: PngRecall } | null>(null);

  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = async (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      const file = [...(event.dataTransfer?.files ?? [])].find((candidate) => candidate.type === 'image/png' || candidate.name.toLowerCase().endsWith('.png'));
      if (!file) return reportError({ userMessage: 'Only PNG files carry recallable parameters: drop a PNG made by this app.' });
      try {
        const result = await api.generations.recallFromPng({ bytesBase64: await base64Of(file) });
        setRecall({ fileName: file.name, result });
      } catch (error) {
        reportError(error);
      }
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [api, reportError]);

  return (
    <>
      {dragging && <div className="drop-overlay" aria-hidden="true">Drop a PNG to recall its parameters</div>}
      {recall && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-modal="true" aria-labelledby="recall-title">
            <h2 id="recall-title">{`Parameters in ${recall.fileName}`}</h2>
            {recall.result.parameters ? (
              <pre className="json" data-testid="recalled-parameters">{JSON.stringify(recall.result.parameters, null, 2)}</pre>
            ) : (
              <p className="muted">This PNG carries no parameters from this app.</p>
            )}
            <div className="button-row">
              {recall.result.parameters && (
                <button
                  type="button"
                  className="button primary"
                  onClick={() => {
                    startNewPreset(draftFromParameters(recall.result.parameters ?? {}, recall.fileName.replace(/\.png$/i, '')));
                    setRecall(null);
                  }}
                >
                  Use as preset
                </button>
              )}
              {recall.result.generationId && (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    show('gallery');
                    openDetail(recall.result.generationId);
                    setRecall(null);
                  }}
                >
                  Open its generation
                </button>
              )}
              <button type="button" className="button ghost" onClick={() => setRecall(null)}>Close</button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // Chunks keep String.fromCharCode's argument list within engine limits.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}
