/**
 * glibc's malloc gives threads that allocate at the same time arenas of their own (up to eight
 * per core) and seldom hands their freed pages back. libvips and libuv's pool threads allocate
 * every image's buffers, so a long-running watcher's RSS kept climbing while its JS heap stayed
 * flat: bench/hotfolder, 3,000 files at 12/s, went 154 → 195 MB and was still rising; with two
 * arenas it went 144 → 165 MB, flat from the 600th file on.
 *
 * glibc reads MALLOC_ARENA_MAX only as a process starts, so a long-running command starts itself
 * again with it set. process.execve replaces the program in place: same PID (a supervisor's
 * signals still reach it), same terminal and pipes. Other allocators ignore the variable.
 */
export const MALLOC_ARENA_MAX = '2';

/** The commands that run until stopped: the ones whose memory has time to fragment. */
const LONG_RUNNING_COMMANDS = new Set(['watch', 'demo', 'simulator']);

/**
 * Global options placed before the command name that take a value. Listed here rather than read
 * from `buildProgram` so the restart happens before the program loads; a test keeps them equal.
 */
export const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--home']);

/** The command `argv` (the arguments after the script) names, skipping global options before it. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(argument)) index += 1;
    else if (!argument.startsWith('-')) return argument;
  }
  return undefined;
}

export function isLongRunningCommand(argv: readonly string[]): boolean {
  const name = commandNameOf(argv);
  return name !== undefined && LONG_RUNNING_COMMANDS.has(name);
}

/**
 * On Linux, unless the person chose MALLOC_ARENA_MAX already, replaces this process with itself
 * (same Node flags, script and arguments) under two malloc arenas. Returns only when nothing had
 * to change; a process that cannot exec (an older Node) runs on as it is, and so does one with an
 * IPC channel to its parent (started by fork()), which the new program would not have.
 */
export function restartWithBoundedMallocArenas(): void {
  if (process.platform !== 'linux' || process.env.MALLOC_ARENA_MAX !== undefined || typeof process.execve !== 'function' || process.send !== undefined) return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_ARENA_MAX });
}
