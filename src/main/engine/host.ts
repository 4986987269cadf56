/**
 * The web host: the engine, its contract handlers and the browser bridge in one process. The
 * browser end-to-end tests and the developer's "app in a browser" run on it. Credentials come
 * from the environment (or the in-process simulator), and the OS shell is not available.
 */
import { startBridge, type Bridge } from '../bridge/server';
import { createEngine, type Engine, type EngineConfig } from './engine';
import { browserShell, createHandlers, envCredentials, forwardEvents } from './handlers';
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

const DEFAULT_SCENARIO_BASE_URL = 'https://api.cloud.scenario.com/v1';

function scenarioConnection(simulator: WebHostOptions['simulator'], env: NodeJS.ProcessEnv): EngineConfig['scenario'] {
  if (simulator === true) return { simulator: true };
  if (typeof simulator === 'object') return { simulator: true, ...simulator };
  const apiKey = env.SCENARIO_API_KEY?.trim();
  const apiSecret = env.SCENARIO_API_SECRET?.trim();
  if (!apiKey || !apiSecret) return null;
  return { baseUrl: env.SCENARIO_API_URL?.trim() || DEFAULT_SCENARIO_BASE_URL, apiKey, apiSecret };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const scenario = scenarioConnection(options.simulator, process.env);
  const engine = await createEngine({ home: options.home, scenario, ...options.engine });
  try {
    const handlers = createHandlers(engine, {
      // With the simulator the environment's key is not the one in use: report none rather than a wrong one.
      credentials: envCredentials(engine.simulated ? {} : process.env),
      shell: browserShell,
      // The bridge answers app.info with its own origin as the library URL base.
      info: { version: packageJson.version, platform: process.platform, libraryUrlBase: '', usingSimulator: engine.simulated },
    });
    const bridge = await startBridge({
      handlers,
      onEvent: (listener) => forwardEvents(engine, listener),
      libraryRoot: engine.libraryRoot,
      rendererDir: options.rendererDir ?? null,
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    let closed: Promise<void> | undefined;
    return {
      url: bridge.url,
      engine,
      bridge,
      close() {
        closed ??= bridge.close().finally(() => engine.close());
        return closed;
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
