import { useMemo, useState, type ChangeEvent } from 'react';
import type { AnyPreset, PresetDetail } from '../../shared/ipc/contract';
import {
  FAMILY_RULES, GENERIC_DEFAULTS, SCHEDULERS, defaultsFor, modalityNames, parseModality, randomSeed, validatePreset,
  type ModelFamily, type PresetInput,
} from '../../shared/preset';
import type { PresetDraft } from '../common/presetDraft';
import { usePresets } from '../stores';
import { ConceptsEditor } from './ConceptsEditor';
import { CustomPresetForm } from './CustomPresetForm';
import { Field, controlProps } from './Field';
import { ModalityBuilder } from './ModalityBuilder';
import { ModelPicker } from './ModelPicker';
import { PresetFormShell } from './PresetFormShell';
import { LABELLED_FIELDS, PRESET_FIELD_LABELS } from './presetFields';
import { CostPerRun } from './RunCost';
import { VersionHistory } from './VersionHistory';

type NumberField = 'guidance' | 'numInferenceSteps' | 'numSamples' | 'width' | 'height' | 'negativePromptStrength' | 'controlStart' | 'controlEnd';

interface Props {
  initial: PresetDraft;
  detail: PresetDetail | null;
  /** The family when the model is not in the list (offline); the list wins when it knows the model. */
  fallbackFamily: ModelFamily | null;
  onSave(preset: AnyPreset): Promise<unknown>;
}

