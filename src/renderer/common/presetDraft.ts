import { presetSchema, type PresetInput } from '../../shared/preset';

/** A preset being written: any field may be missing or wrong until the form validates it. */
export type PresetDraft = Partial<PresetInput>;

const PRESET_FIELDS: readonly string[] = Object.keys(presetSchema.shape);

/**
 * A draft from recorded parameters (a generation's preset snapshot or request, or a PNG's
 * embedded parameters). Only the preset's own fields are kept (a request also carries per-run
 * ones such as the control image); the values are not trusted here: the editor validates them
 * like anything typed.
 */
export function draftFromParameters(parameters: Record<string, unknown>, name: string): PresetDraft {
  const kept = Object.fromEntries(Object.entries(parameters).filter(([key]) => PRESET_FIELDS.includes(key)));
  return { ...(kept as PresetDraft), name: name.slice(0, 80) };
}
