import { useEffect, useId, useRef, useState } from 'react';
import { MAX_FILES_PER_GENERATE_CALL, type PngRecall } from '../../shared/ipc/contract';
import { useApi, useAppStore, usePresets, useSettings } from '../stores';
import { isEmptyDrop, readDrop, type DropPlan, type SkippedDrop } from './droppedFiles';
import { countOf } from './format';
import { RecalledSettings } from './RecalledSettings';
import { useDialog } from './useDialog';

type View =
  | { kind: 'plan'; plan: DropPlan; dropNumber: number }
  | { kind: 'recall'; fileName: string; recall: PngRecall }
  | null;

/**
 * Files dropped anywhere on the window: images are generated once each with a chosen preset, a
 * folder is watched with it, and a PNG made by this app can have its settings recalled.
 */
export function WindowDrop() {
  const api = useApi();
  const [dragging, setDragging] = useState(false);
  const [view, setView] = useState<View>(null);

  useEffect(() => {
    let drops = 0;
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      // Without this the drop would navigate the window to the file.
      event.preventDefault();
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      setDragging(false);
      // A DataTransfer is readable only during its drop event: sort it now, ask questions later.
      const plan = readDrop(event.dataTransfer, (file) => api.pathForFile(file));
      drops += 1;
      if (!isEmptyDrop(plan)) setView({ kind: 'plan', plan, dropNumber: drops });
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [api]);

  const close = () => setView(null);
  return (
    <>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop images to generate, a folder to watch it, or a PNG from this app to recall its settings
        </div>
      )}
      {view?.kind === 'plan' && (
        <DropDialog
          key={view.dropNumber}
          plan={view.plan}
          onRecall={(fileName, recall) => setView({ kind: 'recall', fileName, recall })}
          onClose={close}
        />
      )}
      {view?.kind === 'recall' && <RecalledSettings fileName={view.fileName} recall={view.recall} onClose={close} />}
    </>
  );
}

