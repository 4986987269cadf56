import { useState, type ReactNode } from 'react';
import type { AnyPreset } from '../../shared/ipc/contract';
import { countOf } from '../common/format';

interface Props {
  /** The preset to save, or null while a field is not valid. */
  valid: AnyPreset | null;
  /** How many fields stop the save. */
  invalidFields: number;
  /** Every error is shown (after a first try to save), not only those of touched fields. */
  showAll: boolean;
  onTriedToSave(): void;
  /** Editing a saved preset (a new version) rather than creating one. */
  editing: boolean;
  onSave(preset: AnyPreset): Promise<unknown>;
  children: ReactNode;
}

/**
 * What both preset forms (a family's, a custom model's) share: the scrolling fields, and a save
 * bar below them that stays in view, saves once at a time and says how many fields to fix.
 */
export function PresetFormShell({ valid, invalidFields, showAll, onTriedToSave, editing, onSave, children }: Props) {
  const [saving, setSaving] = useState(false);
  return (
    <form
      className="preset-form"
      aria-label="Preset"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onTriedToSave();
        if (valid === null) return;
        setSaving(true);
        void onSave(valid).finally(() => setSaving(false));
      }}
    >
      {/* The fields scroll; the save bar below them stays in view without covering any of them. */}
      <div className="preset-fields">{children}</div>
      <div className="button-row form-actions">
        <button type="submit" className="button primary" disabled={saving}>{editing ? 'Save new version' : 'Create preset'}</button>
        {valid === null && showAll && <span className="inline-error" role="alert">{`Fix ${countOf(invalidFields, 'field')} to save.`}</span>}
      </div>
    </form>
  );
}
