/**
 * Team-history import benchmark (issue 19): imports N jobs × 4 assets made by other members from
 * the simulator at zero latency, metadata only (images on demand), and prints:
 * - jobs/s into the library (target ≥ 500), and the whole sync's time;
 * - peak RSS of the importing process (target ≤ 300 MB; the simulator runs in its own process);
 * - the gallery's first page of 60 timed every 200 ms during the import (target p95 ≤ 10 ms, as bench:history);
 * - the same rows inserted straight into a fresh store in the same run, and the ratio.
 *
 *   npm run bench:sync -- [--jobs 100000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../src/main/engine/engine';
import { openStore } from '../src/main/store';
import type { ImportedGenerationDraft, Store } from '../src/main/store';
import { syncTeamHistory } from '../src/main/sync';
import { referenceTaskMs } from './reference';

const jobsArg = process.argv.indexOf('--jobs');
const JOBS = jobsArg > 0 ? Number(process.argv[jobsArg + 1]) : 100_000;
const PAGE = 60;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The simulator in its own process, seeded with the team's history; resolves with its base URL. */
function startSimulatorProcess(jobs: number): Promise<{ baseUrl: string; stop: () => void }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const cli = resolve(import.meta.dirname, '../src/main/cli/main.ts');
  const child = spawn(process.execPath, ['--import', tsx, cli, '--json', 'simulator', '--latency', '0', '--team-jobs', String(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const line = output.split('\n').find((text) => text.includes('"listening"'));
      if (line) resolvePromise({ baseUrl: (JSON.parse(line) as { baseUrl: string }).baseUrl, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
}

/** The rows `source` imported, inserted straight into `target` through the same repository, batches of 50 per transaction. */
function insertStraight(source: Store, target: Store): { rows: number; seconds: number } {
  const ids: number[] = [];
  for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
    const page = source.galleryPage({ limit: 500, ...(cursor === null ? {} : { cursor }) });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  }
  ids.reverse();
  const drafts: ImportedGenerationDraft[] = [];
  const inputs = new Map<number, number>();
  for (const id of ids) {
    const detail = source.generationDetail(id);
    const { generation, input, images } = detail;
    let inputId = inputs.get(input.id);
    if (inputId === undefined) {
      inputId = target.inputs.upsertBySha256({ sha256: input.sha256, originalPath: input.originalPath, fileName: input.fileName, libraryRelPath: input.libraryRelPath, bytes: input.bytes }).input.id;
      inputs.set(input.id, inputId);
    }
    drafts.push({
      jobId: generation.jobId ?? `job-${id}`,
      inputId,
      requestJson: generation.requestJson,
      seed: generation.seed,
      modelId: generation.modelId,
      family: generation.family,
      modality: generation.modality,
      prompt: generation.prompt,
      negativePrompt: generation.negativePrompt,
      controlAssetId: generation.imageAssetId,
      origin: generation.origin ?? 'another-machine',
      authorId: generation.authorId,
      notReproducible: generation.notReproducible,
      parentAssetId: null,
      rootAssetId: null,
      remoteCreatedAt: generation.remoteCreatedAt ?? generation.createdAt,
      simulated: generation.simulated,
      images: () => images.map((image) => ({ assetId: image.assetId ?? '', idx: image.idx, relPath: image.relPath, width: image.width, height: image.height, tags: [], collectionIds: [] })),
    });
  }
  const start = performance.now();
  for (let index = 0; index < drafts.length; index += 50) {
    const batch = drafts.slice(index, index + 50);
    target.transaction(() => batch.map((draft) => target.sync.importGeneration(draft)));
  }
  return { rows: drafts.length, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shf-bench-sync-'));
  console.log(`Team history import: ${JOBS.toLocaleString('en')} jobs × 4 assets, simulator at zero latency (its own process), metadata only.`);
  console.log(`reference: fixed CPU task ${referenceTaskMs().toFixed(1)} ms`);
  const seedStart = performance.now();
  const simulator = await startSimulatorProcess(JOBS);
  console.log(`simulator seeded and listening in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const engine = await createEngine({ home: join(dir, 'home'), scenario: { baseUrl: simulator.baseUrl, apiKey: 'sim-key', apiSecret: 'sim-secret' }, run: false, lock: true });
  let peakRss = process.memoryUsage().rss;
  const pageTimes: number[] = [];
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const start = performance.now();
    engine.store.galleryPage({ limit: PAGE });
    pageTimes.push(performance.now() - start);
  }, 200);
  let importStart = 0;
  let importEnd = 0;
  const syncStart = performance.now();
  let lastPrinted = 0;
  const report = await syncTeamHistory({
    store: engine.store,
    client: engine.client as NonNullable<typeof engine.client>,
    libraryRoot: engine.libraryRoot,
    simulated: false,
    resolveFamily: (modelId) => engine.resolveFamily(modelId),
    images: 'none',
    appVersion: 'bench',
    onProgress: ({ phase, done, total }) => {
      if (phase === 'importing' && importStart === 0) importStart = performance.now();
      if (phase === 'importing' && total !== null && done === total) importEnd = performance.now();
      if (performance.now() - lastPrinted > 5000) {
        lastPrinted = performance.now();
        console.log(`  ${phase} ${done}${total === null ? '' : `/${total}`}  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
      }
    },
  });
  const syncSeconds = (performance.now() - syncStart) / 1000;
  if (importEnd === 0) importEnd = performance.now();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const importSeconds = (importEnd - importStart) / 1000;
  const importRate = report.imported / importSeconds;
  console.log('');
  console.log(`imported: ${report.imported.toLocaleString('en')} jobs (${report.notReproducible.toLocaleString('en')} not reproducible here)`);
  console.log(`whole sync (listing + import): ${syncSeconds.toFixed(1)} s, ${(report.imported / syncSeconds).toFixed(0)} jobs/s`);
  console.log(`import phase: ${importSeconds.toFixed(1)} s, ${importRate.toFixed(0)} jobs/s (target ≥ 500)`);
  console.log(`peak RSS of the importing process: ${(peakRss / 2 ** 20).toFixed(0)} MB (target ≤ 300 MB)`);
  console.log(`gallery first page of ${PAGE} during the sync: p50 ${percentile(pageTimes, 50).toFixed(2)} ms, p95 ${percentile(pageTimes, 95).toFixed(2)} ms, max ${Math.max(...pageTimes).toFixed(2)} ms over ${pageTimes.length} samples (target p95 ≤ 10 ms)`);

  const straight = openStore({ file: join(dir, 'straight.sqlite') });
  const direct = insertStraight(engine.store, straight);
  straight.close();
  const directRate = direct.rows / direct.seconds;
  console.log(`the same ${direct.rows.toLocaleString('en')} rows inserted straight into a fresh store: ${direct.seconds.toFixed(1)} s, ${directRate.toFixed(0)} jobs/s`);
  console.log(`ratio sync import / straight insert: ${(importRate / directRate).toFixed(2)} (whole sync: ${(report.imported / syncSeconds / directRate).toFixed(2)})`);
  console.log(`reference: fixed CPU task ${referenceTaskMs().toFixed(1)} ms`);
  await engine.close();
  simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
