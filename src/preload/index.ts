/**
 * The preload's whole job: put the typed contract client on `window.api`. Nothing else crosses
 * into the page: no ipcRenderer, no event objects (they carry `sender`), no Node.
 * Bundled as one CommonJS file (electron.vite.config.ts) because the window is sandboxed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi } from '../shared/ipc/client';
import { electronEventChannel } from '../shared/ipc/electron-wire';

const api = createApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe(event, listener) {
    const channel = electronEventChannel(event);
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
});

contextBridge.exposeInMainWorld('api', api);
