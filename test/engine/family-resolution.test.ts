// The engine's lookup of families left unknown by an offline save, on a real store and the
// simulator over HTTP: what it records, what it leaves, and a preset edited while it looked.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FamilyResolution } from '../../src/main/engine/family-resolution';
import { resolveModelFamily, versionIssues } from '../../src/main/engine/model-inputs';
import { ScenarioClient } from '../../src/main/scenario/index';
import { openStore, type Store } from '../../src/main/store/index';
import type { FieldIssue } from '../../src/shared/preset/index';
import { FAST_CLIENT, TEST_PRESET, useSimulatorAndTempDir } from '../pipeline/helpers';

const rig = useSimulatorAndTempDir('shf-family-resolution-', { latencyMs: 5 });

function storeAt(name: string): Store {
  return openStore({ file: path.join(rig.dir, `${name}.sqlite`) });
}

function clientOf(): ScenarioClient {
  const { sim } = rig;
  return new ScenarioClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret, ...FAST_CLIENT });
}

/** A preset as `presets add` saves it offline: the family unknown. */
function savedOffline(store: Store, name: string, fields: Record<string, unknown> = {}): number {
  return store.presets.create({ name, family: 'unknown', preset: { ...TEST_PRESET, name, ...fields } }).id;
}

describe('FamilyResolution', () => {
  it('records the family of each unknown preset once per model: a valid one stays valid, a refused one is not valid with the field; a model Scenario lacks and an archived preset are left', async () => {
    const store = storeAt('records');
    const client = clientOf();
    try {
      const wide = savedOffline(store, 'Wide', { width: 1536 });
      const house = savedOffline(store, 'House');
      const missing = savedOffline(store, 'Missing model', { modelId: 'model_nope' });
      const archived = savedOffline(store, 'Archived');
      store.presets.archive(archived);
      const known = store.presets.create({ name: 'Known', family: 'sd-xl', preset: { ...TEST_PRESET, name: 'Known', modelId: 'model_sdxl-base', width: 1024, height: 1024 } }).id;
      const lookups: string[] = [];
      const invalid: { name: string; family: string; issues: readonly FieldIssue[] }[] = [];
      const resolution = new FamilyResolution({
        store,
        resolveFamily: async (modelId, signal) => {
          lookups.push(modelId);
          return (await resolveModelFamily(store, client, modelId, signal)) ?? 'unknown';
        },
        onInvalid: (name, family, issues) => invalid.push({ name, family, issues }),
        onFailure: (error) => {
          throw error;
        },
      });

      await resolution.run();

      expect(lookups.sort()).toEqual(['model_nope', TEST_PRESET.modelId]);
      const current = (id: number) => store.presets.get(id)?.currentVersion;
      expect(current(house)).toMatchObject({ version: 2, family: 'sd-1_5', preset: { ...TEST_PRESET, name: 'House' } });
      expect(versionIssues(store, current(house)!)).toEqual([]);
      expect(current(wide)).toMatchObject({ version: 2, family: 'sd-1_5', preset: { width: 1536 } });
      expect(versionIssues(store, current(wide)!)).toEqual([{ field: 'width', message: 'SD 1.5 allows widths from 64 to 1024: 1536 is too large.' }]);
      expect(invalid).toEqual([{ name: 'Wide', family: 'sd-1_5', issues: [{ field: 'width', message: 'SD 1.5 allows widths from 64 to 1024: 1536 is too large.' }] }]);
      expect(current(missing)).toMatchObject({ version: 1, family: 'unknown' });
      expect(store.presets.get(archived)?.currentVersion).toMatchObject({ version: 1, family: 'unknown' });
      expect(current(known)).toMatchObject({ version: 1, family: 'sd-xl' });
      // The version the offline save made is kept as it was.
      expect(store.presets.versionOf(wide, 1)).toMatchObject({ family: 'unknown', preset: { width: 1536 } });

      // Scenario reachable again: only the model still unknown is asked for.
      lookups.length = 0;
      await resolution.run();
      expect(lookups).toEqual(['model_nope']);
      expect(current(house)?.version).toBe(2);
    } finally {
      store.close();
    }
  });

  it('leaves a preset edited while its model was looked up (its own save checked it), and tries a failed lookup again at the next run', async () => {
    const store = storeAt('edited');
    const client = clientOf();
    try {
      const edited = savedOffline(store, 'Edited');
      let offline = true;
      let lookups = 0;
      const resolution = new FamilyResolution({
        store,
        resolveFamily: async (modelId, signal) => {
          lookups += 1;
          if (offline) throw new Error('Scenario cannot be reached.');
          const family = (await resolveModelFamily(store, client, modelId, signal)) ?? 'unknown';
          // The person saves a new version meanwhile (the window, `presets edit` from another process).
          store.presets.update(edited, { name: 'Edited', family: 'sd-1_5', preset: { ...TEST_PRESET, name: 'Edited', prompt: 'a red house' } });
          return family;
        },
        onInvalid: () => undefined,
        onFailure: (error) => {
          throw error;
        },
      });
      await resolution.run();
      expect(store.presets.get(edited)?.currentVersion).toMatchObject({ version: 1, family: 'unknown' });

      offline = false;
      await resolution.run();
      expect(store.presets.versions(edited).map((version) => [version.version, version.family])).toEqual(expect.arrayContaining([[1, 'unknown'], [2, 'sd-1_5']]));
      expect(store.presets.versions(edited)).toHaveLength(2);
      expect(store.presets.get(edited)?.currentVersion.preset).toMatchObject({ prompt: 'a red house' });
      expect(lookups).toBe(2);
      // No preset of unknown family left: a run asks Scenario nothing.
      await resolution.run();
      expect(lookups).toBe(2);
    } finally {
      store.close();
    }
  });
});
