import { useState } from 'react';
import type { Folder, ProcessedAction } from '../../shared/ipc/contract';
import { useApi, useAppStore, usePresets, useSettings } from '../stores';

/** An absolute path on any desktop: /Users/me/…, C:\Renders\…, or \\server\share\…. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/** What is wrong with a typed folder path, said under the field as it is typed; null when it may be right. */
export function folderPathProblem(path: string): string | null {
  const trimmed = path.trim();
  if (trimmed === '') return null;
  if (!ABSOLUTE_PATH.test(trimmed)) return 'Type the full path from the top of the disk, e.g. /Users/me/Renders or C:\\Renders.';
  return null;
}

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
  const [path, setPath] = useState('');
  const [presetIds, setPresetIds] = useState<string[]>([]);
  const [recursive, setRecursive] = useState(false);
  const problem = folderPathProblem(path);
  const pick = async () => {
    try {
      const picked = await api.app.pickFolder();
      if (picked.path !== null) setPath(picked.path);
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
          void addFolder({ path: path.trim(), presetIds, options: { recursive, processedAction: defaultAction } }).then((added) => {
            if (added) {
              setPath('');
              setPresetIds([]);
            }
          });
        }}
      >
        <label htmlFor="folder-path">Folder path</label>
        <div className="field">
          <div className="inline-form">
            <input
              id="folder-path"
              value={path}
              onChange={(event) => setPath(event.target.value)}
              placeholder="/Users/me/Renders/controlnet"
              aria-invalid={problem !== null}
              aria-describedby={problem ? 'folder-path-error' : undefined}
            />
            {/* The desktop app offers its OS picker; a browser has only the typed path. */}
            {nativePicker && <button type="button" className="button" onClick={() => void pick()}>Choose…</button>}
          </div>
          {problem && <p className="field-error" id="folder-path-error">{problem}</p>}
        </div>
        <PresetChoice label="Presets for this folder" chosen={presetIds} presets={presets} onChange={setPresetIds} />
        <label className="checkbox">
          <input type="checkbox" checked={recursive} onChange={(event) => setRecursive(event.target.checked)} />
          Include subfolders
        </label>
        <button type="submit" className="button primary" disabled={!path.trim() || problem !== null || presetIds.length === 0}>Add folder</button>
      </form>
    </section>
  );
}

function FolderRow({ folder }: { folder: Folder }) {
  const { update, remove, setPaused } = useSettings((state) => ({ update: state.updateFolder, remove: state.removeFolder, setPaused: state.setFolderPaused }));
  const presets = usePresets((state) => state.list);
  const paused = folder.state === 'paused';
  return (
    <li className="folder-row" data-testid="folder-row" aria-label={folder.path}>
      <div className="folder-head">
        <code>{folder.path}</code>
        <span className={`badge folder-${folder.state}`}>{FOLDER_STATE_WORDS[folder.state]}</span>
        {folder.pendingCount > 0 && <span className="muted">{`${folder.pendingCount} waiting`}</span>}
      </div>
      {folder.message && <p className="inline-error">{folder.message}</p>}
      <PresetChoice
        label="Presets"
        chosen={folder.presetIds}
        presets={presets}
        onChange={(presetIds) => presetIds.length > 0 && void update({ id: folder.id, presetIds })}
      />
      <div className="button-row">
        <label className="checkbox">
          <input type="checkbox" checked={folder.options.recursive} onChange={(event) => void update({ id: folder.id, options: { recursive: event.target.checked } })} />
          Include subfolders
        </label>
        <label htmlFor={`processed-${folder.id}`}>After processing</label>
        <select
          id={`processed-${folder.id}`}
          value={folder.options.processedAction}
          onChange={(event) => void update({ id: folder.id, options: { processedAction: event.target.value as ProcessedAction } })}
        >
          <option value="leave">Leave the file</option>
          <option value="move">Move to a “processed” subfolder</option>
        </select>
        <button type="button" className="button small" onClick={() => void setPaused(folder.id, !paused)}>{paused ? 'Resume' : 'Pause'}</button>
        <button type="button" className="button small danger" onClick={() => void remove(folder.id)}>Remove</button>
      </div>
    </li>
  );
}

function PresetChoice({ label, chosen, presets, onChange }: { label: string; chosen: string[]; presets: { id: string; name: string }[]; onChange: (ids: string[]) => void }) {
  return (
    <fieldset className="preset-choice">
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
    </fieldset>
  );
}
