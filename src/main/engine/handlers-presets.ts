/**
 * presets.*: drafts are checked with the shared preset rules and the model's family, saved as
 * versions in the store, and priced with a dry run whose answer is kept per version.
 */
import sharp from 'sharp';
import type { PresetDetail } from '../../shared/ipc/contract';
import { CUSTOM_FAMILY, type CustomPreset } from '../../shared/model-inputs/index';
import { canonicalJson, type FieldIssue, type Preset as PresetDocument } from '../../shared/preset/index';
import { presetSlug } from '../library/paths';
import { presetRunOf } from '../pipeline/preset-runs';
import { checkDraft, draftContextOf, familyOfContext, inputsChangesOf, versionIssues, type DraftContext } from './model-inputs';
import type { Preset, PresetVersion } from '../store/index';
import type { Engine } from './engine';
import { UNKNOWN_FAMILY, presetDetail, presetSummary, presetVersionDetail, rowId } from './dto';
import { HandlerError, type HandlersFor } from './handlers-context';

/** Asking Scenario for a model's family must not hold a form: past this, the family counts as unknown. */
const FAMILY_LOOKUP_TIMEOUT_MS = 4000;
/** A dry run prices the request's shape, not its pixels: any small real image stands in for the control map. */
const PLACEHOLDER_SIDE = 64;
/** Seeds do not change the price; a fixed one keeps the priced body canonical. */
const PLACEHOLDER_SEED = '0';
/** A version's history lists its newest generations up to this; the count covers them all. */
const VERSION_USES_LISTED = 24;

let placeholderImage: Promise<string> | undefined;

