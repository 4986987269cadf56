/**
 * The engine as the windows see it: the engine, its contract handlers and its events, composed
 * once for every host (the Electron main process, the browser bridge, the CLI). A running engine
 * also serves them on its local socket, so other processes attach to it (local-service.ts).
 */
import { userMessageOf } from '../../shared/errors';
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { forwardActivity } from './activity';
import { createEngine, type Engine, type EngineConfig } from './engine';
import { createHandlers, forwardEvents, type HostAdapters } from './handlers';
import { serveLocally, type LocalService } from './local-service';

export interface EngineServiceOptions extends EngineConfig {
  /** What differs between hosts (app.info's `usingSimulator` always comes from the engine's current connection). */
  host: HostAdapters;
}

export interface EngineService {
  engine: Engine;
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Serves a running engine's contract on its local socket. A home where it cannot (a path too long
 * for a socket) still runs: other commands are then refused as before, which `onProblem` is told.
 */
export async function serveEngine(engine: Engine, handlers: ContractHandlers, onProblem: (message: string) => void): Promise<LocalService | null> {
  try {
    return await serveLocally({
      home: engine.home,
      handlers,
      onEvent: (listener) => {
        const stops = [forwardEvents(engine, listener), forwardActivity(engine.events, listener)];
        return () => {
          for (const stop of stops) stop();
        };
      },
    });
  } catch (error) {
    onProblem(userMessageOf(error));
    return null;
  }
}

export async function startEngineService({ host, ...config }: EngineServiceOptions): Promise<EngineService> {
  const engine = await createEngine(config);
  const handlers = createHandlers(engine, host);
  // Said as a warning: the window lists the engine's warnings from its start.
  const local = config.run === false ? null : await serveEngine(engine, handlers, (message) => engine.events.emit('warning', { message }));
  let closed: Promise<void> | undefined;
  return {
    engine,
    handlers,
    onEvent: (listener) => forwardEvents(engine, listener),
    close() {
      closed ??= (async () => {
        await local?.close();
        await engine.close();
      })();
      return closed;
    },
  };
}
