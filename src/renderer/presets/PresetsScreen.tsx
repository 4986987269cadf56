import { useEffect, useRef } from 'react';
import type { AnyPreset } from '../../shared/ipc/contract';
import { isCustomPresetDocument, type CustomPreset } from '../../shared/model-inputs';
import { FAMILY_RULES } from '../../shared/preset';
import { countOf } from '../common/format';
import { useAppStore, usePresets } from '../stores';
import type { PresetDraft } from '../common/presetDraft';
import { CustomPresetForm } from './CustomPresetForm';
import { PresetForm } from './PresetForm';
import { PresetVersionView } from './PresetVersionView';

export function PresetsScreen() {
  const { list, selectedId, detail, draftSeed, load, loadModels, select, startNew, save, duplicate, remove, importJson, exportJson } = usePresets((state) => ({
    list: state.list,
    selectedId: state.selectedId,
    detail: state.detail,
    draftSeed: state.draftSeed,
    load: state.load,
    loadModels: state.loadModels,
    select: state.select,
    startNew: state.startNew,
    save: state.save,
    duplicate: state.duplicate,
    remove: state.remove,
    importJson: state.importJson,
    exportJson: state.exportJson,
  }));
  const reportError = useAppStore((state) => state.reportError);
  const importInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void load();
    void loadModels();
  }, [load, loadModels]);

  const download = async (id: string) => {
    const exported = await exportJson(id);
    if (!exported) return;
    const url = URL.createObjectURL(new Blob([exported.json], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exported.fileName;
    link.click();
    URL.revokeObjectURL(url);
  };

  const summary = list.find((preset) => preset.id === selectedId);
  const editing: { key: string; initial: PresetDraft | AnyPreset } | null = detail
    ? { key: `${detail.id}@${detail.version}`, initial: detail.preset }
    : draftSeed
      ? { key: 'new', initial: draftSeed }
      : null;

  return (
    <section className="screen-body presets" aria-label="Presets">
      <aside className="preset-list" aria-label="Preset list">
        <div className="button-row">
          <button type="button" className="button primary" onClick={() => startNew({ name: '', prompt: '', modelId: '', modality: '' })}>New preset</button>
          <button type="button" className="button" onClick={() => importInput.current?.click()}>Import…</button>
          <input
            ref={importInput}
            type="file"
            accept="application/json,.json"
            hidden
            aria-label="Import preset file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) file.text().then(importJson, reportError);
            }}
          />
        </div>
        {/* A listbox holds options only: with none, the hint stands alone. */}
        {list.length === 0 && <p className="muted">No presets yet. Create one, import one, or use a past generation as a preset.</p>}
        {list.length > 0 && (
        <ul role="listbox" aria-label="Presets">
          {list.map((preset) => (
            <li
              key={preset.id}
              role="option"
              aria-selected={preset.id === selectedId}
              tabIndex={0}
              className={`preset-item${preset.id === selectedId ? ' selected' : ''}`}
              onClick={() => void select(preset.id)}
              onKeyDown={(event) => event.key === 'Enter' && void select(preset.id)}
            >
              <span className="preset-name">{preset.name}</span>
              <span className="muted">
                {`${preset.family ? FAMILY_RULES[preset.family].label : preset.custom ? 'Custom model' : 'Unknown family'}${preset.modality ? ` · ${preset.modality}` : ''} · v${preset.version}`}
              </span>
              <span className="muted">{`${countOf(preset.folderCount, 'folder')} · ${countOf(preset.generationCount, 'generation')}`}</span>
              {preset.issues !== undefined && preset.issues.length > 0 && (
                // Checked by its family once the model was known (saved offline): it takes no files until fixed.
                <span className="inline-error" data-testid="preset-not-valid">
                  {`Not valid, takes no files: ${preset.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`}
                </span>
              )}
            </li>
          ))}
        </ul>
        )}
      </aside>
      <div className="preset-editor">
        {detail && (
          <div className="button-row">
            <button type="button" className="button" onClick={() => void duplicate(detail.id)}>Duplicate</button>
            <button type="button" className="button" onClick={() => void download(detail.id)}>Export…</button>
            <button
              type="button"
              className="button danger"
              onClick={() => {
                if (window.confirm(`Delete the preset “${detail.preset.name}”? Past generations keep their copy of it.`)) void remove(detail.id);
              }}
            >
              Delete
            </button>
          </div>
        )}
        {editing && isCustomPresetDocument(editing.initial) ? (
          <CustomPresetForm key={editing.key} initial={editing.initial as Partial<CustomPreset>} detail={detail} onSave={save} />
        ) : editing ? (
          <PresetForm key={editing.key} initial={editing.initial as PresetDraft} detail={detail} fallbackFamily={summary?.family ?? null} onSave={save} />
        ) : (
          <p className="muted">Choose a preset on the left, or create a new one.</p>
        )}
      </div>
      <PresetVersionView />
    </section>
  );
}
