/**
 * The CLI's start-up on a large library: wall time of `status` and `history` through the published
 * entry (bin/scenario-hotfolder.js, which runs the bundle `npm run build` made), against
 * `node -e 0` measured in the same run, interleaved, so a noisy machine weighs on both alike.
 *
 *   npm run bench:cli-startup [-- --generations 100000 --runs 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function wallMs(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SCENARIO_API_KEY: '', SCENARIO_API_SECRET: '' } });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return ms;
}

const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;

const home = mkdtempSync(join(tmpdir(), 'bench-cli-startup-'));
try {
  console.log(`Building ${GENERATIONS.toLocaleString()} generations in ${home}`);
  const store = openStore({ file: historyFileOf(home), now: () => libraryClock.now });
  populate(store, GENERATIONS);
  store.close();

  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    status: [BIN, '--home', home, 'status'],
    history: [BIN, '--home', home, 'history'],
  };
  const samples = new Map(Object.keys(commands).map((name) => [name, [] as number[]]));
  for (const args of Object.values(commands)) wallMs(args); // warm the file cache
  for (let round = 0; round < RUNS; round += 1) {
    for (const [name, args] of Object.entries(commands)) samples.get(name)?.push(wallMs(args));
  }

  const baseline = median(samples.get('node -e 0') ?? []);
  console.log(`\nWall time over ${RUNS} interleaved runs (${process.execPath}, Node ${process.versions.node}):\n`);
  console.log('| command | median | min | median ÷ node -e 0 | target |\n|---|---|---|---|---|');
  for (const [name, values] of samples) {
    const typical = median(values);
    const target = name === 'node -e 0' ? '' : `≤ ${TARGET_MS} ms ${typical <= TARGET_MS ? 'ok' : 'MISSED'}`;
    console.log(`| ${name} | ${typical.toFixed(0)} ms | ${Math.min(...values).toFixed(0)} ms | ${(typical / baseline).toFixed(1)}× | ${target} |`);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
