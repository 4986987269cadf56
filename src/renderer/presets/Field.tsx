import type { ReactNode } from 'react';

/** Where a field's error message lives, so inputs can point at it with aria-describedby. */
export const errorIdOf = (field: string) => `preset-error-${field.replace(/\./g, '-')}`;
export const inputIdOf = (field: string) => `preset-${field.replace(/\./g, '-')}`;

/** A labelled form row with its validation message right under the control. */
export function Field({ field, label, error, hint, children }: { field: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={inputIdOf(field)}>{label}</label>
      {children}
      {hint && !error && <p className="hint">{hint}</p>}
      <FieldError field={field} message={error} />
    </div>
  );
}

export function FieldError({ field, message }: { field: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={errorIdOf(field)} data-testid={`field-error-${field}`}>
      {message}
    </p>
  );
}

/** Props that tie a control to its Field: id, invalid state and the message that explains it. */
export function controlProps(field: string, error: string | undefined) {
  return {
    id: inputIdOf(field),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorIdOf(field) : undefined,
  };
}
