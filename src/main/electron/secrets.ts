/**
 * The API key and secret, encrypted with the OS keychain through Electron's safeStorage (async
 * API) and kept in one file in the app's data folder. The secret is decrypted only when the
 * engine asks for it and never written anywhere in clear.
 */
import { readFile, rm } from 'node:fs/promises';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { writeFileAtomic } from '../library/atomic';
import { secretBackendVerdict, type SecretBackendVerdict } from './policy';

export interface ApiCredentials {
  apiKey: string;
  apiSecret: string;
}

export class SecretsError extends Error {
  override readonly name = 'SecretsError';

  constructor(
    readonly code: 'secrets.backend-unsafe' | 'secrets.unreadable',
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

/** What the engine needs from whatever keeps the credentials (the CLI has its own). */
export interface CredentialStore {
  backend(): Promise<SecretBackendVerdict>;
  load(): Promise<ApiCredentials | null>;
  save(credentials: ApiCredentials): Promise<void>;
  clear(): Promise<void>;
}

const credentialsSchema = z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1) });

export function createSafeStorageCredentials(file: string): CredentialStore {
  const backend = async () =>
    secretBackendVerdict(
      process.platform,
      process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
      await safeStorage.isAsyncEncryptionAvailable(),
    );

  const store: CredentialStore = {
    backend,
    async load() {
      let encrypted: Buffer;
      try {
        encrypted = await readFile(file);
      } catch {
        return null;
      }
      try {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(encrypted);
        const credentials = credentialsSchema.parse(JSON.parse(result));
        if (shouldReEncrypt) await store.save(credentials);
        return credentials;
      } catch {
        throw new SecretsError('secrets.unreadable', 'The stored API key could not be read (the system keychain may have changed). Enter the key and secret again.');
      }
    },
    async save(credentials) {
      const verdict = await backend();
      if (!verdict.ok) throw new SecretsError('secrets.backend-unsafe', verdict.message ?? 'The API secret cannot be stored safely here.');
      await writeFileAtomic(file, await safeStorage.encryptStringAsync(JSON.stringify(credentialsSchema.parse(credentials))));
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
  return store;
}
