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
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<boolean>;
  saveCredentials(apiKey: string, apiSecret: string): Promise<boolean>;
  clearCredentials(): Promise<void>;
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
    return {
      settings: null,
      credentials: null,
      folders: [],
      connection: null,
      testingConnection: false,

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
      async saveCredentials(apiKey, apiSecret) {
        try {
          set({ credentials: await api.credentials.save({ apiKey, apiSecret }), connection: null });
          return true;
        } catch (error) {
          report(error);
          return false;
        }
      },
      async clearCredentials() {
        try {
          set({ credentials: await api.credentials.clear(), connection: null });
        } catch (error) {
          report(error);
        }
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