function placeholderDataUrl(): Promise<string> {
  placeholderImage ??= sharp({ create: { width: PLACEHOLDER_SIDE, height: PLACEHOLDER_SIDE, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
    .then((png) => `data:image/png;base64,${png.toString('base64')}`);
  return placeholderImage;
}

function invalidPreset(issues: readonly FieldIssue[]): HandlerError {
  const listed = issues.slice(0, 3).map((issue) => `${issue.field}: ${issue.message}`);
  const more = issues.length > listed.length ? ` (and ${issues.length - listed.length} more)` : '';
  return new HandlerError('preset.invalid', `The preset cannot be saved: ${listed.join('; ')}${more}. Fix these fields, then save again.`);
}

export function presetHandlers(engine: Engine): HandlersFor<'presets'> {
  const { store } = engine;

  /**
   * The model's family and LoRA facts, from the models cache or Scenario. Offline (or slow) gives
   * an empty context: the draft is then checked by the contract's rules only.
   */
  async function contextFor(modelId: unknown): Promise<DraftContext> {
    if (typeof modelId !== 'string' || modelId.trim() === '') return {};
    const lookup = engine.resolveFamily(modelId.trim()).catch(() => UNKNOWN_FAMILY);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(UNKNOWN_FAMILY), FAMILY_LOOKUP_TIMEOUT_MS);
    });
    await Promise.race([lookup, timeout]).finally(() => clearTimeout(timer));
    return draftContextOf(store, modelId.trim());
  }

  const validateDraft = (draft: unknown, context: DraftContext) => checkDraft(store, draft, context);

  /** A valid draft and the family the store records for it ('unknown' when the model's is not known). */
  async function checked(draft: unknown): Promise<{ document: PresetDocument | CustomPreset; context: DraftContext; family: string }> {
    const context = await contextFor((draft as { modelId?: unknown } | null)?.modelId);
    const validation = validateDraft(draft, context);
    if (!validation.ok) throw invalidPreset(validation.issues);
    return { document: validation.preset, context, family: familyOfContext(context) };
  }

  function detail(preset: Preset): PresetDetail {
    const changes = preset.currentVersion.family === CUSTOM_FAMILY ? inputsChangesOf(store, preset.currentVersion.preset as Partial<CustomPreset>) : [];
    return presetDetail(preset, store.presets.versions(preset.id), store.folders.list(), store.presets.useCounts(preset.id), changes);
  }

  function versionOf(preset: Preset, version: number): PresetVersion {
    const found = store.presets.versionOf(preset.id, version);
    if (found === null) throw new HandlerError('not-found', `“${preset.name}” has no version ${version}. Reload the preset.`);
    return found;
  }

  function livePreset(id: string): Preset {
    const preset = store.presets.get(rowId(id, 'preset'));
    if (preset === null || preset.archivedAt !== null) throw new HandlerError('not-found', 'This preset was deleted. Reload the presets.');
    return preset;
  }

  /** "Name (copy)", "Name (copy 2)"...: the first one no live preset has. */
  function freeCopyName(name: string): string {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? `${name} (copy)` : `${name} (copy ${n})`;
      if (store.presets.getByName(candidate) === null) return candidate;
    }
  }

  return {
    'presets.list': async () => {
      const folders = store.folders.list();
      const generationCounts = new Map(store.facetCounts().presets.map((facet) => [facet.value, facet.count]));
      return store.presets.list().map((preset) =>
        presetSummary(preset, {
          folderCount: folders.filter((folder) => folder.presetIds.includes(preset.id)).length,
          generationCount: generationCounts.get(preset.id) ?? 0,
        }, versionIssues(store, preset.currentVersion)),
      );
    },

    'presets.get': async ({ id }) => {
      const preset = store.presets.get(rowId(id, 'preset'));
      if (preset === null) throw new HandlerError('not-found', 'This preset no longer exists. Reload the presets.');
      return detail(preset);
    },

    'presets.create': async ({ preset }) => {
      const { document, family } = await checked(preset);
      return detail(store.presets.create({ name: document.name, family, preset: document }));
    },

    'presets.update': async ({ id, preset }) => {
      const existing = livePreset(id);
      const { document, family } = await checked(preset);
      return detail(store.presets.update(existing.id, { name: document.name, family, preset: document }));
    },

    'presets.duplicate': async ({ id, name }) => {
      const source = livePreset(id);
      const copyName = name?.trim() || freeCopyName(source.name);
      const document = { ...(source.currentVersion.preset as PresetDocument), name: copyName };
      const { document: copy, family } = await checked(document);
      return detail(store.presets.create({ name: copy.name, family, preset: copy }));
    },

    'presets.delete': async ({ id }) => {
      // Archived, not deleted: the generations made with it keep their exact preset version.
      store.presets.archive(livePreset(id).id);
    },

    'presets.validate': async ({ preset }) => {
      const validation = validateDraft(preset, await contextFor((preset as { modelId?: unknown } | null)?.modelId));
      return { issues: validation.ok ? [] : validation.issues };
    },

    'presets.dryRunCost': async ({ preset }) => {
      const { document, context } = await checked(preset);
      // A saved preset whose current version is exactly this draft answers from its cached price.
      const saved = store.presets.getByName(document.name)?.currentVersion;
      const isSaved = saved !== undefined && canonicalJson(saved.preset) === canonicalJson(document);
      if (isSaved && saved.dryRunCost !== null) return { creativeUnitsCost: saved.dryRunCost.costCu, creativeUnitsDiscount: null };
      if (engine.client === null) {
        throw new HandlerError('credentials.missing', 'No Scenario API key is set, so the cost cannot be asked. Add the key in Settings, then try again.');
      }
      const check = presetRunOf({ family: familyOfContext(context), preset: document }, (version) => store.modelInputs.get(version));
      if (!check.ok) throw invalidPreset(check.issues);
      // The preset's own seed when it has one; the price does not depend on it.
      const seed = check.run.seedForRun() === null ? null : String((document as { seed?: unknown }).seed ?? PLACEHOLDER_SEED);
      const estimate = await engine.client.dryRun(check.run.endpoint, check.run.requestJson(await placeholderDataUrl(), seed));
      if (isSaved) store.presets.setDryRunCost(saved.id, estimate.creativeUnitsCost);
      return { creativeUnitsCost: estimate.creativeUnitsCost, creativeUnitsDiscount: estimate.creativeUnitsDiscount ?? null };
    },

    'presets.import': async ({ json }) => {
      let document: unknown;
      try {
        document = JSON.parse(json);
      } catch {
        throw new HandlerError('preset.invalid-import', 'This is not valid JSON. Choose a preset file exported from Scenario Hot Folder.');
      }
      const entries = (document as { presets?: unknown } | null)?.presets;
      if (!Array.isArray(entries)) {
        throw new HandlerError('preset.invalid-import', 'This file is not a preset export from Scenario Hot Folder. Nothing was imported.');
      }
      // Every entry is checked (with its model's family) before the store imports all or nothing.
      for (const [index, entry] of entries.entries()) {
        const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as { name?: unknown; preset?: unknown };
        const label = typeof fields.name === 'string' ? `"${fields.name}"` : `number ${index + 1}`;
        const validation = validateDraft(fields.preset, await contextFor((fields.preset as { modelId?: unknown } | null)?.modelId));
        if (!validation.ok) {
          const issue = validation.issues[0];
          throw new HandlerError('preset.invalid-import', `Preset ${label} in this file is not valid${issue ? ` (${issue.field}: ${issue.message})` : ''}. Nothing was imported.`);
        }
      }
      const [first] = store.presets.importPresets(document);
      if (first === undefined) throw new HandlerError('preset.invalid-import', 'This file holds no presets. Nothing was imported.');
      return detail(store.presets.get(first.presetId) as Preset);
    },

    'presets.version': async ({ id, version }) => {
      const preset = store.presets.get(rowId(id, 'preset'));
      if (preset === null) throw new HandlerError('not-found', 'This preset no longer exists. Reload the presets.');
      // Archived presets answer too: a generation's detail may point at one of their versions.
      const found = versionOf(preset, version);
      const count = store.presets.useCounts(preset.id).get(found.id) ?? 0;
      return presetVersionDetail(preset, found, { count, newest: store.presets.usesOf(found.id, VERSION_USES_LISTED) });
    },

    'presets.restoreVersion': async ({ id, version }) => {
      const preset = livePreset(id);
      // The values come back, not the old name: the preset keeps the name its list and folders show.
      const document = { ...(versionOf(preset, version).preset as PresetDocument), name: preset.name };
      // Checked against today's rules and the model's family, like any save: an old version that
      // no longer passes is explained by field instead of being written back.
      const { document: restored, family } = await checked(document);
      return detail(store.presets.update(preset.id, { name: restored.name, family, preset: restored }));
    },

    'presets.export': async ({ id }) => {
      const preset = livePreset(id);
      const document = store.presets.exportPresets([preset.id]);
      return { json: `${JSON.stringify(document, null, 2)}\n`, fileName: `${presetSlug(preset.name)}.preset.json` };
    },
  };
}
