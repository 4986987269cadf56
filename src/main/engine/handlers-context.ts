/**
 * What every group of contract handlers shares: the typed error they throw, and the adapters that
 * differ between the hosts (Electron, the CLI, the browser bridge).
 */
import { UserFacingError } from '../../shared/errors';
import type { ChannelName, ContractHandlers, CredentialsStatus } from '../../shared/ipc/contract';
import { API_KEY_ENV, API_SECRET_ENV, apiKeyHint, type ApiCredentials } from './api-credentials';
import type { ScenarioConnection } from './connection';

/**
 * A failure a handler reports on purpose. The dispatcher copies `code` and `userMessage` into the
 * reply (see toIpcErrorData), so the message must tell a person what to do and hold no secret.
 */
export class HandlerError extends UserFacingError {
  override readonly name = 'HandlerError';
}

/** Where the API key and secret live: the OS keychain in Electron, environment variables elsewhere. */
export interface CredentialsAdapter {
  status(): Promise<CredentialsStatus>;
  /** The credentials to talk to Scenario with, or null when none are set. */
  load(): Promise<ApiCredentials | null>;
  save(credentials: ApiCredentials): Promise<CredentialsStatus>;
  clear(): Promise<CredentialsStatus>;
}

/** Opening files with the operating system; the bridge has no such thing. */
export interface ShellAdapter {
  openFile(absolutePath: string): Promise<void>;
  revealFile(absolutePath: string): Promise<void>;
  /** Drags the file out of the window into other apps (the OS drag the window asked for at dragstart). */
  startDrag(absolutePath: string): Promise<void>;
  /** The OS folder picker over the window; null when cancelled. Absent: the host has none (a browser). */
  pickFolder?(): Promise<string | null>;
}

export interface HostInfo {
  version: string;
  platform: string;
  /** `library://local/` in Electron; the bridge replaces it with its own origin. */
  libraryUrlBase: string;
  /** Not read: app.info reports the engine's current connection, which can change while the app runs. */
  usingSimulator: boolean;
  /** The host drags library files out itself (library.startDrag); absent: the page's own HTML drag does it. */
  nativeFileDrag?: boolean;
}

export interface HostAdapters {
  credentials: CredentialsAdapter;
  shell: ShellAdapter;
  info: HostInfo;
  /**
   * The connection for these credentials, after credentials.save / credentials.clear. The desktop
   * app falls back to the built-in simulator, as at its start; absent: Scenario with the
   * credentials, or no connection.
   */
  connectionFor?: (credentials: ApiCredentials | null) => ScenarioConnection | null;
}

/**
 * Credentials read from SCENARIO_API_KEY / SCENARIO_API_SECRET (the CLI and the bridge). Saving
 * from a window is refused: a browser page must never be the way a secret reaches the disk.
 */
export function envCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsAdapter {
  const read = (): ApiCredentials | null => {
    const apiKey = env[API_KEY_ENV]?.trim();
    const apiSecret = env[API_SECRET_ENV]?.trim();
    return apiKey && apiSecret ? { apiKey, apiSecret } : null;
  };
  const status = async (): Promise<CredentialsStatus> => {
    const credentials = read();
    return {
      stored: credentials !== null,
      backendOk: false,
      backendMessage: `Credentials come from the ${API_KEY_ENV} and ${API_SECRET_ENV} environment variables here.`,
      apiKeyHint: credentials === null ? null : apiKeyHint(credentials.apiKey),
    };
  };
  const refuse = (): never => {
    throw new HandlerError(
      'credentials.env-only',
      `This app reads the API key from environment variables: set ${API_KEY_ENV} and ${API_SECRET_ENV}, then restart it.`,
    );
  };
  return { status, load: async () => read(), save: async () => refuse(), clear: async () => refuse() };
}

/** The bridge's shell: a browser tab cannot open files on the person's desktop. */
export const browserShell: ShellAdapter = {
  async openFile() {
    throw new HandlerError('shell.unavailable', 'Opening files is not available in the browser. Use the desktop app, or find the file in the library folder.');
  },
  async revealFile() {
    throw new HandlerError('shell.unavailable', 'Showing files in a folder is not available in the browser. Use the desktop app, or find the file in the library folder.');
  },
  // The page drags the image with the browser's own HTML drag and drop: nothing to do here.
  async startDrag() {},
};

/** The handlers of one domain: the channels whose name starts with `<domain>.`. */
export type HandlersFor<Domain extends string> = {
  [C in ChannelName as C extends `${Domain}.${string}` ? C : never]: ContractHandlers[C];
};
