/**
 * The engine a desktop window is served: one of the app's own, or, when another process holds the
 * library (a headless `scenario-hotfolder watch` on the same machine), that one's, reached on its
 * local socket. The window then works on that engine as it would on its own, and says so; the app
 * neither refuses to start nor starts a second engine on the same library.
 *
 * Plain Node: the Electron main process (src/main/electron/main.ts) only passes its adapters.
 */
import type { ContractEvent, ContractHandlers } from '../../shared/ipc/contract';
import { resolveInsideLibrary } from '../library/paths';
import { attachToHolder, type AttachedEngine } from './attach';
import { defaultHome } from './home';
import type { HostAdapters } from './handlers-context';
import { startEngineService, type EngineServiceOptions } from './service';

export interface WindowEngine {
  handlers: ContractHandlers;
  onEvent(listener: (event: ContractEvent) => void): () => void;
  /** The process whose engine serves the window when it is another's; null when it is the app's own. */
  attachedTo: number | null;
  /** Called once if the engine attached to goes away (the app may then take the library itself). */
  onLost(listener: () => void): () => void;
  close(): Promise<void>;
}

function isHomeInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'home-in-use';
}

/** What the window says while it works on another process's engine. */
export function attachedNotice(pid: number | null): string {
  return `Attached to the engine of another process${pid === null ? '' : ` (${pid})`} that holds this library, such as a headless \`scenario-hotfolder watch\`: it does the work, and goes on when this window closes.`;
}

/**
 * The attached engine's handlers, with what belongs to this host answered here: app.info names
 * this app (its version, its library URLs, its native drags) and says the window is attached, and
 * the library's files are opened, shown and dragged by this host's shell (the engine's process
 * may have no desktop at all).
 */
export function attachedWindowHandlers(attached: AttachedEngine, host: Pick<HostAdapters, 'info' | 'shell'>): ContractHandlers {
  const remote = attached.handlers;
  const inLibrary = async (relPath: string) => resolveInsideLibrary((await remote['settings.get']()).libraryLocation, relPath);
  return {
    ...remote,
    'app.info': async () => {
      const { usingSimulator, dataFolder } = await remote['app.info']();
      const { version, platform, libraryUrlBase, nativeFileDrag } = host.info;
      return { version, platform, libraryUrlBase, usingSimulator, dataFolder, ...(nativeFileDrag === undefined ? {} : { nativeFileDrag }), attachedTo: attachedNotice(attached.ownerPid) };
    },
    'library.openFile': async ({ relPath }) => host.shell.openFile(await inLibrary(relPath)),
    'library.revealFile': async ({ relPath }) => host.shell.revealFile(await inLibrary(relPath)),
    'library.startDrag': async ({ relPath }) => host.shell.startDrag(await inLibrary(relPath)),
  };
}

/** Starts the app's own engine, or attaches to the one that holds the library. */
export async function openWindowEngine(options: EngineServiceOptions, attachWaitMs?: number): Promise<WindowEngine> {
  const home = options.home ?? defaultHome();
  for (;;) {
    try {
      const service = await startEngineService(options);
      return { handlers: service.handlers, onEvent: service.onEvent, attachedTo: null, onLost: () => () => undefined, close: () => service.close() };
    } catch (error) {
      if (!isHomeInUse(error)) throw error;
    }
    const attached = await attachToHolder(home, attachWaitMs);
    // Gone between the two looks: the library is free again.
    if (attached === null) continue;
    return {
      handlers: attachedWindowHandlers(attached, options.host),
      onEvent: (listener) => attached.onEvent(listener),
      attachedTo: attached.ownerPid,
      onLost: (listener) => attached.onLost(listener),
      close: async () => attached.close(),
    };
  }
}
