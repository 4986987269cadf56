import { useRef } from 'react';
import type { PngRecall } from '../../shared/ipc/contract';
import { useAppStore, useGallery, usePresets } from '../stores';
import { draftFromParameters } from './presetDraft';
import { useDialog } from './useDialog';

/**
 * The settings read back from a PNG this app made: open the generation it came from, or turn
 * them into a new preset.
 */
export function RecalledSettings({ fileName, recall, onClose }: { fileName: string; recall: PngRecall; onClose: () => void }) {
  const startNewPreset = usePresets((state) => state.startNew);
  const openDetail = useGallery((state) => state.openDetail);
  const show = useAppStore((state) => state.show);
  const { parameters, generationId } = recall;
  const dialog = useRef<HTMLDivElement>(null);
  useDialog(dialog, onClose);

  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="recall-title" ref={dialog}>
        <h2 id="recall-title">{`Parameters in ${fileName}`}</h2>
        {parameters ? (
          <pre className="json" data-testid="recalled-parameters">{JSON.stringify(parameters, null, 2)}</pre>
        ) : (
          <p className="muted">This PNG carries no parameters from this app.</p>
        )}
        <div className="button-row">
          {parameters && (
            <button
              type="button"
              className="button primary"
              onClick={() => {
                startNewPreset(draftFromParameters(parameters, fileName.replace(/\.png$/i, '')));
                onClose();
              }}
            >
              Use as preset
            </button>
          )}
          {generationId && (
            <button
              type="button"
              className="button"
              onClick={() => {
                show('gallery');
                openDetail(generationId);
                onClose();
              }}
            >
              Open its generation
            </button>
          )}
          <button type="button" className="button ghost" onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
