/**
 * A preset saved while its model's family could not be known (offline, or without credentials)
 * has the family 'unknown', so only the contract's rules checked it. The engine looks such
 * families up by itself once Scenario can be asked (at start, when Scenario can be reached again
 * after the network or the key held the queue, after a connection change) and records the family
 * as a new version of the preset with the same document, which is how any change of a preset is
 * kept. A document its family's rules refuse is then not valid, with the field and why, like any
 * preset that fails its checks: the pipeline takes no file for it (the file stays in its folder).
 */
import type { FieldIssue } from '../../shared/preset/index';
import type { Store } from '../store/index';
import { UNKNOWN_FAMILY } from './dto';
import { checkDraft, draftContextOf, familyOfContext } from './model-inputs';

export interface FamilyResolutionOptions {
  store: Store;
  /** The model's family, from the cache or Scenario; throws when Scenario cannot tell (offline, key refused, no such model). */
  resolveFamily(modelId: string, signal: AbortSignal): Promise<string>;
  /** A preset whose family is now known and whose rules it breaks: the person is told. */
  onInvalid(presetName: string, family: string, issues: readonly FieldIssue[]): void;
  /** The library could not be read or written (a run never rejects): the next run tries again. */
  onFailure(error: unknown): void;
}

export class FamilyResolution {
  readonly #options: FamilyResolutionOptions;
  readonly #stopping = new AbortController();
  #running: Promise<void> | null = null;
  #again = false;

  constructor(options: FamilyResolutionOptions) {
    this.#options = options;
  }

  /**
   * Looks up the family of every live preset whose family is unknown, once per model. Never
   * rejects: a model that cannot be looked up now stays unknown until the next run. A call during
   * a run makes it run once more (a preset saved meanwhile is not missed).
   */
  run(): Promise<void> {
    if (this.#stopping.signal.aborted) return Promise.resolve();
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    const running = (async () => {
      do {
        this.#again = false;
        await this.#pass().catch((error: unknown) => this.#options.onFailure(error));
      } while (this.#again && !this.#stopping.signal.aborted);
    })().finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }

  /** Ends a run under way (its lookup is aborted, nothing more is written). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #pass(): Promise<void> {
    const { store } = this.#options;
    const signal = this.#stopping.signal;
    const unknownByModel = new Map<string, number[]>();
    for (const preset of store.presets.list()) {
      if (preset.currentVersion.family !== UNKNOWN_FAMILY) continue;
      const modelId = (preset.currentVersion.preset as { modelId?: unknown }).modelId;
      if (typeof modelId !== 'string' || modelId.trim() === '') continue;
      unknownByModel.set(modelId.trim(), [...(unknownByModel.get(modelId.trim()) ?? []), preset.currentVersion.id]);
    }
    for (const [modelId, versionIds] of unknownByModel) {
      let family: string;
      try {
        family = await this.#options.resolveFamily(modelId, signal);
      } catch {
        // Quietly: the queue's own holds tell the person about the network or the key, and a
        // model Scenario does not have holds its generations (the pipeline's model hold).
        continue;
      }
      if (signal.aborted) return;
      // A family this app has no rules for stays unknown: Scenario checks each request itself.
      if (family === UNKNOWN_FAMILY) continue;
      for (const versionId of versionIds) this.#record(versionId, modelId);
    }
  }

  /** Records the family on the preset whose current version is still `versionId` (an edit meanwhile was checked by its own save). */
  #record(versionId: number, modelId: string): void {
    const { store } = this.#options;
    const invalid = store.transaction(() => {
      const version = store.presets.getVersion(versionId);
      const preset = version === null ? null : store.presets.get(version.presetId);
      if (version === null || preset === null || preset.archivedAt !== null || preset.currentVersion.id !== versionId) return null;
      const context = draftContextOf(store, modelId);
      const family = familyOfContext(context);
      if (family === UNKNOWN_FAMILY) return null;
      const checked = checkDraft(store, version.preset, context);
      // Refused by its family's rules, the document is kept as it is: the preset is then not
      // valid (the pipeline's own check says why), and the person fixes it with an edit.
      store.presets.update(preset.id, { name: preset.name, family, preset: checked.ok ? checked.preset : version.preset });
      return checked.ok ? null : { name: preset.name, family, issues: checked.issues };
    });
    if (invalid !== null) this.#options.onInvalid(invalid.name, invalid.family, invalid.issues);
  }
}
