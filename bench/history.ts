/**
 * History store benchmark: builds a realistic library in a temp dir and measures the queries the
 * gallery runs, against the targets the UI needs to feel instant.
 *
 *   npx tsx bench/history.ts [--generations 100000]
 */
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ThumbnailQueue } from '../src/main/library/thumbnails';
import { openStore } from '../src/main/store';
import type { GalleryFilters, Store } from '../src/main/store';
import { DETAILS, IMAGES_PER_GENERATION, SETTINGS, STYLES, SUBJECTS, TAGS, libraryClock, populate, time } from './history-library';
import { pick, random } from './random';

const generationsArg = process.argv.indexOf('--generations');
const GENERATIONS = generationsArg > 0 ? Number(process.argv[generationsArg + 1]) : 100_000;
const PAGE = 60;



interface Row {
  metric: string;
  value: string;
  target: string;
  ok: boolean | null;
}
const results: Row[] = [];
function report(metric: string, value: number, unit: string, target?: { max?: number; min?: number }) {
  const ok = target ? (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min) : null;
  const targetText = target?.max !== undefined ? `≤ ${target.max} ${unit}` : target?.min !== undefined ? `≥ ${target.min} ${unit}` : '';
  results.push({ metric, value: `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`, target: targetText, ok });
  console.log(`  ${metric}: ${value.toFixed(2)} ${unit}`);
}


function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}


/** What the pipeline does per generation once a library exists: one small transaction. */
function addOneGeneration(store: Store, { versionId, model }: { versionId: number; model: { id: string; name: string; family: string } }) {
  libraryClock.now += 1000;
  store.transaction(() => {
    const generation = store.generations.create({
      inputId: 1,
      presetVersionId: versionId,
      kind: 'hotfolder',
      requestJson: '{}',
      modelId: model.id,
      modelName: model.name,
      family: model.family,
      modality: 'canny',
      prompt: `${pick(SUBJECTS)} ${pick(SETTINGS)}, ${pick(STYLES)}`,
      state: 'done',
    });
    for (let idx = 0; idx < IMAGES_PER_GENERATION; idx += 1) {
      const image = store.images.add(generation.id, { idx, relPath: `outputs/new/${generation.id}_${idx}.png` });
      store.images.setThumbnail(image.id, `thumbs/new/${generation.id}_${idx}.webp`);
    }
  });
}


/** 1024 px PNGs of noise: incompressible (3 MB each) and large as WebP, a worst case for both codecs. */
async function thumbnailSources(dir: string): Promise<string[]> {
  const sources: string[] = [];
  mkdirSync(join(dir, 'png'), { recursive: true });
  for (let i = 0; i < 8; i += 1) {
    const noise = Buffer.alloc(1024 * 1024 * 3);
    for (let p = 0; p < noise.length; p += 1) noise[p] = (p * (i + 7) + Math.floor(random() * 40)) & 0xff;
    const path = join(dir, 'png', `source_${i}.png`);
    await sharp(noise, { raw: { width: 1024, height: 1024, channels: 3 } }).png().toFile(path);
    sources.push(path);
  }
  return sources;
}

/**
 * The app's background thumbnailer (ThumbnailQueue, at its default concurrency unless given). The
 * rate depends on what else the shared machine runs; CPU time per thumbnail much less so.
 */
