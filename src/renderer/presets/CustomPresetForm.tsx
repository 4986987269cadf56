import { useMemo, useState, type ReactNode } from 'react';
import type { AnyPreset, PresetDetail } from '../../shared/ipc/contract';
import {
  defaultFileInput, isArrayInput, isFileInput, isImageFileInput, labelOf, presetValues, validateCustomPreset,
  type CustomPreset, type ModelInput,
} from '../../shared/model-inputs';
import { canonicalJson } from '../../shared/preset';
import { usePresets } from '../stores';
import { Field, FieldError, controlProps } from './Field';
import { ModelPicker } from './ModelPicker';
import { PresetFormShell } from './PresetFormShell';
import { PresetForm } from './PresetForm';
import { CostPerRun } from './RunCost';

interface Props {
  initial: Partial<CustomPreset>;
  detail: PresetDetail | null;
  onSave(preset: AnyPreset): Promise<unknown>;
}

/**
 * The form of a preset for a model that describes its own inputs: one control per input, made
 * from the model's own labels, help, groups, choices and ranges, checked by the same interpreter
 * as the engine. The input that receives the dropped file takes no value here.
 */
export function CustomPresetForm({ initial, detail, onSave }: Props) {
  const models = usePresets((state) => state.models);
  const [draft, setDraft] = useState<Record<string, unknown>>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const modelId = typeof draft.modelId === 'string' ? draft.modelId : '';
  const model = models.find((candidate) => candidate.id === modelId);
  const inputs = model?.inputs;

  const validation = useMemo(() => (inputs ? validateCustomPreset(draft, inputs) : null), [draft, inputs]);
  const allErrors = useMemo(() => {
    const map = new Map<string, string>();
    if (validation && !validation.ok) for (const issue of validation.issues) if (!map.has(issue.field)) map.set(issue.field, issue.message);
    return map;
  }, [validation]);
  const error = (field: string) => (showAll || touched.has(field) ? allErrors.get(field) : undefined);
  const set = (field: string, value: unknown) => {
    setDraft((previous) => {
      const next = { ...previous, [field]: value };
      if (value === undefined) delete next[field];
      return next;
    });
    setTouched((previous) => new Set([...previous, field]));
  };

  // A model of a ControlNet family takes the other form, keeping the name.
  if (model !== undefined && model.inputs === undefined) {
    return <PresetForm initial={{ name: typeof draft.name === 'string' ? draft.name : '', modelId }} detail={detail} fallbackFamily={model.family} onSave={onSave} />;
  }

  const fileInput = inputs ? (typeof draft.fileInput === 'string' ? draft.fileInput : defaultFileInput(inputs)) : undefined;
  const groups = groupInputs(inputs ?? []);

  return (
    <PresetFormShell valid={validation?.ok ? validation.preset : null} invalidFields={allErrors.size} showAll={showAll} onTriedToSave={() => setShowAll(true)} editing={detail !== null} onSave={onSave}>
        <Field field="name" label="Name" error={error('name')}>
          <input {...controlProps('name', error('name'))} maxLength={200} value={typeof draft.name === 'string' ? draft.name : ''} onChange={(event) => set('name', event.target.value)} />
        </Field>
        <Field field="modelId" label="Model" error={error('modelId')} hint={model ? 'Custom model: the form follows its own inputs.' : 'Pick a model below or type its id.'}>
          <input {...controlProps('modelId', error('modelId'))} value={modelId} onChange={(event) => set('modelId', event.target.value)} />
        </Field>
        <ModelPicker value={modelId} onChange={(picked) => set('modelId', picked)} />

        {inputs === undefined && <p className="hint" role="status">{"This model's inputs are not known here: refresh the model list while Scenario can be reached."}</p>}
        {detail?.inputsChanges && (
          <div className="inline-error" role="alert" aria-label="The model's inputs changed">
            <p>{"The model's inputs changed since this preset was saved. Check the fields, then save a new version:"}</p>
            <ul>{detail.inputsChanges.map((change) => <li key={change}>{change}</li>)}</ul>
          </div>
        )}

        {groups.map(({ group, members }) => {
          const controls = members.map((input) => (
            <InputControl key={input.name} input={input} value={draft[input.name]} receivesFile={input.name === fileInput} error={error(input.name)} onChange={(value) => set(input.name, value)} onChooseFile={() => set('fileInput', input.name === defaultFileInput(inputs ?? []) ? undefined : input.name)} />
          ));
          return group === null ? controls : (
            <fieldset key={group} className="field input-group" aria-label={group}>
              <legend>{group}</legend>
              {controls}
            </fieldset>
          );
        })}
        <FieldError field="fileInput" message={error('fileInput')} />

        {inputs && <CustomCost draft={validation?.ok ? validation.preset : null} inputs={inputs} />}
      </PresetFormShell>
  );
}