/** The preset form: every field validated as the artist types, with the message under the field. */
export function PresetForm({ initial, detail, fallbackFamily, onSave }: Props) {
  const models = usePresets((state) => state.models);
  const [draft, setDraft] = useState<PresetDraft>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);

  const model = models.find((candidate) => candidate.id === draft.modelId);
  const family = model?.family ?? (draft.modelId === initial.modelId ? fallbackFamily : null);
  const validation = useMemo(() => validatePreset(draft, family ? { family } : {}), [draft, family]);
  const allErrors = useMemo(() => {
    const map = new Map<string, string>();
    if (!validation.ok) for (const issue of validation.issues) if (!map.has(issue.field)) map.set(issue.field, issue.message);
    return map;
  }, [validation]);
  // Messages appear for a field once it has been edited, and for all after a save attempt.
  const errors = useMemo(
    () => new Map([...allErrors].filter(([field]) => showAll || touched.has(field.split('.')[0] ?? field))),
    [allErrors, showAll, touched],
  );
  const error = (field: string) => errors.get(field);

  const set = (patch: PresetDraft) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    setTouched((previous) => new Set([...previous, ...Object.keys(patch)]));
  };
  const text = (field: 'name' | 'prompt' | 'negativePrompt' | 'baseModelId') => ({
    ...controlProps(field, error(field)),
    value: draft[field] ?? '',
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set({ [field]: event.target.value }),
  });
  const number = (field: NumberField, placeholder?: number) => ({
    ...controlProps(field, error(field)),
    type: 'number',
    inputMode: 'decimal' as const,
    placeholder: placeholder === undefined ? '' : String(placeholder),
    value: draft[field] === undefined || Number.isNaN(draft[field]) ? '' : String(draft[field]),
    // An emptied box means "use the default", so the field leaves the preset.
    onChange: (event: ChangeEvent<HTMLInputElement>) => set({ [field]: event.target.value === '' ? undefined : Number(event.target.value) }),
  });

  // A model that describes its own inputs takes the form made from them, keeping the name.
  if (model?.inputs !== undefined) return <CustomPresetForm initial={{ name: draft.name ?? '', modelId: model.id }} detail={detail} onSave={onSave} />;

  const rules = family ? FAMILY_RULES[family] : null;
  const defaults = family ? defaultsFor(family) : { ...GENERIC_DEFAULTS, guidance: undefined };
  const seedFixed = draft.seed !== undefined;

  return (
    <PresetFormShell valid={validation.ok ? validation.preset : null} invalidFields={allErrors.size} showAll={showAll} onTriedToSave={() => setShowAll(true)} editing={detail !== null} onSave={onSave}>
        <Field field="name" label={PRESET_FIELD_LABELS.name} error={error('name')}>
          <input {...text('name')} maxLength={200} />
        </Field>

        <Field field="modelId" label={PRESET_FIELD_LABELS.modelId} error={error('modelId')} hint={rules ? `Family: ${rules.label}` : 'Pick a model below or type its id.'}>
          <input {...controlProps('modelId', error('modelId'))} value={draft.modelId ?? ''} onChange={(event) => set({ modelId: event.target.value })} />
        </Field>
        <ModelPicker value={draft.modelId ?? ''} onChange={(modelId) => set({ modelId })} />

        <Field field="prompt" label={PRESET_FIELD_LABELS.prompt} error={error('prompt')}>
          <textarea {...text('prompt')} rows={3} />
        </Field>

        <Field field="modality" label={PRESET_FIELD_LABELS.modality} error={error('modality')} hint={rules ? undefined : 'For example canny, or depth:0.5,pose:1'}>
          <ModalityBuilder family={family} value={draft.modality ?? ''} onChange={(modality) => set({ modality })} describedBy={error('modality') ? 'preset-error-modality' : undefined} />
        </Field>

        <div className="field-grid">
          <Field field="width" label={PRESET_FIELD_LABELS.width} error={error('width')} hint={rules ? `${rules.size.min}–${rules.size.max}, multiple of ${rules.sizeMultiple}` : undefined}>
            <input {...number('width', defaults.width)} step={8} />
          </Field>
          <Field field="height" label={PRESET_FIELD_LABELS.height} error={error('height')}>
            <input {...number('height', defaults.height)} step={8} />
          </Field>
          <Field field="guidance" label={PRESET_FIELD_LABELS.guidance} error={error('guidance')} hint={rules ? `${rules.guidance.min}–${rules.guidance.max}` : undefined}>
            <input {...number('guidance', defaults.guidance)} step={0.5} />
          </Field>
          <Field field="numInferenceSteps" label={PRESET_FIELD_LABELS.numInferenceSteps} error={error('numInferenceSteps')}>
            <input {...number('numInferenceSteps', defaults.numInferenceSteps)} />
          </Field>
          <Field field="numSamples" label={PRESET_FIELD_LABELS.numSamples} error={error('numSamples')}>
            <input {...number('numSamples', defaults.numSamples)} />
          </Field>
          <Field field="scheduler" label={PRESET_FIELD_LABELS.scheduler} error={error('scheduler')}>
            <select
              {...controlProps('scheduler', error('scheduler'))}
              value={draft.scheduler ?? ''}
              onChange={(event) => set({ scheduler: event.target.value ? (event.target.value as PresetInput['scheduler']) : undefined })}
            >
              <option value="">Model default</option>
              {SCHEDULERS.map((scheduler) => <option key={scheduler} value={scheduler}>{scheduler}</option>)}
            </select>
          </Field>
        </div>

        <Field field="negativePrompt" label={PRESET_FIELD_LABELS.negativePrompt} error={error('negativePrompt')}>
          <textarea {...text('negativePrompt')} rows={2} />
        </Field>
        {(rules?.negativePromptNeedsStrength || draft.negativePromptStrength !== undefined) && (
          <Field field="negativePromptStrength" label={PRESET_FIELD_LABELS.negativePromptStrength} error={error('negativePromptStrength')}>
            <input {...number('negativePromptStrength')} step={0.1} />
          </Field>
        )}

        {(rules?.allowsControlWindow || draft.controlStart !== undefined || draft.controlEnd !== undefined) && (
          <div className="field-grid">
            <Field field="controlStart" label={PRESET_FIELD_LABELS.controlStart} error={error('controlStart')}>
              <input {...number('controlStart')} step={0.05} />
            </Field>
            <Field field="controlEnd" label={PRESET_FIELD_LABELS.controlEnd} error={error('controlEnd')}>
              <input {...number('controlEnd')} step={0.05} />
            </Field>
          </div>
        )}

        {/* Scenario's own detection: the dropped picture is a photo to make the map from. Flux ignores it. */}
        {(!rules?.negativePromptNeedsStrength || draft.disableModalityDetection === false) && (
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.disableModalityDetection === false}
                onChange={(event) => set({ disableModalityDetection: event.target.checked ? false : undefined })}
              />
              {`Detect the ${detectedWords(draft.modality)} in the image`}
            </label>
            <p className="hint">Drop photos: Scenario makes the map from each one instead of taking the picture as the map.</p>
          </div>
        )}

        <fieldset className="field">
          <legend>{PRESET_FIELD_LABELS.seed}</legend>
          <label className="checkbox">
            <input type="radio" name="seed-mode" checked={!seedFixed} onChange={() => set({ seed: undefined })} />
            Random for every run
          </label>
          <label className="checkbox">
            <input type="radio" name="seed-mode" checked={seedFixed} onChange={() => set({ seed: randomSeed() })} />
            Fixed
          </label>
          {seedFixed && (
            <input {...controlProps('seed', error('seed'))} aria-label="Seed" value={draft.seed ?? ''} onChange={(event) => set({ seed: event.target.value })} />
          )}
          {error('seed') && <p className="field-error" id="preset-error-seed" data-testid="field-error-seed">{error('seed')}</p>}
        </fieldset>

        <fieldset className="field">
          <legend>{PRESET_FIELD_LABELS.concepts}</legend>
          <ConceptsEditor value={draft.concepts ?? []} onChange={(concepts) => set({ concepts: concepts.length ? concepts as PresetInput['concepts'] : undefined })} errors={errors} />
        </fieldset>

        {(draft.baseModelId !== undefined || model?.type.toLowerCase().endsWith('-lora')) && (
          <Field field="baseModelId" label={PRESET_FIELD_LABELS.baseModelId} error={error('baseModelId')}>
            <input {...text('baseModelId')} />
          </Field>
        )}

        {/* An issue on a field with no control of its own (an unknown key from an import) is listed here. */}
        {[...errors].filter(([field]) => !LABELLED_FIELDS.has(field.split('.')[0] ?? field)).map(([field, message]) => (
          <p key={field} className="field-error" data-testid={`field-error-${field}`}>{message}</p>
        ))}

        <CostPerRun preset={validation.ok ? validation.preset : null} />

        {detail && <PresetUsage detail={detail} />}
      </PresetFormShell>
  );
}

/** "pose", "depth and pose", or "modality" while none is chosen. */
function detectedWords(modality: string | undefined): string {
  const parsed = parseModality(modality ?? '');
  const names = parsed.ok ? modalityNames(parsed.value) : [];
  if (names.length === 0) return 'modality';
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`;
}

function PresetUsage({ detail }: { detail: PresetDetail }) {
  return (
    <div className="preset-usage">
      <VersionHistory detail={detail} />
      <section aria-label="Folders using this preset">
        <h3>Folders using it</h3>
        {detail.folders.length === 0 ? <p className="muted">No watched folder uses this preset yet.</p> : (
          <ul>{detail.folders.map((folder) => <li key={folder.id}><code>{folder.path}</code></li>)}</ul>
        )}
      </section>
    </div>
  );
}
