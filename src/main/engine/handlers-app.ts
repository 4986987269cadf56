/**
 * app.*, credentials.*, models.* and library.*: what depends on the host (its version, where the
 * secret lives, the OS shell) and on Scenario being reachable (the model list, kept for offline).
 */
import type { ModelInfo, ModelList } from '../../shared/ipc/contract';
import { familyOfModel } from '../../shared/preset/index';
import { resolveInsideLibrary } from '../library/paths';
import { ScenarioError, isControlNetModel, type ScenarioModel } from '../scenario/index';
import { modelSchema } from '../scenario/schemas';
import type { Engine } from './engine';
import { iso } from './dto';
import type { HandlersFor, HostAdapters } from './handlers-context';

/** A connection test answers within this or reports the wait as a failure. */
const CONNECTION_TEST_TIMEOUT_MS = 15_000;

/** Failures that mean "Scenario cannot be reached now" rather than "Scenario said no". */
const OFFLINE_CODES: readonly string[] = ['network', 'timeout', 'server', 'rate-limited'];

function modelInfo(model: ScenarioModel): ModelInfo | null {
  const family = model.type === undefined ? undefined : familyOfModel({ type: model.type, name: model.name, modelId: model.id });
  if (family === undefined || model.type === undefined) return null;
  const thumbnail = (model as { thumbnail?: { url?: unknown } }).thumbnail;
  return {
    id: model.id,
    name: model.name ?? model.id,
    family,
    type: model.type,
    thumbnailUrl: typeof thumbnail?.url === 'string' ? thumbnail.url : null,
  };
}

function modelInfos(models: readonly ScenarioModel[]): ModelInfo[] {
  return models
    .filter(isControlNetModel)
    .map(modelInfo)
    .filter((model) => model !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function appHandlers(engine: Engine, host: HostAdapters): HandlersFor<'app' | 'credentials' | 'models' | 'library'> {
  const { store } = engine;

  function cachedModels(): ModelList {
    const cached = store.models.list();
    const models = cached.flatMap((entry) => {
      const parsed = modelSchema.safeParse(entry.model);
      return parsed.success ? [parsed.data] : [];
    });
    const fetchedAt = cached.length === 0 ? null : iso(Math.max(...cached.map((entry) => entry.fetchedAt)));
    return { models: modelInfos(models), fetchedAt, fromCache: true };
  }

  async function fetchModels(): Promise<ModelList> {
    if (engine.client === null) {
      throw new ScenarioError('auth', 'No Scenario API key is set, so the model list cannot be fetched. Add the key in Settings, then try again.');
    }
    const models = await engine.client.listModels({ controlnetOnly: true });
    store.models.replaceAll(models.map((model) => ({ modelId: model.id, model })));
    // The time the store recorded, so the cached copy later reports the same one.
    return { models: modelInfos(models), fetchedAt: cachedModels().fetchedAt, fromCache: false };
  }

  return {
    'app.info': async () => ({ ...host.info, dataFolder: engine.home }),

    'credentials.status': () => host.credentials.status(),
    'credentials.save': (credentials) => host.credentials.save(credentials),
    'credentials.clear': () => host.credentials.clear(),
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
      const cache = cachedModels();
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
  };
}