async function thumbnailRate(sources: readonly string[], outputDir: string, count: number, concurrency?: number) {
  const failures: unknown[] = [];
  const queue = new ThumbnailQueue({ concurrency, onThumbnail: () => undefined, onError: (_job, error) => failures.push(error) });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let n = 0; n < count; n += 1) queue.enqueue({ sourcePath: sources[n % sources.length]!, thumbnailPath: join(outputDir, `${n}.webp`) });
  await queue.onIdle();
  if (failures.length > 0) throw failures[0];
  const cpu = process.cpuUsage(cpuStart);
  return { perSecond: count / ((performance.now() - start) / 1000), cpuMsEach: (cpu.user + cpu.system) / 1000 / count };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const file = join(dir, 'history.sqlite');
  try {
    console.log(`Building ${GENERATIONS.toLocaleString()} generations × ${IMAGES_PER_GENERATION} images in ${dir}`);
    let store = openStore({ file, now: () => libraryClock.now });
    const buildStart = performance.now();
    const { models, presetVersions, folderIds, tagTimes } = populate(store, GENERATIONS);
    const buildSeconds = (performance.now() - buildStart) / 1000;
    report('build rate (repositories, 5,000-row transactions, then tagging)', GENERATIONS / buildSeconds, 'generations/s');
    const singleInserts = Array.from({ length: 50 }, () => time(() => addOneGeneration(store, presetVersions[0]!)));
    report(`app-style insert, 1 generation + ${IMAGES_PER_GENERATION} images in its own transaction, p95 of 50`, percentile(singleInserts, 95), 'ms', { max: 10 });
    if (tagTimes.length > 0) report('tag a selection of 1,000 generations (median)', percentile(tagTimes, 50), 'ms');
    store.close();

    const openTimes = Array.from({ length: 5 }, () => time(() => openStore({ file }).close()));
    report('open database + migrations check (median of 5)', percentile(openTimes, 50), 'ms', { max: 300 });
    store = openStore({ file });

    for (let i = 0; i < 5; i += 1) store.galleryPage({ limit: PAGE }); // warm the page cache
    const firstPage = Array.from({ length: 50 }, () => time(() => store.galleryPage({ limit: PAGE })));
    report('first gallery page of 60, p50 of 50', percentile(firstPage, 50), 'ms');
    report('first gallery page of 60, p95 of 50', percentile(firstPage, 95), 'ms', { max: 10 });

    const filterSets: GalleryFilters[] = [
      { modelId: models[3]!.id },
      { presetId: presetVersions[5]!.presetId },
      { family: 'flux', states: ['failed', 'canceled'] },
      { favourite: true },
      { tag: 'portfolio' },
      { folderId: folderIds[2]!, minRating: 3 },
      { modality: 'depth', family: 'sd-xl' },
      { tag: 'client-acme', favourite: true },
    ];
    const filtered = filterSets.flatMap((filters) => Array.from({ length: 10 }, () => time(() => store.galleryPage({ filters, limit: PAGE }))));
    report(`filtered page of 60, p50 over ${filterSets.length} filter sets`, percentile(filtered, 50), 'ms');
    report(`filtered page of 60, p95 over ${filterSets.length} filter sets`, percentile(filtered, 95), 'ms', { max: 10 });
    const worstFilter = filterSets
      .map((filters, index) => ({ filters, ms: percentile(filtered.slice(index * 10, index * 10 + 10), 50) }))
      .sort((a, b) => b.ms - a.ms)[0]!;
    console.log(`    slowest filter set: ${JSON.stringify(worstFilter.filters)} ${worstFilter.ms.toFixed(2)} ms`);

    const words = [...SUBJECTS, ...SETTINGS, ...STYLES, ...DETAILS].flatMap((phrase) => phrase.split(/[ ,]+/)).filter((w) => w.length > 3);
    const queries = Array.from({ length: 100 }, (_, i) => {
      const a = pick(words);
      if (i % 4 === 0) return a.slice(0, 3); // typing: short prefix
      if (i % 4 === 1) return `${a} ${pick(words)}`;
      if (i % 4 === 2) return `${pick(TAGS)} ${a.slice(0, 4)}`;
      return `IMG_0${Math.floor(random() * 9)}`;
    });
    const searchTimes = queries.map((search) => time(() => store.galleryPage({ search, limit: PAGE })));
    report('full-text search page, p50 of 100 queries', percentile(searchTimes, 50), 'ms');
    report('full-text search page, p95 of 100 queries', percentile(searchTimes, 95), 'ms', { max: 30 });
    const slowest = queries[searchTimes.indexOf(Math.max(...searchTimes))];
    console.log(`    slowest query: ${JSON.stringify(slowest)} ${Math.max(...searchTimes).toFixed(2)} ms`);

    let cursor: string | null = null;
    for (let page = 1; page < 1000; page += 1) cursor = store.galleryPage({ cursor, limit: PAGE }).nextCursor;
    const deepKeyset = Array.from({ length: 20 }, () => time(() => store.galleryPage({ cursor, limit: PAGE })));
    report('keyset page 1,000 (p95 of 20)', percentile(deepKeyset, 95), 'ms', { max: 10 });
    const raw = new Database(file, { readonly: true });
    const offsetPage = raw.prepare(
      'SELECT id FROM generations WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
    );
    const deepOffset = Array.from({ length: 20 }, () => time(() => offsetPage.all(PAGE, 999 * PAGE)));
    report('OFFSET page 1,000, ids only (p95 of 20), for contrast', percentile(deepOffset, 95), 'ms');

    const facets = Array.from({ length: 10 }, () => time(() => store.facetCounts({})));
    report('facet counts, whole library (p50 of 10)', percentile(facets, 50), 'ms');
    const searchFacets = Array.from({ length: 10 }, () => time(() => store.facetCounts({ search: 'castle' })));
    report('facet counts, search "castle" (p50 of 10)', percentile(searchFacets, 50), 'ms');

    store.close();
    raw.close();
    const bytes = statSync(file).size;
    report('database size', bytes / 1024 / 1024, 'MiB');
    report('database size per generation (4 images each)', bytes / GENERATIONS, 'bytes');

    sharp.cache(false); // as in the engine
    const sources = await thumbnailSources(dir);
    const thumbs = join(dir, 'thumbs');
    await thumbnailRate(sources, thumbs, 16); // warm up libvips
    const oneAtATime = await thumbnailRate(sources, thumbs, 100, 1);
    report('thumbnails from 1024 px PNGs, one at a time, for contrast', oneAtATime.perSecond, '/s');
    const thumbnails = await thumbnailRate(sources, thumbs, 200);
    report('thumbnails from 1024 px PNGs (the background ThumbnailQueue, 200 images)', thumbnails.perSecond, '/s', { min: 100 });
    report('CPU time per thumbnail (all threads)', thumbnails.cpuMsEach, 'ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('\n| metric | value | target | |\n|---|---|---|---|');
  for (const row of results) console.log(`| ${row.metric} | ${row.value} | ${row.target} | ${row.ok === null ? '' : row.ok ? 'ok' : 'MISSED'} |`);
}

await main();
