import { useState, type ReactElement } from 'react';
import type { ModelInfo } from '../../shared/ipc/contract';
import { FAMILY_RULES } from '../../shared/preset';
import { dateTime } from '../common/format';
import { libraryUrl } from '../common/libraryUrl';
import { useAppStore, usePresets } from '../stores';

/** ControlNet-capable models with thumbnails and family; the id field also takes a model not listed. */
export function ModelPicker({ value, onChange }: { value: string; onChange: (modelId: string) => void }) {
  const { models, offlineSince, loadModels } = usePresets((state) => ({ models: state.models, offlineSince: state.modelsOfflineSince, loadModels: state.loadModels }));
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle ? models.filter((model) => `${model.name} ${model.id}`.toLowerCase().includes(needle)) : models;

  return (
    <div className="model-picker">
      <div className="model-picker-tools">
        <input type="search" aria-label="Filter models" placeholder="Filter models…" value={filter} onChange={(event) => setFilter(event.target.value)} />
        <button type="button" className="button small" onClick={() => void loadModels(true)}>Refresh</button>
        {offlineSince && <span className="hint" role="status">{`Scenario could not be reached: this is the list saved ${dateTime(offlineSince)}.`}</span>}
      </div>
      <div className="model-grid" role="radiogroup" aria-label="Models">
        {shown.map((model) => <ModelCard key={model.id} model={model} checked={model.id === value} onPick={() => onChange(model.id)} />)}
        {models.length === 0 && <p className="hint">No models listed yet: check the connection in Settings, or type a model id.</p>}
      </div>
    </div>
  );
}

function ModelCard({ model, checked, onPick }: { model: ModelInfo; checked: boolean; onPick: () => void }) {
  const label = modelKindLabel(model);
  const initials = <span className="model-thumb" aria-hidden="true" data-testid="model-thumb-placeholder">{familyInitials(label)}</span>;
  return (
    <button type="button" role="radio" aria-checked={checked} className={`model-card${checked ? ' selected' : ''}`} onClick={onPick} data-testid="model-card">
      {model.thumbnailRelPath ? <ModelThumbnail relPath={model.thumbnailRelPath} fallback={initials} /> : initials}
      <span className="model-name">{model.name}</span>
      <span className="badge">{label}</span>
    </button>
  );
}

/** The family's name, or "Custom model" for a model that describes its own inputs. */
export function modelKindLabel(model: Pick<ModelInfo, 'family'>): string {
  return model.family === null ? 'Custom model' : FAMILY_RULES[model.family].label;
}

/**
 * The thumbnail the engine cached in the library (the window loads nothing remote). Until the
 * library's address is known, or if the file has gone, the family's initials stand in: a broken
 * or striped "missing" tile would say more than a thumbnail is worth.
 */
function ModelThumbnail({ relPath, fallback }: { relPath: string; fallback: ReactElement }) {
  const info = useAppStore((state) => state.info);
  const src = libraryUrl(info, relPath);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  if (!src || failedSrc === src) return fallback;
  return <img src={src} alt="" loading="lazy" decoding="async" draggable={false} onError={() => setFailedSrc(src)} />;
}

/** "Flux dev" → "FD", "SD 1.5" → "SD", "SDXL" → "SDXL": acronyms stay whole, words give their first letter. */
export function familyInitials(label: string): string {
  return label
    .split(/\s+/)
    .filter((word) => /^[A-Za-z]/.test(word))
    .map((word) => (word === word.toUpperCase() ? word : (word[0] ?? '').toUpperCase()))
    .join('');
}
