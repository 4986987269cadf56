import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandNameOf, GLOBAL_OPTIONS_WITH_VALUE, isLongRunningCommand, MALLOC_ARENA_MAX, SEMI_SPACE_FLAG } from '../../src/main/cli/long-running';
import { buildProgram } from '../../src/main/cli/program';

const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');

describe('which commands restart under the long-running settings', () => {
  it('finds the command name after global options', () => {
    expect(commandNameOf(['--home', 'watch', '--json', 'history'])).toBe('history');
    expect(commandNameOf(['--json', 'watch', 'inbox'])).toBe('watch');
    expect(commandNameOf(['--help'])).toBeUndefined();
  });

  it('knows every global option of the program that takes a value', () => {
    const takingValue = buildProgram().options.filter((option) => option.required || option.optional).map((option) => option.long);
    expect([...GLOBAL_OPTIONS_WITH_VALUE].sort()).toEqual(takingValue.sort());
  });

  it('restarts only the commands that run until stopped', () => {
    expect(isLongRunningCommand(['--home', '/tmp/x', 'watch'])).toBe(true);
    expect(isLongRunningCommand(['demo'])).toBe(true);
    expect(isLongRunningCommand(['simulator', '--port', '0'])).toBe(true);
    // A folder named like a command is an argument, not the command.
    expect(isLongRunningCommand(['--home', 'watch', 'history'])).toBe(false);
    expect(isLongRunningCommand(['status'])).toBe(false);
  });
});

interface RunningProcess {
  environment: Map<string, string>;
  /** Its command line: Node's path, Node's flags, the script and its arguments. */
  commandLine: string[];
}

/** Starts the real CLI's simulator command and reads the environment and command line its process ended up with. */
async function runningCli(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'simulator', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (data: Buffer) => {
        text += data.toString();
        if (text.includes('listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)));
    });
    // Still the PID we spawned: the restart replaced the program, not the process.
    const environ = await readFile(`/proc/${child.pid}/environ`, 'utf8');
    const commandLine = (await readFile(`/proc/${child.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    return {
      environment: new Map(environ.split('\0').filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
      commandLine,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/** The environment without either setting, as a person's shell would have it. */
function plainEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  delete env.NODE_OPTIONS;
  delete env.SCENARIO_HOTFOLDER_RESTARTED;
  return env;
}

describe.runIf(process.platform === 'linux')('a long-running command on Linux', () => {
  it('runs under two malloc arenas and a capped young generation, in the process that was started', { timeout: 30_000 }, async () => {
    const running = await runningCli(plainEnvironment());
    expect(running.environment.get('MALLOC_ARENA_MAX')).toBe(MALLOC_ARENA_MAX);
    // A Node flag: before the script, once.
    const script = running.commandLine.findIndex((argument) => argument.endsWith('main.ts'));
    expect(running.commandLine.slice(1, script).filter((argument) => argument === SEMI_SPACE_FLAG)).toHaveLength(1);
  });

  it('keeps the arenas the person chose, and still caps the young generation', { timeout: 30_000 }, async () => {
    const running = await runningCli({ ...plainEnvironment(), MALLOC_ARENA_MAX: '4' });
    expect(running.environment.get('MALLOC_ARENA_MAX')).toBe('4');
    expect(running.commandLine).toContain(SEMI_SPACE_FLAG);
  });

  it('keeps the young generation the person chose, and still bounds the arenas', { timeout: 30_000 }, async () => {
    const running = await runningCli({ ...plainEnvironment(), NODE_OPTIONS: '--max-semi-space-size=32' });
    expect(running.environment.get('MALLOC_ARENA_MAX')).toBe(MALLOC_ARENA_MAX);
    expect(running.commandLine).not.toContain(SEMI_SPACE_FLAG);
  });
});
