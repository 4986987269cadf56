import { createStore } from 'zustand/vanilla';
import type { Api } from '../../shared/ipc/client';
import type { CallInputOf, ConnectionTest, CredentialsStatus, Folder, Settings } from '../../shared/ipc/contract';
import type { AppStore } from './appStore';

export interface SettingsState {
  settings: Settings | null;
  credentials: CredentialsStatus | null;
  folders: Folder[];
  connection: ConnectionTest | null;
  testingConnection: boolean;
  /** A change of connection (simulator or Scenario) is on its way. */
  switching: boolean;
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<boolean>;
  /** Saving a key also moves the engine to Scenario with it. */
  saveCredentials(apiKey: string, apiSecret: string): Promise<boolean>;
  /** Forgetting the key also moves the engine to what the host uses without one (the desktop: the simulator). */
  clearCredentials(): Promise<void>;
  /** The built-in simulator (true) or Scenario with the saved key (false). */
  setUsingSimulator(simulator: boolean): Promise<boolean>;
  testConnection(): Promise<void>;
  addFolder(input: CallInputOf<'folders.add'>): Promise<boolean>;
  updateFolder(input: CallInputOf<'folders.update'>): Promise<void>;
  removeFolder(id: string): Promise<void>;
  setFolderPaused(id: string, paused: boolean): Promise<void>;
}

export function createSettingsStore(api: Api, app: AppStore) {
  const report = (error: unknown) => app.getState().reportError(error);
  return createStore<SettingsState>()((set, get) => {
    const replaceFolder = (folder: Folder) =>
      set({ folders: get().folders.map((known) => (known.id === folder.id ? folder : known)) });
    /**
     * Runs a call that may change the engine's connection, then reads app.info again: the
     * "Simulated" labels of the window follow `usingSimulator`.
     */
    const switchingWith = async (change: () => Promise<void>): Promise<boolean> => {
      set({ switching: true, connection: null });
      try {
        await change();
        return true;
      } catch (error) {
        report(error);
        return false;
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
      async update(patch) {
        try {
          set({ settings: await api.settings.update(patch) });
          return true;
        } catch (error) {
          report(error);
          return false;
        }
      },
      saveCredentials(apiKey, apiSecret) {
        return switchingWith(async () => set({ credentials: await api.credentials.save({ apiKey, apiSecret }) }));
      },
      async clearCredentials() {
        await switchingWith(async () => set({ credentials: await api.credentials.clear() }));
      },
      setUsingSimulator(simulator) {
        return switchingWith(() => api.app.useSimulator({ simulator }));
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
      async addFolder(input) {
        try {
          const folder = await api.folders.add(input);
          set({ folders: [...get().folders, folder] });
          return true;
        } catch (error) {
          report(error);
          return false;
        }
      },
      async updateFolder(input) {
        try {
          replaceFolder(await api.folders.update(input));
        } catch (error) {
          report(error);
        }
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
