import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { AnyPreset, ModelInfo, PresetDetail, PresetSummary, PresetVersionDetail } from '../../shared/ipc/contract';
import type { PresetDraft } from '../common/presetDraft';
import type { AppStore } from './appStore';

export interface PresetsState {
  list: PresetSummary[];
  models: ModelInfo[];
  /**
   * When a refresh could not reach Scenario, the time of the saved list shown instead; null when
   * the list is as fresh as asked. The engine also answers `fromCache` for a plain (non-refresh)
   * read of a list it fetched earlier: that is no sign of being offline.
   */
  modelsOfflineSince: string | null;
  selectedId: string | null;
  detail: PresetDetail | null;
  /** A new preset being written; null when editing an existing one. */
  draftSeed: PresetDraft | null;
  /** A version of the selected preset opened read-only from its history, or null. */
  viewedVersion: PresetVersionDetail | null;
  load(): Promise<void>;
  loadModels(refresh?: boolean): Promise<void>;
  select(id: string | null): Promise<void>;
  startNew(seed?: PresetDraft): void;
  save(preset: AnyPreset): Promise<PresetDetail | null>;
  duplicate(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  importJson(json: string): Promise<void>;
  exportJson(id: string): Promise<{ json: string; fileName: string } | null>;
  openVersion(version: number): Promise<void>;
  /** Shows the presets screen with that preset selected and that version open (from a generation's detail). */
  showVersion(presetId: string, version: number): Promise<void>;
  closeVersion(): void;
  /** Saves the viewed version's values as the preset's newest version. */
  restoreVersion(version: number): Promise<void>;
}

export function createPresetsStore(api: Api, app: AppStore) {
  const report = (error: unknown) => app.getState().reportError(error);
  return createStore<PresetsState>()((set, get) => ({
    list: [],
    models: [],
    modelsOfflineSince: null,
    selectedId: null,
    detail: null,
    draftSeed: null,
    viewedVersion: null,

    async load() {
      try {
        set({ list: await api.presets.list() });
      } catch (error) {
        report(error);
      }
    },
    async loadModels(refresh = false) {
      try {
        const { models, fromCache, fetchedAt } = await api.models.list({ refresh });
        set({ models, modelsOfflineSince: refresh && fromCache ? fetchedAt : null });
      } catch (error) {
        report(error);
      }
    },
    async select(id) {
      set({ selectedId: id, detail: null, draftSeed: null, viewedVersion: null });
      if (id === null) return;
      try {
        const detail = await api.presets.get({ id });
        if (get().selectedId === id) set({ detail });
      } catch (error) {
        report(error);
      }
    },
    startNew(seed = {}) {
      set({ selectedId: null, detail: null, draftSeed: seed, viewedVersion: null });
      app.getState().show('presets');
    },
    async save(preset) {
      const id = get().selectedId;
      try {
        const detail = id ? await api.presets.update({ id, preset }) : await api.presets.create({ preset });
        set({ selectedId: detail.id, detail, draftSeed: null, viewedVersion: null });
        await get().load();
        app.getState().toast({ message: `Saved “${detail.preset.name}” (version ${detail.version}).`, tone: 'info' });
        return detail;
      } catch (error) {
        report(error);
        return null;
      }
    },
    async duplicate(id) {
      try {
        const detail = await api.presets.duplicate({ id });
        await get().load();
        set({ selectedId: detail.id, detail, draftSeed: null, viewedVersion: null });
      } catch (error) {
        report(error);
      }
    },
    async remove(id) {
      try {
        await api.presets.delete({ id });
        if (get().selectedId === id) set({ selectedId: null, detail: null, viewedVersion: null });
        await get().load();
      } catch (error) {
        report(error);
      }
    },
    async importJson(json) {
      try {
        const detail = await api.presets.import({ json });
        await get().load();
        set({ selectedId: detail.id, detail, draftSeed: null, viewedVersion: null });
      } catch (error) {
        report(error);
      }
    },
    async exportJson(id) {
      try {
        return await api.presets.export({ id });
      } catch (error) {
        report(error);
        return null;
      }
    },
    async openVersion(version) {
      const id = get().selectedId;
      if (id === null) return;
      try {
        const viewed = await api.presets.version({ id, version });
        // The person may have picked another preset while this was on its way.
        if (get().selectedId === id) set({ viewedVersion: viewed });
      } catch (error) {
        report(error);
      }
    },
    async showVersion(presetId, version) {
      app.getState().show('presets');
      await get().select(presetId);
      await get().openVersion(version);
    },
    closeVersion() {
      set({ viewedVersion: null });
    },
    async restoreVersion(version) {
      const id = get().selectedId;
      if (id === null) return;
      try {
        const before = get().detail?.version;
        const detail = await api.presets.restoreVersion({ id, version });
        set({ detail, viewedVersion: null });
        await get().load();
        const message = detail.version === before
          ? `Version ${detail.version} already has the values of version ${version}: nothing to restore.`
          : `Restored version ${version} as version ${detail.version}.`;
        app.getState().toast({ message, tone: 'info' });
      } catch (error) {
        report(error);
      }
    },
  }));
}

export type PresetsStore = ReturnType<typeof createPresetsStore>;
