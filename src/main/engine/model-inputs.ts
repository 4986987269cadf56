/**
 * Models that publish their own inputs: their family is `custom` (they go through
 * /generate/custom/{modelId}), their presets are checked against those inputs, and each version of
 * the inputs a preset was checked against is kept, so the preset runs offline and can say what
 * changed when the model changes them.
 */
import {
  CUSTOM_FAMILY, describeInputChanges, inputsVersion, publishedInputs, validateCustomPreset,
  type CustomPreset, type CustomPresetValidation,
} from '../../shared/model-inputs/index';
import { familyOfModel, isFluxLora, validatePreset, type FieldIssue, type Preset as PresetDocument, type PresetContext } from '../../shared/preset/index';
import type { ScenarioClient } from '../scenario/index';
import { modelSchema } from '../scenario/schemas';
import { presetRunOf } from '../pipeline/preset-runs';
import type { PresetVersion, Store } from '../store/index';
import { UNKNOWN_FAMILY } from './dto';

/** What a draft is checked with: its family's rules (and the model's LoRA facts), or (custom) the model's own inputs. */
export type DraftContext = PresetContext & { custom?: true };

/** `custom` for a model that publishes inputs, else its ControlNet family; undefined when neither is known. */
export function familyOfModelDocument(model: unknown, modelId: string): string | undefined {
  if (publishedInputs(model) !== undefined) return CUSTOM_FAMILY;
  const type = typeof model === 'object' && model !== null ? (model as { type?: unknown; name?: unknown }).type : undefined;
  const name = (model as { name?: unknown } | undefined)?.name;
  if (typeof type !== 'string') return undefined;
  return familyOfModel({ type, modelId, ...(typeof name === 'string' ? { name } : {}) });
}

/**
 * The family of a model, from the cached model list or else Scenario's own description of it
 * (GET /models/{modelId} lists the inputs a listing may leave out), which is then cached.
 */
export async function resolveModelFamily(store: Store, client: ScenarioClient | null, modelId: string, signal?: AbortSignal): Promise<string | undefined> {
  const cached = store.models.get(modelId)?.model;
  const known = cached === undefined ? undefined : familyOfModelDocument(cached, modelId);
  if (known !== undefined || client === null) return known;
  const model = await client.getModel(modelId, signal === undefined ? {} : { signal });
  store.models.put(modelId, model);
  return familyOfModelDocument(model, modelId);
}

/**
 * What a draft of this model is checked with, from the models cache: empty when the model is not
 * known here (offline, never looked up), and the draft is then checked by the contract's rules only.
 */
export function draftContextOf(store: Store, modelId: string): DraftContext {
  const cachedModel = store.models.get(modelId)?.model;
  if (familyOfModelDocument(cachedModel, modelId) === CUSTOM_FAMILY) return { custom: true };
  const cached = modelSchema.safeParse(cachedModel);
  if (!cached.success || cached.data.type === undefined) return {};
  const model = cached.data;
  const type = model.type as string;
  const family = familyOfModel({ type, name: model.name, modelId: model.id });
  return {
    ...(family === undefined ? {} : { family }),
    isLora: isFluxLora(type),
    ...(model.compliantModelIds === undefined ? {} : { compliantModelIds: model.compliantModelIds }),
  };
}

/** The family the store records for a draft checked with this context ('unknown' when the model's is not known). */
export function familyOfContext(context: DraftContext): string {
  return context.custom === true ? CUSTOM_FAMILY : (context.family ?? UNKNOWN_FAMILY);
}

/** A draft checked by its model's rules: its family's, or the model's own inputs for a custom model. */
export function checkDraft(store: Store, draft: unknown, context: DraftContext): { ok: true; preset: PresetDocument | CustomPreset } | { ok: false; issues: FieldIssue[] } {
  return context.custom === true ? checkCustomPreset(store, draft) : validatePreset(draft, context);
}

/**
 * Why the pipeline would not run this saved version (empty: it runs): its family's rules, or the
 * model's inputs it was checked against. A preset saved offline breaks its family's rules only
 * once the family is known (family-resolution.ts).
 */
export function versionIssues(store: Store, version: Pick<PresetVersion, 'family' | 'preset'>): FieldIssue[] {
  const check = presetRunOf(version, (inputs) => store.modelInputs.get(inputs));
  return check.ok ? [] : check.issues;
}

/** Checks a custom-model preset against the model's cached inputs, and keeps that version of them when it passes. */
export function checkCustomPreset(store: Store, draft: unknown): CustomPresetValidation {
  const modelId = typeof (draft as { modelId?: unknown } | null)?.modelId === 'string' ? ((draft as { modelId: string }).modelId.trim()) : '';
  const inputs = publishedInputs(store.models.get(modelId)?.model);
  if (inputs === undefined) {
    return { ok: false, issues: [{ field: 'modelId', message: `The inputs of the model ${modelId || '(none)'} are not known here yet: refresh the model list while Scenario can be reached, then save again.` }] };
  }
  const validation = validateCustomPreset(draft, inputs);
  if (validation.ok) store.modelInputs.remember(modelId, inputs);
  return validation;
}

/**
 * What changed in the model's inputs since the preset was checked: one sentence per input, empty
 * when nothing changed or when the model's current inputs are not known (offline, never listed).
 */
export function inputsChangesOf(store: Store, preset: Partial<CustomPreset>): string[] {
  const before = typeof preset.inputsVersion === 'string' ? store.modelInputs.get(preset.inputsVersion) : null;
  const now = typeof preset.modelId === 'string' ? publishedInputs(store.models.get(preset.modelId)?.model) : undefined;
  if (before === null || now === undefined || inputsVersion(now) === preset.inputsVersion) return [];
  return describeInputChanges(before, now);
}
