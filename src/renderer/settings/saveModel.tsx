import { useState } from 'react';
import type { SaveFailure } from '../stores/settingsStore';

/**
 * The one way every Settings section saves: what the person changes is a draft until they press
 * the section's Save (or Discard it); a section with changes says so. Each problem, the window's
 * own or one the engine returns, sits under the field it concerns, which is outlined; a problem
 * that concerns no field sits at the section's foot.
 */
export function useSaveModel<T>(saved: T, fieldOfCode: Readonly<Record<string, string>>) {
  const [draft, setDraft] = useState(saved);
  const [base, setBase] = useState(saved);
  if (JSON.stringify(base) !== JSON.stringify(saved)) {
    // What is saved changed (by this save, or elsewhere): a draft nobody touched follows it.
    if (JSON.stringify(draft) === JSON.stringify(base)) setDraft(saved);
    setBase(saved);
  }
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<SaveFailure | null>(null);
  const [savedOnce, setSavedOnce] = useState(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const failedField = failure ? fieldOfCode[failure.code] : undefined;
  return {
    draft,
    dirty,
    saving,
    /** Just saved, and not changed since. */
    saved: savedOnce && !dirty,
    /** Changes the draft; the engine's last refusal no longer applies to what is typed now. */
    change(patch: Partial<T>) {
      setDraft((current) => ({ ...current, ...patch }));
      setFailure(null);
      setSavedOnce(false);
    },
    discard() {
      setDraft(saved);
      setFailure(null);
    },
    /** The engine's problem with `field`, if its last refusal concerns that field. */
    engineProblem(field: string): string | undefined {
      return failure && failedField === field ? failure.message : undefined;
    },
    /** The engine's last refusal when it concerns no field of this section. */
    formProblem: failure && failedField === undefined ? failure.message : null,
    async save(run: (draft: T) => Promise<SaveFailure | null>): Promise<boolean> {
      setSaving(true);
      const result = await run(draft);
      setSaving(false);
      setFailure(result);
      setSavedOnce(result === null);
      return result === null;
    },
  };
}

type SaveState = Pick<ReturnType<typeof useSaveModel<unknown>>, 'formProblem' | 'saving' | 'dirty' | 'saved' | 'discard'>;

/** The foot of a section: its problem with no field, whether it has unsaved changes, Discard and Save. */
export function SaveBar({ model, canSave, label = 'Save' }: { model: SaveState; canSave: boolean; label?: string }) {
  return (
    <div className="save-bar">
      {model.formProblem && <p className="inline-error" role="alert">{model.formProblem}</p>}
      <span className="muted save-state" role="status">
        {model.saving ? 'Saving…' : model.dirty ? 'Unsaved changes' : model.saved ? 'Saved' : ''}
      </span>
      {model.dirty && (
        <button type="button" className="button ghost" disabled={model.saving} onClick={() => model.discard()}>
          Discard
        </button>
      )}
      <button type="submit" className="button primary" disabled={!model.dirty || !canSave || model.saving}>
        {label}
      </button>
    </div>
  );
}

/** Props tying a control to the message under it: outlined and described while it has a problem. */
export function problemProps(id: string, problem: string | undefined | null, note?: string) {
  return {
    id,
    'aria-invalid': Boolean(problem),
    'aria-describedby': problem ? `${id}-problem` : note,
  };
}

export function Problem({ id, problem }: { id: string; problem: string | undefined | null }) {
  if (!problem) return null;
  return (
    <p className="field-error" id={`${id}-problem`} data-testid={`field-error-${id}`}>
      {problem}
    </p>
  );
}
