import { useId } from 'react';
import { FAMILY_RULES, formatModality, parseModality, type ModalityItem, type ModelFamily, type ParsedModality } from '../../shared/preset';

interface Props {
  family: ModelFamily | null;
  value: string;
  onChange(value: string): void;
  /** The id of the element that explains the modality's error, if any. */
  describedBy?: string;
}

/**
 * Builds the modality string from the chosen model family's options only: 1 to the family's
 * maximum modalities with weights, or one of the family's presets.
 */
export function ModalityBuilder({ family, value, onChange, describedBy }: Props) {
  const textId = useId();
  if (!family) {
    return (
      <div className="modality-builder">
        <input id={textId} aria-label="Modality" value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={describedBy} placeholder="canny, depth:0.5,pose:1…" />
        <p className="hint">Choose a model to pick from its family's modalities.</p>
      </div>
    );
  }

  const rules = FAMILY_RULES[family];
  const parsed = parseModality(value);
  // A family without presets cannot keep one: start again from its modalities.
  const current: ParsedModality =
    parsed.ok && !(parsed.value.kind === 'preset' && rules.presets.length === 0) ? parsed.value : { kind: 'modalities', items: [] };
  const emit = (next: ParsedModality) => onChange(formatModality(next));
  const items = current.kind === 'modalities' ? current.items : [];
  const setItem = (index: number, patch: Partial<ModalityItem>) =>
    emit({ kind: 'modalities', items: items.map((item, at) => (at === index ? { ...item, ...patch } : item)) });
  const unused = rules.modalities.filter((name) => !items.some((item) => item.name === name));

  return (
    <div className="modality-builder" aria-describedby={describedBy}>
      {rules.presets.length > 0 && (
        <div className="segmented" role="radiogroup" aria-label="Modality kind">
          <label>
            <input
              type="radio"
              name={`${textId}-kind`}
              checked={current.kind === 'modalities'}
              onChange={() => emit({ kind: 'modalities', items: [{ name: rules.modalities[0] ?? 'canny' }] })}
            />
            Modalities
          </label>
          <label>
            <input
              type="radio"
              name={`${textId}-kind`}
              checked={current.kind === 'preset'}
              onChange={() => emit({ kind: 'preset', name: rules.presets[0] ?? 'character' })}
            />
            A family preset
          </label>
        </div>
      )}

      {current.kind === 'preset' ? (
        <select aria-label="Family preset" value={current.name} onChange={(event) => emit({ kind: 'preset', name: event.target.value })}>
          {!rules.presets.includes(current.name) && <option value={current.name} disabled>{`${current.name} (not for ${rules.label})`}</option>}
          {rules.presets.map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
      ) : (
        <>
          {items.map((item, index) => (
            <div className="modality-row" key={item.name}>
              <select aria-label={`Modality ${index + 1}`} value={item.name} onChange={(event) => setItem(index, { name: event.target.value })}>
                {!rules.modalities.includes(item.name) && <option value={item.name} disabled>{`${item.name} (not for ${rules.label})`}</option>}
                {rules.modalities
                  .filter((name) => name === item.name || unused.includes(name))
                  .map((name) => <option key={name} value={name}>{name}</option>)}
              </select>
              <input
                type="range"
                aria-label={`Weight ${index + 1}`}
                min={0.05}
                max={1}
                step={0.05}
                value={item.weight ?? 1}
                onChange={(event) => setItem(index, { weight: Number(event.target.value) })}
              />
              <output className="weight">{(item.weight ?? 1).toFixed(2)}</output>
              {items.length > 1 && (
                <button type="button" className="icon-button" aria-label={`Remove modality ${index + 1}`} onClick={() => emit({ kind: 'modalities', items: items.filter((_, at) => at !== index) })}>×</button>
              )}
            </div>
          ))}
          {items.length === 0 && <p className="hint">No valid modality yet: add one.</p>}
          <button
            type="button"
            className="button small"
            disabled={items.length >= rules.maxModalities || unused.length === 0}
            onClick={() => emit({ kind: 'modalities', items: [...items, { name: unused[0] ?? 'canny' }] })}
          >
            Add modality
          </button>
          <span className="hint">{rules.maxModalities === 1 ? `${rules.label} takes exactly one modality.` : `${rules.label}: up to ${rules.maxModalities}.`}</span>
        </>
      )}
    </div>
  );
}
