/**
 * The preload's whole job: put the typed contract client on `window.api`. Nothing else crosses
 * into the page: no ipcRenderer, no event objects (they carry `sender`), no Node.
 * Bundled as one CommonJS file (electron.vite.config.ts) because the window is sandboxed.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createApi, type HostCapabilities } from '../shared/ipc/client';
import { electronEventChannel } from '../shared/ipc/electron-wire';

/**
 * With contextIsolation and the sandbox, a dropped File carries no `path`: only webUtils, here,
 * can map it back to the disk. It answers '' for files that never were on disk (made in the page).
 */
const electronHost: HostCapabilities = {
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

const api = createApi(
  {
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    subscribe(event, listener) {
      const channel = electronEventChannel(event);
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  },
  electronHost,
);

contextBridge.exposeInMainWorld('api', api);
