import { useId } from 'react';
import type { Folder, ProcessedAction } from '../../shared/ipc/contract';
import { useApi, useAppStore, usePresets, useSettings } from '../stores';
import { Problem, SaveBar, problemProps, useSaveModel } from './saveModel';

/** An absolute path on any desktop: /Users/me/…, C:\Renders\…, or \\server\share\…. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/** What is wrong with a typed folder path, said under the field as it is typed; null when it may be right. */
export function folderPathProblem(path: string): string | null {
  const trimmed = path.trim();
  if (trimmed === '') return null;
  if (!ABSOLUTE_PATH.test(trimmed)) return 'Type the full path from the top of the disk, e.g. /Users/me/Renders or C:\\Renders.';
  return null;
}

/** The engine's refusals that concern one field of a folder's form. */
const FIELD_OF_CODE = { 'folder.not-found': 'folder-path', 'name-taken': 'folder-path', 'not-found': 'presets' };
const NO_PRESET = 'Choose at least one preset: each image dropped here is generated with each of them.';

const FOLDER_STATE_WORDS: Record<Folder['state'], string> = {
  watching: 'Watching',
  paused: 'Paused',
  missing: 'Folder missing',
  error: 'Error',
};

/** Watched folders: where control images land, and which presets each one runs. */
export function FoldersSection() {
  const { folders, addFolder, defaultAction } = useSettings((state) => ({
    folders: state.folders,
    addFolder: state.addFolder,
    defaultAction: state.settings?.defaultProcessedAction ?? 'leave',
  }));
  const presets = usePresets((state) => state.list);
  const api = useApi();
  const { nativePicker, reportError } = useAppStore((state) => ({ nativePicker: state.info?.nativeFolderPicker === true, reportError: state.reportError }));
  const model = useSaveModel({ path: '', presetIds: [] as string[], recursive: false }, FIELD_OF_CODE);
  const { path, presetIds, recursive } = model.draft;
  const problems = {
    'folder-path': folderPathProblem(path) ?? model.engineProblem('folder-path'),
    presets: model.engineProblem('presets'),
  };
  const pick = async () => {
    try {
      const picked = await api.app.pickFolder();
      if (picked.path !== null) model.change({ path: picked.path });
    } catch (error) {
      reportError(error);
    }
  };

  return (
    <section className="card" aria-labelledby="folders-title">
      <h2 id="folders-title">Watched folders</h2>
      <ul className="folder-list">
        {folders.map((folder) => <FolderRow key={folder.id} folder={folder} />)}
        {folders.length === 0 && <li className="muted">No folder watched yet.</li>}
      </ul>
      <form
        className="form-grid"
        aria-label="Add a watched folder"
        onSubmit={(event) => {
          event.preventDefault();
          void model
            .save((draft) => addFolder({ path: draft.path.trim(), presetIds: draft.presetIds, options: { recursive: draft.recursive, processedAction: defaultAction } }))
            .then((added) => {
              // The folder is now a row of the list above: the form is empty for the next one.
              if (added) model.discard();
            });
        }}
      >
        <label htmlFor="folder-path">Folder path</label>
        <div className="field">
          <div className="inline-form">
            <input {...problemProps('folder-path', problems['folder-path'])} value={path} onChange={(event) => model.change({ path: event.target.value })} placeholder="/Users/me/Renders/controlnet" />
            {/* The desktop app offers its OS picker; a browser has only the typed path. */}
            {nativePicker && <button type="button" className="button" onClick={() => void pick()}>Choose…</button>}
          </div>
          <Problem id="folder-path" problem={problems['folder-path']} />
        </div>
        <PresetChoice label="Presets for this folder" chosen={presetIds} presets={presets} problem={problems.presets} onChange={(ids) => model.change({ presetIds: ids })} />
        <label className="checkbox">
          <input type="checkbox" checked={recursive} onChange={(event) => model.change({ recursive: event.target.checked })} />
          Include subfolders
        </label>
        <SaveBar model={model} label="Add folder" canSave={path.trim() !== '' && !problems['folder-path'] && presetIds.length > 0} />
      </form>
    </section>
  );
}

/** A watched folder: its presets and options are a draft saved with the row's Save; pause and remove act at once. */
function FolderRow({ folder }: { folder: Folder }) {
  const { update, remove, setPaused } = useSettings((state) => ({ update: state.updateFolder, remove: state.removeFolder, setPaused: state.setFolderPaused }));
  const presets = usePresets((state) => state.list);
  const model = useSaveModel({ presetIds: folder.presetIds, recursive: folder.options.recursive, processedAction: folder.options.processedAction }, FIELD_OF_CODE);
  const { draft } = model;
  const problems = { presets: draft.presetIds.length === 0 ? NO_PRESET : model.engineProblem('presets') };
  const paused = folder.state === 'paused';
  const processedId = useId();
  return (
    <li className="folder-row" data-testid="folder-row" aria-label={folder.path}>
      <div className="folder-head">
        <code>{folder.path}</code>
        <span className={`badge folder-${folder.state}`}>{FOLDER_STATE_WORDS[folder.state]}</span>
        {folder.pendingCount > 0 && <span className="muted">{`${folder.pendingCount} waiting`}</span>}
        <span className="folder-actions">
          <button type="button" className="button small" onClick={() => void setPaused(folder.id, !paused)}>{paused ? 'Resume' : 'Pause'}</button>
          <button type="button" className="button small danger" onClick={() => void remove(folder.id)}>Remove</button>
        </span>
      </div>
      {folder.message && <p className="inline-error">{folder.message}</p>}
      <form
        aria-label={`Settings of ${folder.path}`}
        onSubmit={(event) => {
          event.preventDefault();
          void model.save(() => update({ id: folder.id, presetIds: draft.presetIds, options: { recursive: draft.recursive, processedAction: draft.processedAction } }));
        }}
      >
        <PresetChoice label="Presets" chosen={draft.presetIds} presets={presets} problem={problems.presets} onChange={(presetIds) => model.change({ presetIds })} />
        <div className="button-row">
          <label className="checkbox">
            <input type="checkbox" checked={draft.recursive} onChange={(event) => model.change({ recursive: event.target.checked })} />
            Include subfolders
          </label>
          <label htmlFor={processedId}>After processing</label>
          <select id={processedId} value={draft.processedAction} onChange={(event) => model.change({ processedAction: event.target.value as ProcessedAction })}>
            <option value="leave">Leave the file</option>
            <option value="move">Move to a “processed” subfolder</option>
          </select>
        </div>
        <SaveBar model={model} canSave={problems.presets === undefined} />
      </form>
    </li>
  );
}

function PresetChoice({ label, chosen, presets, problem, onChange }: { label: string; chosen: string[]; presets: { id: string; name: string }[]; problem: string | undefined; onChange: (ids: string[]) => void }) {
  const id = useId();
  return (
    <fieldset className={`preset-choice${problem ? ' invalid' : ''}`} aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend>{label}</legend>
      {presets.map((preset) => (
        <label key={preset.id} className="checkbox">
          <input
            type="checkbox"
            checked={chosen.includes(preset.id)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, preset.id] : chosen.filter((id) => id !== preset.id))}
          />
          {preset.name}
        </label>
      ))}
      {presets.length === 0 && <span className="muted">Create a preset first.</span>}
      <Problem id={id} problem={problem} />
    </fieldset>
  );
}
