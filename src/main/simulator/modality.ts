/**
 * Scenario's `modality` string: one to three `name[:weight]` items joined by commas, weight in
 * ]0, 1], or a single family preset (`character`, ...). The contract's enum lists only single
 * names, so the simulator parses the string itself (NOTES.md).
 */
export interface ModalityItem {
  name: string;
  weight: number | undefined;
}

export type ParsedModality = { kind: 'preset'; preset: string } | { kind: 'list'; items: ModalityItem[] };

export type ModalityParse = { ok: true; value: ParsedModality } | { ok: false; message: string };

const ITEM = /^([a-z][a-z-]*)(?::([0-9]*\.?[0-9]+))?$/;

export function parseModality(text: string, presets: readonly string[]): ModalityParse {
  const trimmed = text.trim();
  if (presets.includes(trimmed)) return { ok: true, value: { kind: 'preset', preset: trimmed } };
  const parts = trimmed.split(',').map((part) => part.trim());
  const items: ModalityItem[] = [];
  for (const part of parts) {
    const match = ITEM.exec(part);
    if (!match) return { ok: false, message: `modality item "${part}" is not of the form name or name:weight` };
    const name = match[1] as string;
    const weight = match[2] === undefined ? undefined : Number(match[2]);
    if (weight !== undefined && !(weight > 0 && weight <= 1)) {
      return { ok: false, message: `modality weight of ${name} must be greater than 0 and at most 1` };
    }
    if (items.some((item) => item.name === name)) return { ok: false, message: `modality lists ${name} twice` };
    items.push({ name, weight });
  }
  return { ok: true, value: { kind: 'list', items } };
}
