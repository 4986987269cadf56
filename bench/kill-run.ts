/**
 * The kill test at full size (too long for CI, whose kill test runs 12 kills over 100 files):
 * `npm run bench:kill -- [--files 1000] [--kills 100]` SIGKILLs the real `watch` at random moments
 * through a run, starts it again each time, and then checks what the CI test checks: every input
 * done exactly once, no body accepted twice by the simulator, no partial image, a sound database.
 * It prints the figures and exits 1 when an invariant is broken.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { walkFiles } from '../src/main/library/atomic';
import { seededRandom } from '../src/main/simulator/faults';
import { startSimulator } from '../src/main/simulator/index';
import { openStore } from '../src/main/store/index';

const CLI = path.resolve(import.meta.dirname, '../src/main/cli/main.ts');
const ALL_STATES = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'done', 'failed', 'canceled', 'outcome-unknown'] as const;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

const files = option('files', 1000);
const kills = option('kills', 100);
const random = seededRandom(option('seed', 1));
const dir = await mkdtemp(path.join(os.tmpdir(), 'shf-kill-run-'));
const home = path.join(dir, 'home');
const inbox = path.join(dir, 'inbox');
const sim = await startSimulator({ latencyMs: 40 });
const env = { ...process.env, SCENARIO_API_URL: sim.baseUrl, SCENARIO_API_KEY: sim.apiKey, SCENARIO_API_SECRET: sim.apiSecret, SCENARIO_HOTFOLDER_POLL_MS: '20' };

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, '--home', home, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function rows() {
  const store = openStore({ file: path.join(home, 'history.sqlite') });
  try {
    return { generations: store.generations.listByStates(ALL_STATES), problems: store.checkIntegrity() };
  } finally {
    store.close();
  }
}

const problems: string[] = [];
const started = Date.now();
try {
  const setup = openStore({ file: path.join(home, 'history.sqlite') });
  const preset = setup.presets.create({ name: 'Kill run', family: 'sd-1_5', preset: { name: 'Kill run', modelId: 'model_sd15-realistic', prompt: 'a small house', modality: 'canny', numSamples: 1, width: 512, height: 512 } });
  setup.folders.add({ path: inbox, presetIds: [preset.id] });
  setup.close();
  await mkdir(inbox, { recursive: true });
  for (let n = 0; n < files; n += 1) {
    await writeFile(path.join(inbox, `control ${n}.png`), await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: n % 256, g: Math.floor(n / 256) % 256, b: 77 } } }).png().toBuffer());
  }

  for (let kill = 0; kill < kills; kill += 1) {
    const child = cli(['watch', '--concurrency', '4']);
    await new Promise((resolve) => setTimeout(resolve, 800 + random() * 2000));
    child.kill('SIGKILL');
    await exited(child);
    if ((kill + 1) % 10 === 0) {
      const done = rows().generations.filter((row) => row.state === 'done').length;
      process.stdout.write(`${kill + 1} kills, ${done}/${files} done, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }

  const last = cli(['watch', '--concurrency', '4']);
  for (;;) {
    const { generations } = rows();
    if (generations.length >= files && generations.every((row) => ['done', 'failed', 'canceled', 'outcome-unknown'].includes(row.state))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  last.kill('SIGTERM');
  await exited(last);
  const parked = rows().generations.filter((row) => row.state === 'outcome-unknown');
  for (const row of parked) await exited(cli(['retry', String(row.id)]));

  const { generations, problems: integrity } = rows();
  const posts = sim.generateLog.filter((entry) => !entry.dryRun);
  const bodies = new Set(posts.map((entry) => entry.bodySha256));
  const outputs: string[] = [];
  for await (const file of walkFiles(path.join(home, 'library', 'outputs'))) outputs.push(file);
  if (generations.length !== files) problems.push(`${generations.length} generations for ${files} files`);
  if (!generations.every((row) => row.state === 'done')) problems.push(`not all done: ${generations.filter((row) => row.state !== 'done').map((row) => `#${row.id} ${row.state}`).join(', ')}`);
  if (posts.length !== bodies.size) problems.push(`${posts.length} accepted generate requests for ${bodies.size} bodies: a body was sent twice`);
  if (posts.length !== files) problems.push(`${posts.length} accepted generate requests for ${files} files`);
  if (outputs.some((file) => file.endsWith('.part'))) problems.push('a .part file is left in the library');
  if (outputs.length !== files) problems.push(`${outputs.length} output files for ${files} generations`);
  if (integrity.length > 0) problems.push(`integrity_check: ${integrity.join('; ')}`);
  if ((await readdir(inbox)).length !== files) problems.push('an input file is missing from the inbox');
  process.stdout.write(
    [
      `kill run: ${files} files, ${kills} SIGKILLs, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      `  generations done: ${generations.filter((row) => row.state === 'done').length}/${files}`,
      `  accepted generate requests: ${posts.length} (distinct bodies ${bodies.size})`,
      `  parked as outcome-unknown (killed between committing the submission and sending it) and retried by hand: ${parked.length}`,
      `  output files: ${outputs.length}, .part files: ${outputs.filter((file) => file.endsWith('.part')).length}`,
      `  ${problems.length === 0 ? 'every invariant holds' : `BROKEN:\n    ${problems.join('\n    ')}`}`,
    ].join('\n') + '\n',
  );
} finally {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = problems.length === 0 ? 0 : 1;
