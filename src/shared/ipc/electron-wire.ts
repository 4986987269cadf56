/**
 * How the contract travels over Electron IPC: request channels use their contract names
 * (`ipcMain.handle('presets.list')`), events are sent on `event:<name>` so they can never be
 * confused with a request channel. Shared by src/main/electron/ipc.ts and the preload.
 */
export const ELECTRON_EVENT_PREFIX = 'event:';

export function electronEventChannel(event: string): string {
  return `${ELECTRON_EVENT_PREFIX}${event}`;
}
