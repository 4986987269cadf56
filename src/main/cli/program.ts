// The `scenario-hotfolder` command's program: the same engine as the app, without a window.
import { Command, CommanderError } from 'commander';
import type { PipelineErrorCode } from '../pipeline/index';
import { ScenarioError } from '../scenario/index';
import type { ScenarioErrorCode } from '../scenario/index';
import type { StoreErrorCode } from '../store/errors';
import type { GlobalOptions } from './context';
import { outputFor } from './context';
import { registerCredentialsCommands } from './credentials-commands';
import { CliError, EXIT, EXIT_CODES_HELP } from './errors';
import type { ExitCode } from './errors';
import { registerLibraryCommands } from './library-commands';
import { registerExportCommand } from './export-command';
import { registerRepairCommand } from './repair-command';
import { registerSettingsCommand } from './settings-command';
import { registerRunCommands } from './run-commands';
import { registerCollectionsCommands, registerSyncCommand } from './sync-command';
import { registerStatusCommand } from './status-command';

export function buildProgram(): Command {
  const program = new Command('scenario-hotfolder')
    .description('Watch folders of control images and generate with Scenario\'s ControlNet API; keep a searchable, reproducible history.')
    .option('--home <dir>', 'where the history and the library live (default: SCENARIO_HOTFOLDER_HOME or the app-data folder)')
    .option('--json', 'JSON for scripts: one document (an array or an object) for a listing or a show, JSON Lines for a command that streams (watch, generate, reproduce, retry, demo, status --follow)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerLibraryCommands(program, globals);
  registerRunCommands(program, globals);
  registerStatusCommand(program, globals);
  registerSettingsCommand(program, globals);
  registerExportCommand(program, globals);
  registerRepairCommand(program, globals);
  registerCredentialsCommands(program, globals);
  registerSyncCommand(program, globals);
  registerCollectionsCommands(program, globals);
  return program;
}

/** Typed errors' codes that mean the person named something wrong or gave invalid input (exit 2). */
const USAGE_ERROR_CODES: ReadonlySet<string> = new Set([
  ...(['name-taken', 'not-found', 'invalid-import', 'invalid-argument', 'invalid-cursor', 'invalid-transition'] satisfies StoreErrorCode[]),
  ...(['invalid-input', 'input-unreadable', 'invalid-preset', 'not-retryable', 'not-reproducible', 'no-seed', 'illegal-transition'] satisfies PipelineErrorCode[]),
  // The engine's contract handlers'
  'folder.not-found', 'export.empty', 'settings.library-location', 'invalid-seed',
]);
/** Scenario refused the key, or the data folder cannot be used (exit 3). */
const CONFIG_ERROR_CODES: ReadonlySet<string> = new Set(['auth', 'forbidden', 'no-credentials', 'home-in-use', 'newer-version', 'corrupt'] satisfies (ScenarioErrorCode | PipelineErrorCode | StoreErrorCode)[]);

/** The exit code of a typed error (one with a `code` and a `userMessage`) that no command turned into a CliError. */
function exitCodeOf(error: Error): ExitCode {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (error instanceof ScenarioError) return CONFIG_ERROR_CODES.has(code) ? EXIT.config : EXIT.failures;
  if (CONFIG_ERROR_CODES.has(code)) return EXIT.config;
  if (USAGE_ERROR_CODES.has(code)) return EXIT.usage;
  return EXIT.failures;
}

/** Runs the CLI; resolves with the exit code instead of exiting (so tests can call it). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    const out = outputFor(program.opts<GlobalOptions>());
    if (error instanceof CliError) {
      out.error(error.userMessage, error.details);
      return error.exitCode;
    }
    if (error instanceof Error && 'userMessage' in error && typeof error.userMessage === 'string') {
      out.error(error.userMessage);
      return exitCodeOf(error);
    }
    out.error(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failures;
  }
}
