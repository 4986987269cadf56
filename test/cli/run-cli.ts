import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

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

/** A long-running CLI process whose output is read as it comes. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  errors(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal`, then resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once it ends by itself. */
  exited(): Promise<number | null>;
}

/**
 * Starts long-running CLI processes (`watch`, `status --follow`, a slow `generate`) for the tests
 * of the calling file; the ones still running after a test are killed.
 */
export function useRunningClis(): (args: string[], env: NodeJS.ProcessEnv) => RunningCli {
  const running = new Set<RunningCli>();
  afterEach(async () => {
    for (const process of running) await process.stop('SIGKILL');
    running.clear();
  });
  return (args, env) => startRunning(args, env, running);
}

function startRunning(args: string[], env: NodeJS.ProcessEnv, running: Set<RunningCli>): RunningCli {
  const child = startCli(args, { env });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: RunningCli = {
    child,
    output: () => stdout,
    errors: () => stderr,
    line(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = stdout.split('\n').find((line) => pattern.test(line));
          if (found === undefined) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        void exited.then((code) => reject(new Error(`${args.join(' ')} exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`)));
        setTimeout(() => reject(new Error(`${args.join(' ')} did not print ${pattern}:\n${stdout}\n${stderr}`)), timeoutMs).unref();
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      running.delete(handle);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async exited() {
      const code = await exited;
      running.delete(handle);
      return code;
    },
  };
  running.add(handle);
  return handle;
}
