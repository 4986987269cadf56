/**
 * app.*, credentials.*, models.* and library.*: what depends on the host (its version, where the
 * secret lives, the OS shell) and on Scenario being reachable (the model list, kept for offline).
 */
import type { ModelInfo, ModelList } from '../../shared/ipc/contract';
import { familyOfModel } from '../../shared/preset/index';
import { cacheModelThumbnails, cachedModelThumbnails, modelThumbnailSource, type ModelThumbnailSource } from '../library/model-thumbnails';
import { resolveInsideLibrary } from '../library/paths';
import { ScenarioError, isHotFolderModel, type ScenarioModel } from '../scenario/index';
import { isImageFileInput, publishedInputs, type ModelInput } from '../../shared/model-inputs/index';
import { modelSchema } from '../scenario/schemas';
import type { Engine } from './engine';
import { iso } from './dto';
import { appInfo, connectionHandlers } from './handlers-connection';
import { HandlerError, type HandlersFor, type HostAdapters } from './handlers-context';

/** A connection test answers within this or reports the wait as a failure. */
const CONNECTION_TEST_TIMEOUT_MS = 15_000;

/** Failures that mean "Scenario cannot be reached now" rather than "Scenario said no". */
const OFFLINE_CODES: readonly string[] = ['network', 'timeout', 'server', 'rate-limited'];

/** The models the picker offers: ControlNet-capable of a family we know, or publishing inputs that take an image. */
function pickable(models: readonly ScenarioModel[]): ScenarioModel[] {
  return models.filter((model) => isHotFolderModel(model) && (familyOf(model) !== undefined || imageInputsOf(model) !== undefined));
}

function familyOf(model: ScenarioModel) {
  return model.type === undefined || publishedInputs(model) !== undefined ? undefined : familyOfModel({ type: model.type, name: model.name, modelId: model.id });
}

/** The inputs of a model that publishes them and takes an image in one of them. */
function imageInputsOf(model: ScenarioModel): ModelInput[] | undefined {
  const inputs = publishedInputs(model);
  return inputs?.some(isImageFileInput) === true ? inputs : undefined;
}

function thumbnailSources(models: readonly ScenarioModel[]): ModelThumbnailSource[] {
  return models.map(modelThumbnailSource).filter((source) => source !== null);
}

/** `thumbnails`: the library relPath of each model's cached thumbnail, by model id. */
function modelInfos(models: readonly ScenarioModel[], thumbnails: ReadonlyMap<string, string>): ModelInfo[] {
  return models
    .flatMap((model) => {
      const family = familyOf(model);
      const inputs = imageInputsOf(model);
      if ((family === undefined && inputs === undefined) || model.type === undefined) return [];
      return [{ id: model.id, name: model.name ?? model.id, family: family ?? null, type: model.type, ...(inputs === undefined ? {} : { inputs }), thumbnailRelPath: thumbnails.get(model.id) ?? null }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function appHandlers(engine: Engine, host: HostAdapters): HandlersFor<'app' | 'credentials' | 'models' | 'library'> {
  const { store } = engine;

  /** The last list seen, with the thumbnails the library holds for it: what the picker shows offline. */
  async function cachedModels(): Promise<ModelList> {
    const models = pickable(store.models.list().flatMap((entry) => {
      const parsed = modelSchema.safeParse(entry.model);
      return parsed.success ? [parsed.data] : [];
    }));
    const thumbnails = await cachedModelThumbnails(engine.libraryRoot, thumbnailSources(models));
    return { models: modelInfos(models, thumbnails), fetchedAt: savedAt(), fromCache: true };
  }

  /** When the saved list was fetched, as the store recorded it. */
  function savedAt(): string | null {
    const fetchedAt = store.models.lastFetchedAt();
    return fetchedAt === null ? null : iso(fetchedAt);
  }

  async function fetchModels(): Promise<ModelList> {
    const client = engine.client;
    if (client === null) {
      throw new ScenarioError('auth', 'No Scenario API key is set, so the model list cannot be fetched. Add the key in Settings, then try again.');
    }
    const models = await client.listModels({ hotFolderOnly: true });
    store.models.replaceAll(models.map((model) => ({ modelId: model.id, model })));
    // A thumbnail that cannot be had now leaves its model with initials; the next refresh tries again.
    const thumbnails = await cacheModelThumbnails(engine.libraryRoot, thumbnailSources(pickable(models)), client);
    // The time the store recorded, so the cached copy later reports the same one.
    return { models: modelInfos(pickable(models), thumbnails), fetchedAt: savedAt(), fromCache: false };
  }

  return {
    'app.info': async () => appInfo(engine, host),
    'app.pickFolder': async () => {
      if (host.shell.pickFolder === undefined) {
        throw new HandlerError('shell.unavailable', 'Choosing a folder from a dialog needs the desktop app. Type the folder path instead.');
      }
      return { path: await host.shell.pickFolder() };
    },
    ...connectionHandlers(engine, host),

    'credentials.status': () => host.credentials.status(),
    'credentials.testConnection': async () => {
      if (engine.client === null) return { ok: false, message: 'No Scenario API key is set. Add the key and secret first.', latencyMs: null };
      const started = performance.now();
      try {
        await engine.client.listJobs({ pageSize: 1 }, { signal: AbortSignal.timeout(CONNECTION_TEST_TIMEOUT_MS) });
        const latencyMs = Math.round(performance.now() - started);
        return { ok: true, message: engine.simulated ? 'Connected to the built-in simulator.' : 'Connected to Scenario.', latencyMs };
      } catch (error) {
        // ScenarioError messages are written for people and never hold the secret.
        const message = error instanceof ScenarioError ? error.userMessage : 'Scenario could not be reached. Check your connection, then try again.';
        return { ok: false, message, latencyMs: null };
      }
    },

    'models.list': async (input) => {
      const cache = await cachedModels();
      if (input?.refresh !== true && cache.models.length > 0) return cache;
      try {
        return await fetchModels();
      } catch (error) {
        // Offline, the last list seen is better than none; a refusal (bad key, no plan) is the person's to fix.
        const offline = error instanceof ScenarioError && OFFLINE_CODES.includes(error.code);
        if ((offline || engine.client === null) && cache.fetchedAt !== null) return cache;
        throw error;
      }
    },

    'library.openFile': async ({ relPath }) => host.shell.openFile(await resolveInsideLibrary(engine.libraryRoot, relPath)),
    'library.revealFile': async ({ relPath }) => host.shell.revealFile(await resolveInsideLibrary(engine.libraryRoot, relPath)),
    'library.startDrag': async ({ relPath }) => host.shell.startDrag(await resolveInsideLibrary(engine.libraryRoot, relPath)),
  };
}