/** The model's order, inputs of one group together (a group sits where its first input is). */
function groupInputs(inputs: readonly ModelInput[]): { group: string | null; members: ModelInput[] }[] {
  const groups: { group: string | null; members: ModelInput[] }[] = [];
  for (const input of inputs) {
    const group = input.group ?? null;
    const existing = group === null ? undefined : groups.find((candidate) => candidate.group === group);
    if (existing) existing.members.push(input);
    else groups.push({ group, members: [input] });
  }
  return groups;
}

interface ControlProps {
  input: ModelInput;
  value: unknown;
  receivesFile: boolean;
  error: string | undefined;
  onChange(value: unknown): void;
  onChooseFile(): void;
}

/** One input's control, chosen from its type: a select for choices, a slider where a range exists, a list as comma-separated text. */
function InputControl({ input, value, receivesFile, error, onChange, onChooseFile }: ControlProps) {
  const label = labelOf(input);
  const props = controlProps(input.name, error);
  const hint = [input.description, input.default === undefined ? undefined : `Default: ${JSON.stringify(input.default)}`].filter(Boolean).join(' ');
  const field = (control: ReactNode) => (
    <Field key={input.name} field={input.name} label={label} error={error} {...(hint ? { hint } : {})}>
      {control}
    </Field>
  );

  if (isFileInput(input)) {
    if (receivesFile) {
      return field(
        <p className="receives-file" data-testid={`receives-file-${input.name}`} id={props.id}>
          Receives the dropped file
        </p>,
      );
    }
    return field(
      <>
        <input {...props} placeholder={isArrayInput(input) ? 'asset ids, comma-separated' : 'asset id (asset_...)'} value={listText(value)} onChange={(event) => onChange(parseList(event.target.value, isArrayInput(input), 'string'))} />
        {isImageFileInput(input) && <button type="button" className="link-button" onClick={onChooseFile}>Send the dropped file here instead</button>}
      </>,
    );
  }
  if (input.type === 'boolean') {
    return field(
      <select {...props} value={value === undefined ? '' : String(value)} onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value === 'true')}>
        <option value="">Model default</option>
        <option value="true">On</option>
        <option value="false">Off</option>
      </select>,
    );
  }
  if (!isArrayInput(input) && input.allowedValues && input.allowedValues.length > 0) {
    return field(
      <select {...props} value={value === undefined ? '' : String(value)} onChange={(event) => onChange(event.target.value === '' ? undefined : input.type === 'number' ? Number(event.target.value) : event.target.value)}>
        <option value="">{input.default === undefined ? 'Not set' : `Model default (${String(input.default)})`}</option>
        {input.allowedValues.map((choice) => <option key={String(choice)} value={String(choice)}>{String(choice)}</option>)}
      </select>,
    );
  }
  if (input.type === 'number') {
    const shown = typeof value === 'number' ? String(value) : '';
    const set = (text: string) => onChange(text === '' ? undefined : Number(text));
    const ranged = input.min !== undefined && input.max !== undefined;
    return field(
      <div className="number-with-slider">
        {ranged && (
          <input type="range" aria-label={`${label} slider`} min={input.min} max={input.max} step={input.step ?? 'any'} value={typeof value === 'number' ? value : typeof input.default === 'number' ? input.default : input.min} onChange={(event) => set(event.target.value)} />
        )}
        <input {...props} type="number" inputMode="decimal" min={input.min} max={input.max} step={input.step ?? 'any'} placeholder={input.default === undefined ? '' : String(input.default)} value={shown} onChange={(event) => set(event.target.value)} />
      </div>,
    );
  }
  if (isArrayInput(input)) {
    return field(<input {...props} placeholder="comma-separated" value={listText(value)} onChange={(event) => onChange(parseList(event.target.value, true, input.type === 'number_array' ? 'number' : 'string'))} />);
  }
  const text = typeof value === 'string' ? value : '';
  const setText = (next: string) => onChange(next === '' ? undefined : next);
  return field(input.prompt === true ? <textarea {...props} rows={3} value={text} onChange={(event) => setText(event.target.value)} /> : <input {...props} value={text} onChange={(event) => setText(event.target.value)} />);
}

function listText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? value : '';
}

function parseList(text: string, asList: boolean, kind: 'string' | 'number'): unknown {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) return undefined;
  const typed = items.map((item) => (kind === 'number' ? Number(item) : item));
  return asList ? typed : typed[0];
}

/**
 * What one run costs. It is asked again only when an input that changes the price (costImpact),
 * the model or the file input changes: other edits cannot change it.
 */
function CustomCost({ draft, inputs }: { draft: CustomPreset | null; inputs: readonly ModelInput[] }) {
  const priceKey = useMemo(() => {
    if (draft === null) return null;
    const values = presetValues(draft);
    return canonicalJson([draft.modelId, draft.fileInput ?? null, inputs.filter((input) => input.costImpact === true).map((input) => values[input.name] ?? null)]);
  }, [draft, inputs]);
  return <CostPerRun preset={draft} priceKey={priceKey} />;
}
