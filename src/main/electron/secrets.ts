/**
 * The API key and secret, encrypted with the OS keychain through Electron's safeStorage (async
 * API) and kept in one file in the app's data folder. The secret is decrypted only when the
 * engine asks for it and is never written anywhere in clear.
 */
import { readFile, rm } from 'node:fs/promises';
import { safeStorage } from 'electron';
import { z } from 'zod';
import type { CredentialsStatus } from '../../shared/ipc/contract';
import { apiKeyHint, type ApiCredentials } from '../engine/api-credentials';
import { HandlerError, type CredentialsAdapter } from '../engine/handlers-context';
import { writeFileAtomic } from '../library/atomic';
import { secretBackendVerdict } from './policy';

const credentialsSchema = z.object({ apiKey: z.string().min(1), apiSecret: z.string().min(1) });

export function createSafeStorageCredentials(file: string): CredentialsAdapter {
  const backend = async () =>
    secretBackendVerdict(
      process.platform,
      process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
      await safeStorage.isAsyncEncryptionAvailable(),
    );

  const load = async (): Promise<ApiCredentials | null> => {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(file);
    } catch {
      return null;
    }
    try {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(encrypted);
      const credentials = credentialsSchema.parse(JSON.parse(result));
      if (shouldReEncrypt) await write(credentials);
      return credentials;
    } catch {
      throw new HandlerError('credentials.unreadable', 'The stored API key could not be read (the system keychain may have changed). Enter the key and secret again.');
    }
  };

  const write = async (credentials: ApiCredentials) => {
    await writeFileAtomic(file, await safeStorage.encryptStringAsync(JSON.stringify(credentialsSchema.parse(credentials))));
  };

  const status = async (): Promise<CredentialsStatus> => {
    const verdict = await backend();
    let stored: ApiCredentials | null = null;
    try {
      stored = await load();
    } catch {
      // An unreadable file counts as nothing stored; saving again replaces it.
    }
    return { stored: stored !== null, backendOk: verdict.ok, backendMessage: verdict.message, apiKeyHint: stored ? apiKeyHint(stored.apiKey) : null };
  };

  return {
    status,
    load,
    async save(credentials) {
      const verdict = await backend();
      if (!verdict.ok) throw new HandlerError('credentials.backend-unsafe', verdict.message ?? 'The API secret cannot be stored safely here.');
      await write(credentials);
      return status();
    },
    async clear() {
      await rm(file, { force: true });
      return status();
    },
  };
}
