import type { Command } from 'commander';
import { API_KEY_ENV, API_SECRET_ENV, apiKeyHint, type ApiCredentials } from '../engine/api-credentials';
import type { GlobalOptions } from './context';
import { homeOf, outputFor } from './context';
import {
  checkCredentials, credentialsFilePath, credentialsInUse, environmentCredentials, isReadableByOthers, readCredentialsFile, removeCredentialsFile,
  writeCredentialsFile,
} from './credentials-file';
import { CliError, EXIT } from './errors';
import { askHidden, askVisible, readStdinLines } from './prompt';

type Globals = () => GlobalOptions;

/**
 * The secret comes from a hidden prompt on a terminal, or from stdin in scripts: never from the
 * command line, where shell history and `ps` would keep it.
 */
async function readCredentialsInput(givenKey: string | undefined): Promise<ApiCredentials> {
  if (process.stdin.isTTY) {
    const apiKey = givenKey ?? (await askVisible('API key: '));
    return checkCredentials(apiKey, await askHidden('API secret (not shown): '));
  }
  const lines = await readStdinLines();
  const expected = givenKey === undefined ? 2 : 1;
  if (lines.length !== expected) {
    throw new CliError(
      EXIT.usage,
      givenKey === undefined
        ? 'Pipe the API key on the first line and the API secret on the second (or give --api-key and pipe only the secret).'
        : 'With --api-key, pipe only the API secret, on one line.',
    );
  }
  const [apiKey, apiSecret] = givenKey === undefined ? lines : [givenKey, lines[0]];
  return checkCredentials(apiKey ?? '', apiSecret ?? '');
}

export function registerCredentialsCommands(program: Command, globals: Globals): void {
  const credentials = program
    .command('credentials')
    .description(`Scenario credentials for this CLI: ${API_KEY_ENV}/${API_SECRET_ENV}, or a file you opt in to (the environment wins)`);

  credentials
    .command('save')
    .description('store the API key and secret UNENCRYPTED in the data folder (0600); the secret is read from a hidden prompt or stdin')
    .option('--store-on-disk', 'required: you accept that the secret is stored unencrypted on disk')
    .option('--api-key <key>', 'the API key (the secret is never taken from the command line)')
    .action(async (options: { storeOnDisk?: boolean; apiKey?: string }) => {
      const out = outputFor(globals());
      const home = homeOf(globals());
      if (options.storeOnDisk !== true) {
        throw new CliError(
          EXIT.usage,
          `Saving writes your API secret unencrypted to ${credentialsFilePath(home)}. Prefer ${API_KEY_ENV} and ${API_SECRET_ENV}; to store it anyway, run again with --store-on-disk.`,
        );
      }
      const given = await readCredentialsInput(options.apiKey);
      const file = await writeCredentialsFile(home, given);
      out.warn(
        `The API secret is stored UNENCRYPTED in ${file} (readable by your user account only). Anyone who can read your files can spend your creative units. Remove it with \`credentials clear\`.`,
      );
      out.line(`Saved the credentials for API key ${apiKeyHint(given.apiKey)}.`, { saved: true, file, apiKeyHint: apiKeyHint(given.apiKey) });
      if ((await environmentCredentials()) !== null) out.line(`${API_KEY_ENV} and ${API_SECRET_ENV} are set: they win over the file while they are.`, { environmentWins: true });
    });

  credentials
    .command('status')
    .description('where the credentials come from, and the last characters of the API key (never the secret)')
    .action(async () => {
      const out = outputFor(globals());
      const home = homeOf(globals());
      const file = credentialsFilePath(home);
      let stored: ApiCredentials | null = null;
      let fileProblem: string | null = null;
      try {
        stored = await readCredentialsFile(home);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        fileProblem = error.userMessage;
      }
      const { source, credentials: used } = credentialsInUse(await environmentCredentials(), stored);
      const inUse = used === null ? null : apiKeyHint(used.apiKey);
      const storedHint = stored === null ? null : apiKeyHint(stored.apiKey);
      const looseFile = stored !== null && (await isReadableByOthers(home));
      const lines = [
        source === 'environment'
          ? `In use: ${API_KEY_ENV} and ${API_SECRET_ENV} from the environment (API key ${inUse}).`
          : source === 'file'
            ? `In use: the file ${file} (API key ${inUse}, stored unencrypted).`
            : `No credentials: set ${API_KEY_ENV} and ${API_SECRET_ENV}, or store them with \`credentials save --store-on-disk\`.`,
        ...(source === 'environment' && stored !== null ? [`Also stored: ${file} (API key ${storedHint}); the environment wins over it.`] : []),
      ];
      out.line(lines.join('\n'), { source, apiKeyHint: inUse, file: stored === null ? null : { path: file, apiKeyHint: storedHint, inUse: source === 'file' } });
      if (fileProblem !== null) out.warn(fileProblem);
      if (looseFile) out.warn(`${file} can be read by other users: run \`chmod 600 ${file}\`, or save the credentials again.`);
    });

  credentials
    .command('clear')
    .description('remove the stored credentials file (the environment is left alone)')
    .action(async () => {
      const out = outputFor(globals());
      const home = homeOf(globals());
      const removed = await removeCredentialsFile(home);
      out.line(removed ? `Removed ${credentialsFilePath(home)}.` : `No credentials file in ${home}: nothing to remove.`, { removed, file: credentialsFilePath(home) });
      if ((await environmentCredentials()) !== null) out.line(`${API_KEY_ENV} and ${API_SECRET_ENV} are still set in the environment.`, { environmentSet: true });
    });
}
