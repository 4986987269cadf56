import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandNameOf, GLOBAL_OPTIONS_WITH_VALUE, isLongRunningCommand, MALLOC_ARENA_MAX } from '../../src/main/cli/malloc-arenas';
import { buildProgram } from '../../src/main/cli/program';

const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');

describe('which commands restart under bounded malloc arenas', () => {
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

/** Starts the real CLI's simulator command and reads the environment its process ended up with. */
async function environmentOfRunningCli(env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
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
    return new Map(environ.split('\0').filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  } finally {
    child.kill('SIGTERM');
  }
}

describe.runIf(process.platform === 'linux')('a long-running command on Linux', () => {
  it('runs under two malloc arenas, in the process that was started', { timeout: 30_000 }, async () => {
    const env = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    expect((await environmentOfRunningCli(env)).get('MALLOC_ARENA_MAX')).toBe(MALLOC_ARENA_MAX);
  });

  it('keeps a MALLOC_ARENA_MAX the person chose', { timeout: 30_000 }, async () => {
    expect((await environmentOfRunningCli({ ...process.env, MALLOC_ARENA_MAX: '4' })).get('MALLOC_ARENA_MAX')).toBe('4');
  });
});
