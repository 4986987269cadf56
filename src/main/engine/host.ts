/**
 * The web host: the engine, its contract handlers and the browser bridge in one process. The
 * browser end-to-end tests and the developer's "app in a browser" run on it. Credentials come
 * from the environment (or the in-process simulator), and the OS shell is not available.
 */
import { startBridge, type Bridge } from '../bridge/server';
import { scenarioFromEnv } from './connection';
import type { Engine, EngineConfig } from './engine';
import { browserShell, envCredentials } from './handlers';
import { startEngineService } from './service';
import packageJson from '../../../package.json';

export interface WebHostOptions {
  home: string;
  /** true or options: an in-process simulator instead of Scenario; false/absent: Scenario with SCENARIO_API_KEY/SECRET. */
  simulator?: boolean | { latencyMs?: number; faults?: string };
  /** The renderer's web build (out/renderer); absent serves only the socket and the library. */
  rendererDir?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Engine tuning for tests (client retries and polling, pipeline waits). */
  engine?: Pick<EngineConfig, 'client' | 'pipeline' | 'stableMs' | 'concurrency'>;
}

export interface WebHost {
  /** Open this in a browser: it carries the bridge's access token. */
  url: string;
  engine: Engine;
  bridge: Bridge;
  close(): Promise<void>;
}

function scenarioConnection(simulator: WebHostOptions['simulator']): EngineConfig['scenario'] {
  if (simulator === true) return { simulator: true };
  if (typeof simulator === 'object') return { simulator: true, ...simulator };
  return scenarioFromEnv();
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const simulated = options.simulator !== undefined && options.simulator !== false;
  const service = await startEngineService({
    home: options.home,
    scenario: scenarioConnection(options.simulator),
    ...options.engine,
    host: {
      // With the simulator the environment's key is not the one in use: report none rather than a wrong one.
      credentials: envCredentials(simulated ? {} : process.env),
      shell: browserShell,
      // The bridge answers app.info with its own origin as the library URL base.
      info: { version: packageJson.version, platform: process.platform, libraryUrlBase: '', usingSimulator: simulated },
    },
  });
  try {
    const bridge = await startBridge({
      handlers: service.handlers,
      onEvent: service.onEvent,
      libraryRoot: service.engine.libraryRoot,
      rendererDir: options.rendererDir ?? null,
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    let closed: Promise<void> | undefined;
    return {
      url: bridge.url,
      engine: service.engine,
      bridge,
      close() {
        closed ??= bridge.close().finally(() => service.close());
        return closed;
      },
    };
  } catch (error) {
    await service.close();
    throw error;
  }
}
