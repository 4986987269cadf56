// The `scenario-hotfolder` command's program: the same engine as the app, without a window.
import { Command, CommanderError } from 'commander';
import { PipelineError } from '../pipeline/index';
import { ScenarioError } from '../scenario/index';
import type { GlobalOptions } from './context';
import { outputFor } from './context';
import { registerCredentialsCommands } from './credentials-commands';
import { CliError, EXIT, EXIT_CODES_HELP } from './errors';
import { registerLibraryCommands } from './library-commands';
import { registerRepairCommand } from './repair-command';
import { registerRunCommands } from './run-commands';

export function buildProgram(): Command {
  const program = new Command('scenario-hotfolder')
    .description('Watch folders of control images and generate with Scenario\'s ControlNet API; keep a searchable, reproducible history.')
    .option('--home <dir>', 'where the history and the library live (default: SCENARIO_HOTFOLDER_HOME or the app-data folder)')
    .option('--json', 'one JSON object per line, for scripts')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerLibraryCommands(program, globals);
  registerRunCommands(program, globals);
  registerRepairCommand(program, globals);
  registerCredentialsCommands(program, globals);
  return program;
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
    if (error instanceof ScenarioError) {
      out.error(error.userMessage);
      return error.code === 'auth' || error.code === 'forbidden' ? EXIT.config : EXIT.failures;
    }
    if (error instanceof PipelineError) {
      out.error(error.userMessage);
      return error.code === 'no-credentials' || error.code === 'home-in-use' ? EXIT.config : EXIT.failures;
    }
    if (error instanceof Error && 'userMessage' in error && typeof error.userMessage === 'string') {
      out.error(error.userMessage);
      return EXIT.failures;
    }
    out.error(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failures;
  }
}
