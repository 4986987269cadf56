/** The CLI's documented exit codes (also printed by --help). */
export const EXIT = {
  ok: 0,
  /** Some generations failed. */
  failures: 1,
  /** Wrong command line or invalid input (a preset file with errors, an unknown name). */
  usage: 2,
  /** Configuration or credentials missing or refused, or the home in use by another process. */
  config: 3,
  /** Work is waiting for the person: the budget is reached or a submission's outcome is unknown. */
  waiting: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  everything asked for is done
  1  some generations failed (the history says why)
  2  usage error or invalid input (bad arguments, a preset with errors, a name that exists,
     unknown names or ids, a model Scenario does not have, a path that is not there)
  3  configuration or credentials missing or refused (SCENARIO_API_KEY / SCENARIO_API_SECRET),
     the home held by another running copy that takes no commands (\`watch\` and \`repair\` need
     it alone; the others attach to the app or a watcher), an engine socket or token that is not
     safe to use, or a Node older than 22.12
  4  waiting for you: the budget is reached, a submission's outcome is unknown, or Scenario
     could not be reached for longer than \`generate --wait\`

Environment:
  SCENARIO_API_KEY, SCENARIO_API_SECRET  your Scenario API key and secret (they win over a file
                                         stored with \`credentials save --store-on-disk\`)
  SCENARIO_API_URL                       default https://api.cloud.scenario.com/v1
  SCENARIO_HOTFOLDER_HOME                where the history and the library live (or --home)
  SCENARIO_HOTFOLDER_POLL_MS             job polling interval in ms (advanced; default 2000-3000)
`;

/** A failure the CLI reports as one message and an exit code; never a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    readonly userMessage: string,
    /** Extra lines (per-field validation errors). */
    readonly details: string[] = [],
  ) {
    super(userMessage);
  }
}
