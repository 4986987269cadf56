/**
 * The CLI's start-up on a large library: wall time of `status` and `history` through the published
 * entry (bin/scenario-hotfolder.js, which runs the bundle `npm run build` made), against
 * `node -e 0` measured in the same run, interleaved, so a noisy machine weighs on both alike.
 *
 *   npm run bench:cli-startup [-- --generations 100000 --runs 15 --home DIR]
 *
 * --home keeps the built library in DIR and reuses it on the next run with the same --generations
 * (building 100,000 takes a minute or two). On Linux it also prints each command's CPU time (its
 * user + system time, from /proc): on a machine shared with other work, wall time mostly measures
 * the wait for a core, CPU time what the command itself costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { historyFileOf } from '../src/main/engine/home';
import { openStore } from '../src/main/store';
import { libraryClock, populate } from './history-library';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const GENERATIONS = argument('--generations', 100_000);
const RUNS = argument('--runs', 15);
const TARGET_MS = 300;
const BIN = resolve(import.meta.dirname, '../bin/scenario-hotfolder.js');
const homeIndex = process.argv.indexOf('--home');
const KEPT_HOME = homeIndex > 0 ? resolve(process.argv[homeIndex + 1] ?? '') : null;

/** CPU time (user + system, ms) of this process's waited-for children, from /proc; null elsewhere. */
function childrenCpuMs(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  // Fields after the command's name (which is in parentheses): cutime and cstime are the 14th and 15th.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
}

function run(args: string[]): { wall: number; cpu: number | null } {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SCENARIO_API_KEY: '', SCENARIO_API_SECRET: '' } });
  const wall = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited with ${child.status}: ${child.stderr}`);
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;

const home = KEPT_HOME ?? mkdtempSync(join(tmpdir(), 'bench-cli-startup-'));
const described = join(home, 'cli-startup.json');
try {
  const reuse = KEPT_HOME !== null && existsSync(described) && (JSON.parse(readFileSync(described, 'utf8')) as { generations: number }).generations === GENERATIONS;
  if (reuse) console.log(`Reusing the ${GENERATIONS.toLocaleString()} generations built in ${home}`);
  else {
    console.log(`Building ${GENERATIONS.toLocaleString()} generations in ${home}`);
    const store = openStore({ file: historyFileOf(home), now: () => libraryClock.now });
    populate(store, GENERATIONS);
    store.close();
    if (KEPT_HOME !== null) writeFileSync(described, JSON.stringify({ generations: GENERATIONS }));
  }

  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    status: [BIN, '--home', home, 'status'],
    history: [BIN, '--home', home, 'history'],
  };
  const walls = new Map(Object.keys(commands).map((name) => [name, [] as number[]]));
  const cpus = new Map(Object.keys(commands).map((name) => [name, [] as number[]]));
  for (const args of Object.values(commands)) run(args); // warm the file cache
  for (let round = 0; round < RUNS; round += 1) {
    for (const [name, args] of Object.entries(commands)) {
      const { wall, cpu } = run(args);
      walls.get(name)?.push(wall);
      if (cpu !== null) cpus.get(name)?.push(cpu);
    }
  }

  const baseline = median(walls.get('node -e 0') ?? []);
  const cpuBaseline = median(cpus.get('node -e 0') ?? []);
  const withCpu = (cpus.get('node -e 0') ?? []).length > 0;
  console.log(`\nOver ${RUNS} interleaved runs (${process.execPath}, Node ${process.versions.node}):\n`);
  console.log(`| command | wall, median | wall, min | wall ÷ node -e 0 | target |${withCpu ? ' CPU, median | CPU ÷ node -e 0 |' : ''}`);
  console.log(`|---|---|---|---|---|${withCpu ? '---|---|' : ''}`);
  for (const [name, values] of walls) {
    const typical = median(values);
    const target = name === 'node -e 0' ? '' : `≤ ${TARGET_MS} ms ${typical <= TARGET_MS ? 'ok' : 'MISSED'}`;
    const cpu = median(cpus.get(name) ?? []);
    const cpuColumns = withCpu ? ` ${cpu.toFixed(0)} ms | ${(cpu / cpuBaseline).toFixed(1)}× |` : '';
    console.log(`| ${name} | ${typical.toFixed(0)} ms | ${Math.min(...values).toFixed(0)} ms | ${(typical / baseline).toFixed(1)}× | ${target} |${cpuColumns}`);
  }
} finally {
  if (KEPT_HOME === null) rmSync(home, { recursive: true, force: true });
}
