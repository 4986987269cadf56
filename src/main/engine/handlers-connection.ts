/**
 * The channels that change where generations go: saving or forgetting the API key, and choosing
 * the built-in simulator or Scenario. All of them go through Engine.switchConnection, so the rule
 * for jobs in flight (refused while any generation is unfinished) is the same everywhere.
 */
import type { AppInfo } from '../../shared/ipc/contract';
import { connectionFor } from './connection';
import type { Engine } from './engine';
import { HandlerError, type HandlersFor, type HostAdapters } from './handlers-context';

/** What app.info answers: the host's facts and the engine's current connection. */
export function appInfo(engine: Engine, host: HostAdapters): AppInfo {
  return { ...host.info, usingSimulator: engine.simulated, dataFolder: engine.home, nativeFolderPicker: host.shell.pickFolder !== undefined };
}

export function connectionHandlers(engine: Engine, host: HostAdapters): Pick<HandlersFor<'app' | 'credentials'>, 'app.useSimulator' | 'credentials.save' | 'credentials.clear'> {
  const forCredentials = host.connectionFor ?? ((credentials) => connectionFor(credentials));

  return {
    'app.useSimulator': async ({ simulator }) => {
      if (simulator) {
        await engine.switchConnection({ simulator: true });
      } else {
        const credentials = await host.credentials.load();
        const scenario = credentials === null ? null : forCredentials(credentials);
        if (scenario === null || 'simulator' in scenario) {
          throw new HandlerError('connection.no-credentials', 'No Scenario API key is set. Save your API key and secret in Settings first: the app then uses Scenario.');
        }
        await engine.switchConnection(scenario);
      }
    },

    // The key is checked against the queue before it is stored, so a refused switch leaves nothing half done.
    'credentials.save': async (credentials) => {
      const next = forCredentials(credentials);
      engine.checkSwitch(next);
      const status = await host.credentials.save(credentials);
      await engine.switchConnection(next);
      return status;
    },

    'credentials.clear': async () => {
      const next = forCredentials(null);
      engine.checkSwitch(next);
      const status = await host.credentials.clear();
      await engine.switchConnection(next);
      return status;
    },
  };
}
