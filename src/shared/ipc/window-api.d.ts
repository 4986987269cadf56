import type { Api } from './client';

// The preload (Electron) or the WebSocket bootstrap (browser) puts the typed client here; the
// renderer reaches the engine through nothing else.
declare global {
  interface Window {
    /** Absent only in a plain browser before the bridge client is built (see src/renderer/api.ts). */
    api?: Api;
  }
}
