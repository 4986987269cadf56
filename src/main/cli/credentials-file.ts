/**
 * Credentials on disk for the headless CLI, opt-in only: a machine without a keychain (a render
 * node, a CI runner) may keep the key in `<home>/credentials.json`, unencrypted, readable by its
 * owner only (0600). The environment always wins over the file, so a one-off
 * `SCENARIO_API_KEY=... scenario-hotfolder ...` never needs the file cleared first.
 *
 * Nothing here ever puts the secret (or the file's text) in an error message.
 */
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ApiCredentials } from '../engine/api-credentials';
import { envCredentials } from '../engine/handlers-context';
import { OWNER_ONLY, writeFileAtomic } from '../library/atomic';
import { CliError, EXIT } from './errors';

export const CREDENTIALS_FILE_NAME = 'credentials.json';

// Scenario's keys and secrets are single tokens: whitespace inside one is a paste gone wrong.
const credentialText = z.string().trim().min(1).max(500).regex(/^\S+$/);
const credentialsFileSchema = z.object({ apiKey: credentialText, apiSecret: credentialText });

export type CredentialsSource = 'environment' | 'file' | 'none';

export interface ResolvedCredentials {
  credentials: ApiCredentials | null;
  source: CredentialsSource;
}

export function credentialsFilePath(home: string): string {
  return path.join(home, CREDENTIALS_FILE_NAME);
}

/** Checks typed or piped credentials; the message names the field, never its value. */
export function checkCredentials(apiKey: string, apiSecret: string): ApiCredentials {
  const parsed = credentialsFileSchema.safeParse({ apiKey, apiSecret });
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path[0] === 'apiKey' ? 'API key' : 'API secret';
  throw new CliError(EXIT.usage, `The ${field} is empty, longer than 500 characters or contains spaces. Copy it again from Scenario's web app, then retry.`);
}

/** The stored credentials, or null when there is no file. A file that cannot be used is an error that says how to fix it. */
export async function readCredentialsFile(home: string): Promise<ApiCredentials | null> {
  const file = credentialsFilePath(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new CliError(EXIT.config, `Could not read ${file} (${code ?? 'unknown error'}). Check its permissions, or remove it with \`credentials clear\`.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which holds the secret: say only that it is broken.
    json = undefined;
  }
  const parsed = credentialsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(EXIT.config, `${file} is not a credentials file this app can read. Run \`credentials clear\`, then \`credentials save --store-on-disk\` again.`);
  }
  return parsed.data;
}

/**
 * Replaces the file atomically (a crash leaves the old file or the new one, never half a
 * secret), created 0600.
 */
export async function writeCredentialsFile(home: string, credentials: ApiCredentials): Promise<string> {
  const file = credentialsFilePath(home);
  await mkdir(home, { recursive: true });
  try {
    await writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(credentials)}\n`), { mode: OWNER_ONLY });
  } catch (error) {
    throw new CliError(EXIT.config, error instanceof Error && 'userMessage' in error && typeof error.userMessage === 'string' ? error.userMessage : `Could not write ${file}.`);
  }
  return file;
}

/** True when a file was removed. */
export async function removeCredentialsFile(home: string): Promise<boolean> {
  try {
    await unlink(credentialsFilePath(home));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw new CliError(EXIT.config, `Could not remove ${credentialsFilePath(home)} (${code ?? 'unknown error'}). Delete it by hand.`);
  }
}

/**
 * Group or others can read the file (copied, or its mode changed by hand). Windows keeps no such
 * bits: there the user profile's access rules protect the data folder.
 */
export async function isReadableByOthers(home: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  const info = await stat(credentialsFilePath(home)).catch(() => undefined);
  return info !== undefined && (info.mode & 0o077) !== 0;
}

/** SCENARIO_API_KEY and SCENARIO_API_SECRET, when both are set. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): Promise<ApiCredentials | null> {
  return envCredentials(env).load();
}

/** The precedence rule, in one place: the environment wins over the file. */
export function credentialsInUse(environment: ApiCredentials | null, stored: ApiCredentials | null): ResolvedCredentials {
  if (environment !== null) return { credentials: environment, source: 'environment' };
  return stored === null ? { credentials: null, source: 'none' } : { credentials: stored, source: 'file' };
}

/** The credentials a command runs with. The file is not even read when the environment has them. */
export async function resolveCredentials(home: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedCredentials> {
  const environment = await environmentCredentials(env);
  return credentialsInUse(environment, environment === null ? await readCredentialsFile(home) : null);
}
