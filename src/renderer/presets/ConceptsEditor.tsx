import type { Concept } from '../../shared/preset';
import { FieldError, controlProps } from './Field';

type ConceptDraft = Partial<Concept>;

/** LoRA concepts mixed into the model, each with its scale. */
export function ConceptsEditor({ value, onChange, errors }: { value: ConceptDraft[]; onChange: (next: ConceptDraft[]) => void; errors: Map<string, string> }) {
  const update = (index: number, patch: ConceptDraft) => onChange(value.map((concept, at) => (at === index ? { ...concept, ...patch } : concept)));
  return (
    <div className="concepts">
      {value.map((concept, index) => {
        const modelError = errors.get(`concepts.${index}.modelId`);
        const scaleError = errors.get(`concepts.${index}.scale`);
        return (
          <div className="concept-row" key={index}>
            <input
              {...controlProps(`concepts.${index}.modelId`, modelError)}
              aria-label={`Concept ${index + 1} model id`}
              placeholder="model id of the LoRA"
              value={concept.modelId ?? ''}
              onChange={(event) => update(index, { modelId: event.target.value })}
            />
            <input
              {...controlProps(`concepts.${index}.scale`, scaleError)}
              type="range"
              aria-label={`Concept ${index + 1} scale`}
              min={-2}
              max={2}
              step={0.05}
              value={concept.scale ?? 1}
              onChange={(event) => update(index, { scale: Number(event.target.value) })}
            />
            <output className="weight">{(concept.scale ?? 1).toFixed(2)}</output>
            <button type="button" className="icon-button" aria-label={`Remove concept ${index + 1}`} onClick={() => onChange(value.filter((_, at) => at !== index))}>×</button>
            <FieldError field={`concepts.${index}.modelId`} message={modelError} />
            <FieldError field={`concepts.${index}.scale`} message={scaleError} />
          </div>
        );
      })}
      <button type="button" className="button small" onClick={() => onChange([...value, { modelId: '', scale: 1 }])}>Add concept</button>
    </div>
  );
}
