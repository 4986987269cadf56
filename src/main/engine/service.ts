/**
 * The engine as the windows see it: the engine, its contract handlers and its events, composed
 * once for every host (the Electron main process and the browser bridge).
 */
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { createEngine, type Engine, type EngineConfig } from './engine';
import { createHandlers, forwardEvents, type HostAdapters } from './handlers';

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

export async function startEngineService({ host, ...config }: EngineServiceOptions): Promise<EngineService> {
  const engine = await createEngine(config);
  const handlers = createHandlers(engine, host);
  return {
    engine,
    handlers,
    onEvent: (listener) => forwardEvents(engine, listener),
    close: () => engine.close(),
  };
}
