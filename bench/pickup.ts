// Pickup latency of the hot-folder detector: a file written and closed → onReady.
// Run: npx tsx bench/pickup.ts [files=200] [intervalMs=25]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { watchFolder } from '../src/main/hotfolder/index.js';

const CHOKIDAR_DEFAULT_AWAIT_WRITE_FINISH_MS = 2000;
const fileCount = Number(process.argv[2] ?? 200);
const intervalMs = Number(process.argv[3] ?? 25);

const side = 256; // ~200 KB of noise: a realistic control image, not a trivially small write
const png = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
const folder = await mkdtemp(join(tmpdir(), 'hotfolder-bench-'));
const writeStartedAt = new Map<string, number>();
const readyAt = new Map<string, number>();
const closedAt = new Map<string, number>();
let done: () => void = () => undefined;
const allPickedUp = new Promise<void>((resolve) => (done = resolve));

const watch = watchFolder(
  { path: folder, recursive: false },
  {
    onReady(file) {
      readyAt.set(file.path, performance.now());
      if (readyAt.size === fileCount) done();
    },
    onError(error) {
      console.error(error.userMessage);
    },
  },
);
await watch.ready;

for (let i = 0; i < fileCount; i++) {
  const path = join(folder, `input-${String(i).padStart(4, '0')}.png`);
  writeStartedAt.set(path, performance.now());
  await writeFile(path, png);
  closedAt.set(path, performance.now());
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
const timeout = setTimeout(() => done(), 10_000);
await allPickedUp;
clearTimeout(timeout);
await watch.close();
await rm(folder, { recursive: true, force: true });

function summary(label: string, since: Map<string, number>): void {
  // The check can see the last bytes before writeFile's promise has resolved: such a file counts as 0 ms after close.
  const latencies = [...readyAt].map(([path, at]) => Math.max(0, at - (since.get(path) ?? at))).sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const p50 = percentile(50);
  const p95 = percentile(95);
  const ratio = (value: number) => (CHOKIDAR_DEFAULT_AWAIT_WRITE_FINISH_MS / Math.max(value, 0.1)).toFixed(0);
  console.log(`${label}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms` +
    ` (chokidar's default awaitWriteFinish waits ${CHOKIDAR_DEFAULT_AWAIT_WRITE_FINISH_MS} ms: ${ratio(p50)}× at p50, ${ratio(p95)}× at p95)`);
}
console.log(`files ${fileCount} of ${png.length} bytes, one every ${intervalMs} ms; picked up ${readyAt.size}`);
summary('write closed → onReady', closedAt);
summary('write started → onReady', writeStartedAt);