function DropDialog({ plan, onRecall, onClose }: { plan: DropPlan; onRecall: (fileName: string, recall: PngRecall) => void; onClose: () => void }) {
  const api = useApi();
  const { presets, loadPresets } = usePresets((state) => ({ presets: state.list, loadPresets: state.load }));
  const { toast, show, reportError } = useAppStore((state) => ({ toast: state.toast, show: state.show, reportError: state.reportError }));
  const addFolder = useSettings((state) => state.addFolder);
  const [chosenPresetId, setChosenPresetId] = useState<string | null>(null);
  const [recursive, setRecursive] = useState(false);
  const [working, setWorking] = useState(false);
  /** What the engine did not take, once the work is done; the dialog stays open to list it. */
  const [notTaken, setNotTaken] = useState<SkippedDrop[] | null>(null);
  const { png } = plan;
  const recall = useAppPngRecall(png);
  const presetSelectId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  useDialog(dialog, onClose);

  useEffect(() => {
    void loadPresets();
  }, [loadPresets]);

  const preset = presets.find((candidate) => candidate.id === chosenPresetId) ?? presets[0] ?? null;
  const hasWork = plan.images.length > 0 || plan.folders.length > 0;
  const skipped = notTaken === null ? plan.skipped : [...plan.skipped, ...notTaken];

  async function start() {
    if (preset === null) return;
    setWorking(true);
    const nameOfPath = new Map(plan.images.map((image) => [image.path, image.name]));
    const refused: SkippedDrop[] = [];
    let queued = 0;
    try {
      const paths = plan.images.map((image) => image.path);
      for (let start = 0; start < paths.length; start += MAX_FILES_PER_GENERATE_CALL) {
        const result = await api.generations.generateFromFiles({ paths: paths.slice(start, start + MAX_FILES_PER_GENERATE_CALL), presetId: preset.id });
        queued += result.generationIds.length;
        refused.push(...result.skipped.map(({ path, reason }) => ({ name: nameOfPath.get(path) ?? path, reason })));
      }
    } catch (error) {
      reportError(error);
      setWorking(false);
      return;
    }
    const watched: string[] = [];
    for (const folder of plan.folders) {
      // The settings store keeps its folder list current; a refusal (not a folder, already watched) is said here.
      const failure = await addFolder({ path: folder.path, presetIds: [preset.id], options: { recursive } });
      if (failure) toast({ message: failure.message, tone: 'error' });
      else watched.push(folder.path);
    }
    const done = [
      queued > 0 ? `Queued ${countOf(queued, 'generation')} with “${preset.name}”.` : null,
      watched.length > 0 ? `Watching ${watched.join(', ')} with “${preset.name}”.` : null,
    ].filter((sentence) => sentence !== null);
    if (done.length > 0) {
      toast({ message: done.join(' '), tone: 'info', ...(queued > 0 ? { action: { label: 'Show queue', run: () => show('queue') } } : {}) });
    }
    setWorking(false);
    if (refused.length > 0) setNotTaken(refused);
    else onClose();
  }

  const actionLabel = [
    plan.images.length > 0 ? `Generate ${countOf(plan.images.length, 'image')}` : null,
    plan.folders.length > 0 ? `watch ${countOf(plan.folders.length, 'folder')}` : null,
  ]
    .filter((part) => part !== null)
    .join(' and ');

  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="drop-title" ref={dialog}>
        <h2 id="drop-title">{notTaken === null ? 'Dropped files' : 'Some files were not taken'}</h2>
        {hasWork && notTaken === null && (
          <>
            {presets.length > 0 ? (
              <div className="field">
                <label htmlFor={presetSelectId}>Preset</label>
                <select id={presetSelectId} value={preset?.id ?? ''} onChange={(event) => setChosenPresetId(event.target.value)}>
                  {presets.map((candidate) => (
                    <option key={candidate.id} value={candidate.id}>{candidate.name}</option>
                  ))}
                </select>
              </div>
            ) : (
              <p className="muted">
                {'Generating needs a preset. '}
                <button
                  type="button"
                  className="button small"
                  onClick={() => {
                    show('presets');
                    onClose();
                  }}
                >
                  Make a preset
                </button>
              </p>
            )}
            {plan.images.length > 0 && (
              <DropList title={`${countOf(plan.images.length, 'image')} to generate once each`} testId="drop-images" lines={plan.images.map((image) => image.name)} />
            )}
            {plan.folders.length > 0 && (
              <>
                <DropList title={`${countOf(plan.folders.length, 'folder')} to watch`} testId="drop-folders" lines={plan.folders.map((folder) => folder.path)} />
                <label className="checkbox">
                  <input type="checkbox" checked={recursive} onChange={(event) => setRecursive(event.target.checked)} />
                  Include subfolders
                </label>
              </>
            )}
          </>
        )}
        {skipped.length > 0 && (
          <DropList title={`Skipped ${countOf(skipped.length, 'file')}`} testId="drop-skipped" lines={skipped.map(({ name, reason }) => `${name}: ${reason}`)} />
        )}
        <div className="button-row">
          {hasWork && notTaken === null && (
            <button type="button" className="button primary" disabled={preset === null || working} onClick={() => void start()}>
              {actionLabel}
            </button>
          )}
          {recall !== null && png !== null && (
            <button type="button" className="button" onClick={() => onRecall(png.name, recall)}>
              {`Recall settings of ${png.name}`}
            </button>
          )}
          <button type="button" className="button ghost" onClick={onClose}>{notTaken === null ? 'Cancel' : 'Close'}</button>
        </div>
      </div>
    </div>
  );
}

function DropList({ title, testId, lines }: { title: string; testId: string; lines: string[] }) {
  return (
    <section className="drop-list" aria-label={title}>
      <h3>{title}</h3>
      <ul data-testid={testId}>
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

/** The dropped PNG's settings when this app made it, else null (then nothing is offered). */
function useAppPngRecall(png: DropPlan['png']): PngRecall | null {
  const api = useApi();
  const [recall, setRecall] = useState<PngRecall | null>(null);
  useEffect(() => {
    if (png === null) return;
    let wanted = true;
    void (async () => {
      try {
        const result = await api.generations.recallFromPng(png.path === null ? { bytesBase64: await base64Of(png.file) } : { path: png.path });
        if (wanted && result.parameters !== null) setRecall(result);
      } catch {
        // This read only decides whether to offer a recall; generating from the file reports its problems.
      }
    })();
    return () => {
      wanted = false;
    };
  }, [api, png]);
  return recall;
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
