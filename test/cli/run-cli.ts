import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');
/** tsx's loader by its full URL: `--import tsx` resolves from the child's working directory, which a test may set elsewhere. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Piped in and closed (a script, not a terminal). */
  stdin?: string;
  cwd?: string;
}

/**
 * Starts the real `scenario-hotfolder` in a child process. The caller's Scenario credentials are
 * blanked unless `env` gives some.
 */
export function startCli(args: string[], { env = {}, cwd }: Omit<CliOptions, 'stdin'> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    env: { ...process.env, SCENARIO_API_KEY: '', SCENARIO_API_SECRET: '', ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });
}

/** Runs the real `scenario-hotfolder` to its end (see startCli). */
export function runCli(args: string[], { stdin = '', ...options }: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
