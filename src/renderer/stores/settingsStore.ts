import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { CallInputOf, ConnectionTest, CredentialsStatus, Folder, Settings } from '../../shared/ipc/contract';
import { IpcError } from '../../shared/ipc/errors';
import { userMessageOf } from '../common/errors';
import type { AppStore } from './appStore';

/**
 * Why a save did not happen, for the form to show under the field it concerns (by `code`, the
 * engine's error code) or at its foot: a settings form shows its own problems where the person
 * is looking, not in a toast.
 */
export interface SaveFailure {
  code: string;
  message: string;
}

function failureOf(error: unknown): SaveFailure {
  return { code: error instanceof IpcError ? error.code : 'window', message: userMessageOf(error) };
}

export interface SettingsState {
  settings: Settings | null;
  credentials: CredentialsStatus | null;
  folders: Folder[];
  connection: ConnectionTest | null;
  testingConnection: boolean;
  /** A change of connection (simulator or Scenario) is on its way. */
  switching: boolean;
  load(): Promise<void>;
  /** Null once saved. */
  update(patch: Partial<Settings>): Promise<SaveFailure | null>;
  /** Saving a key also moves the engine to Scenario with it. Null once saved. */
  saveCredentials(apiKey: string, apiSecret: string): Promise<SaveFailure | null>;
  /** Forgetting the key also moves the engine to what the host uses without one (the desktop: the simulator). */
  clearCredentials(): Promise<void>;
  /** The built-in simulator (true) or Scenario with the saved key (false). */
  setUsingSimulator(simulator: boolean): Promise<boolean>;
  testConnection(): Promise<void>;
  /** Null once added. */
  addFolder(input: CallInputOf<'folders.add'>): Promise<SaveFailure | null>;
  /** Null once saved. */
  updateFolder(input: CallInputOf<'folders.update'>): Promise<SaveFailure | null>;
  removeFolder(id: string): Promise<void>;
  setFolderPaused(id: string, paused: boolean): Promise<void>;
}

export function createSettingsStore(api: Api, app: AppStore) {
  const report = (error: unknown) => app.getState().reportError(error);
  /** A failure of an action with no form of its own (switching connection, forgetting the key). */
  const reportFailure = (failure: SaveFailure | null) => {
    if (failure) app.getState().toast({ message: failure.message, tone: 'error' }, 10_000);
  };
  return createStore<SettingsState>()((set, get) => {
    const replaceFolder = (folder: Folder) =>
      set({ folders: get().folders.map((known) => (known.id === folder.id ? folder : known)) });
    /** Runs a change a form asked for: null once done, else why not (for the form to show). */
    const saving = async (change: () => Promise<void>): Promise<SaveFailure | null> => {
      try {
        await change();
        return null;
      } catch (error) {
        return failureOf(error);
      }
    };
    /**
     * Runs a call that may change the engine's connection, then reads app.info again: the
     * "Simulated" labels of the window follow `usingSimulator`.
     */
    const switchingWith = async (change: () => Promise<void>): Promise<SaveFailure | null> => {
      set({ switching: true, connection: null });
      try {
        return await saving(change);
      } finally {
        set({ switching: false });
        await app.getState().refreshInfo();
      }
    };
    return {
      settings: null,
      credentials: null,
      folders: [],
      connection: null,
      testingConnection: false,
      switching: false,

      async load() {
        const [settings, credentials, folders] = await Promise.allSettled([
          api.settings.get(),
          api.credentials.status(),
          api.folders.list(),
        ]);
        if (settings.status === 'fulfilled') set({ settings: settings.value });
        else report(settings.reason);
        if (credentials.status === 'fulfilled') set({ credentials: credentials.value });
        else report(credentials.reason);
        if (folders.status === 'fulfilled') set({ folders: folders.value });
        else report(folders.reason);
      },
      update(patch) {
        return saving(async () => set({ settings: await api.settings.update(patch) }));
      },
      saveCredentials(apiKey, apiSecret) {
        return switchingWith(async () => set({ credentials: await api.credentials.save({ apiKey, apiSecret }) }));
      },
      async clearCredentials() {
        reportFailure(await switchingWith(async () => set({ credentials: await api.credentials.clear() })));
      },
      async setUsingSimulator(simulator) {
        const failure = await switchingWith(() => api.app.useSimulator({ simulator }));
        reportFailure(failure);
        return failure === null;
      },
      async testConnection() {
        set({ testingConnection: true, connection: null });
        try {
          set({ connection: await api.credentials.testConnection() });
        } catch (error) {
          report(error);
        } finally {
          set({ testingConnection: false });
        }
      },
      addFolder(input) {
        return saving(async () => {
          const folder = await api.folders.add(input);
          set({ folders: [...get().folders, folder] });
        });
      },
      updateFolder(input) {
        return saving(async () => replaceFolder(await api.folders.update(input)));
      },
      async removeFolder(id) {
        try {
          await api.folders.remove({ id });
          set({ folders: get().folders.filter((folder) => folder.id !== id) });
        } catch (error) {
          report(error);
        }
      },
      async setFolderPaused(id, paused) {
        try {
          replaceFolder(paused ? await api.folders.pause({ id }) : await api.folders.resume({ id }));
        } catch (error) {
          report(error);
        }
      },
    };
  });
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
