/**
 * A command that runs until stopped (a watcher on a render box) starts itself again, once, with
 * two settings that only take effect as a process starts:
 *
 * - MALLOC_ARENA_MAX=2 (Linux). glibc's malloc gives threads that allocate at the same time
 *   arenas of their own (up to eight per core) and seldom hands their freed pages back. libvips
 *   and libuv's pool threads allocate every image's buffers, so a long-running watcher's RSS kept
 *   climbing while its JS heap stayed flat: bench/hotfolder, 3,000 files at 12/s, went
 *   154 → 195 MB and was still rising; with two arenas it went 144 → 165 MB, flat from the 600th
 *   file on. Other allocators ignore the variable.
 * - V8's young generation capped at 8 MB a semi-space. Under a burst the default lets it grow to
 *   16 MB, and V8 starts marking the whole heap whenever the old generation's room to its limit
 *   (about 24 MB for the engine's 20 MB heap) is smaller than the young generation: that was a
 *   full mark about every half second. bench/hotfolder, 600 files: 44-52 full collections → 12,
 *   main-thread CPU per file 10.7-12.1 → 8.1-9.0 ms, peak RSS 183 → 149 MB. V8 reads the size
 *   only when the heap is made (v8.setFlagsFromString later changes nothing: measured).
 *
 * process.execve replaces the program in place: same PID (a supervisor's signals still reach
 * it), same terminal and pipes. A setting the person chose (the variable, or the flag on the
 * command line or in NODE_OPTIONS) is kept.
 */
export const MALLOC_ARENA_MAX = '2';
export const SEMI_SPACE_FLAG = '--max-semi-space-size=8';
/**
 * Set in the restarted program's environment: it never restarts itself again, whatever it reads
 * back from its flags (a host that does not show them in execArgv would otherwise loop).
 */
const RESTARTED = 'SCENARIO_HOTFOLDER_RESTARTED';

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
 * Replaces this process with itself (same Node flags, script and arguments) under the settings
 * above. Returns only when nothing had to change; a process that cannot exec (Windows, an older
 * Node) runs on as it is, and so does one with an IPC channel to its parent (started by fork()),
 * which the new program would not have.
 */
export function restartForLongRunning(): void {
  if (typeof process.execve !== 'function' || process.send !== undefined || process.env[RESTARTED] !== undefined) return;
  const env: NodeJS.ProcessEnv = { ...process.env, [RESTARTED]: '1' };
  const nodeFlags = [...process.execArgv];
  if (process.platform === 'linux' && env.MALLOC_ARENA_MAX === undefined) env.MALLOC_ARENA_MAX = MALLOC_ARENA_MAX;
  const semiSpaceChosen = [...nodeFlags, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
  if (!semiSpaceChosen) nodeFlags.unshift(SEMI_SPACE_FLAG);
  if (env.MALLOC_ARENA_MAX === process.env.MALLOC_ARENA_MAX && semiSpaceChosen) return;
  process.execve(process.execPath, [process.execPath, ...nodeFlags, ...process.argv.slice(1)], env);
}
