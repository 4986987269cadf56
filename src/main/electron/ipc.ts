/**
 * Electron IPC: one `ipcMain.handle` per contract channel, all answered by the shared dispatcher,
 * and engine events forwarded to the window. A request is trusted only if it comes from our
 * window's top frame showing our own page (GitHub Desktop and Electron's checklist do the same).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channelNames, type ContractEvent, type ContractHandlers } from '../../shared/ipc/contract';
import { electronEventChannel } from '../../shared/ipc/electron-wire';
import { createDispatcher, type DispatcherOptions } from '../../shared/ipc/server';
import { isTrustedSenderUrl, type AppOrigins } from './policy';

export interface IpcBinding {
  /** Starts forwarding events to this window and trusting it (the app has one window at a time). */
  attach(window: BrowserWindow): void;
  dispose(): void;
}

export function bindIpc(
  handlers: ContractHandlers,
  onEvent: (listener: (event: ContractEvent) => void) => () => void,
  origins: AppOrigins,
  onFailure?: DispatcherOptions<IpcMainInvokeEvent>['onFailure'],
): IpcBinding {
  let window: BrowserWindow | null = null;

  const dispatch = createDispatcher<IpcMainInvokeEvent>(handlers, {
    isTrustedSender: (event) => {
      const frame = event.senderFrame;
      return (
        window !== null &&
        !window.isDestroyed() &&
        event.sender.id === window.webContents.id &&
        frame !== null &&
        frame === event.sender.mainFrame &&
        isTrustedSenderUrl(frame.url, origins)
      );
    },
    onFailure,
  });

  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, payload: unknown) => dispatch(channel, payload, event));
  }

  const stopEvents = onEvent((event) => {
    if (window && !window.isDestroyed()) window.webContents.send(electronEventChannel(event.name), event.payload);
  });

  return {
    attach(next) {
      window = next;
    },
    dispose() {
      stopEvents();
      for (const channel of channelNames) ipcMain.removeHandler(channel);
    },
  };
}
