/**
 * One seed's run of the whole engine (store, library, pipeline, the real HTTP client, the team's
 * background sync) against the simulator, sharing a virtual clock. The seed draws a schedule of
 * operations (files, presets, budgets, pauses, cancels and retries, faults, a refused key, a key
 * Scenario refuses for a while, expired URLs, restarts, another member generating and tagging, tags
 * set here); after every step the invariants are checked. The practice of FoundationDB's simulator and
 * TigerBeetle's VOPR: the only input is the seed.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ConnectionError } from '../../src/main/engine/connection';
import { createEngine } from '../../src/main/engine/engine';
import type { Engine, EngineConfig, ScenarioConnection } from '../../src/main/engine/engine';
import { exchangesInFlight } from '../../src/main/scenario/transport';
import { CUSTOM_FAMILY, publishedInputs, validateCustomPreset } from '../../src/shared/model-inputs/index';
import { CUSTOM_MODELS } from '../../src/main/simulator/custom-models';
import { seededRandom } from '../../src/main/simulator/faults';
import { PRIMARY_AUTHOR_ID, startSimulator } from '../../src/main/simulator/index';
import type { TeamMember } from '../../src/main/simulator/index';
import { syncTeamHistory } from '../../src/main/sync/index';
import { ALLOWED_TRANSITIONS, TERMINAL_STATES } from '../../src/main/store/index';
import type { GenerationState, PresetDraft, Store } from '../../src/main/store/index';
import { VirtualClock } from './virtual-clock';

export interface SeedOutcome {
  seed: number;
  ok: boolean;
  /** What went wrong, with the step it went wrong at. */
  failure?: string;
  steps: string[];
  /** A digest of the end state: the same seed gives the same digest. */
  digest: string;
  counts: Record<string, number>;
}

class InvariantBroken extends Error {}

/**
 * sharp works on libvips' own threads, where neither the event loop's resources nor the HTTP
 * counters see it: every promise it hands out in this thread (the engine's checks of a dropped
 * file, thumbnails, the simulator's renders) is counted, so quiet() waits for it as for a file
 * read. Without it a loaded machine ended a step before a damaged file was refused, and the next
 * draw saw another world (the same seed, two schedules).
 *
 * The calls also run one at a time, in the order they were made: two drives checking their images
 * at once finished in whichever order the machine's threads allowed, and the first to finish sent
 * the first POST (the same seed, two runs whose jobs changed hands).
 */
let imageWorkInFlight = 0;
let imageWorkDone: Promise<unknown> = Promise.resolve();
const sharpMethods = (sharp as unknown as { prototype: Record<string, (...args: unknown[]) => unknown> }).prototype;
for (const name of ['toBuffer', 'metadata', 'toFile', 'stats']) {
  const original = sharpMethods[name] as (...args: unknown[]) => unknown;
  sharpMethods[name] = function orderedImageWork(this: unknown, ...args: unknown[]) {
    // A call with a callback is sharp's other form: left as it is.
    if (args.some((arg) => typeof arg === 'function')) return original.apply(this, args);
    imageWorkInFlight += 1;
    const result = imageWorkDone.then(() => original.apply(this, args) as Promise<unknown>);
    const settled = () => void (imageWorkInFlight -= 1);
    imageWorkDone = result.then(settled, settled);
    return result;
  };
}

/**
 * libuv work that ends by itself and that quiet() waits for: file requests (closing a file is a
 * CloseReq, not an FSReq: a loaded machine once stepped on while a download's file was still being
 * closed), DNS, connects and writes on sockets, zlib, crypto jobs. Kept-alive sockets, servers
 * and timers are not in this list: they live on, and the virtual clock stands for time.
 */
const SHORT_LIVED_WORK = /Req|Job$|ConnectWrap$|^WriteWrap$|^ShutdownWrap$|^Zlib$/;
function isShortLivedWork(resource: string): boolean {
  return SHORT_LIVED_WORK.test(resource);
}

const GENERATION_STATES_ALL: GenerationState[] = ['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'done', 'failed', 'canceled', 'outcome-unknown'];
/** Virtual time one step lets pass at most, and how many wake-ups it may take before it is called not live. */
const STEP_MS = 8_000;
const MAX_WAKEUPS_PER_STEP = 400;
const HEAL_MS = 15 * 60_000;
const MAX_WAKEUPS_TO_HEAL = 4_000;
/** Real time a heal may wait for a request's own (wall-clock) timeout when nothing sleeps. */
const REAL_WAIT_MS = 10_000;

export interface SeedOptions {
  /** Runs only this many steps of the schedule (then heals and checks, as the whole seed does). */
  steps?: number;
  /** Called at every turn of quiet(): the runner's sign of life. */
  onTurn?: () => void;
  /** Called with each step once it has been acted (before its time passes). */
  onStep?: (step: string) => void;
}

export async function runSeed(seed: number, options: SeedOptions = {}): Promise<SeedOutcome> {
  const seeded = seededRandom(seed);
  /**
   * Every step takes the same number of draws from the seed, whatever the world did: a choice that
   * depends on the world (which row to cancel) must not shift the rest of the schedule.
   */
  let stepDraws: number[] = [];
  let drawn = 0;
  const random = () => (stepDraws.length === 0 ? seeded() : (stepDraws[drawn++ % stepDraws.length] as number));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const start = new Date();
  start.setHours(8, 0, 0, 0);
  const clock = new VirtualClock(start.getTime());
  const dir = await mkdtemp(path.join(os.tmpdir(), `shf-sim-${seed}-`));
  const home = path.join(dir, 'home');
  const inbox = path.join(dir, 'inbox');
  const sim = await startSimulator({ latencyMs: 500 + Math.floor(random() * 2500), clock, faultSeed: seed, keyedFaults: true, members: [TEAM_MEMBER] });
  const good: ScenarioConnection = { baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret };
  const refused: ScenarioConnection = { ...good, apiSecret: 'a-refused-secret-0000' };
  let connection = good;
  const config = (): EngineConfig => ({
    home,
    scenario: connection,
    now: () => clock.now(),
    watchFolders: false,
    concurrency: 1 + Math.floor(random() * 3),
    client: { pollIntervalMs: { min: 1500, max: 1500 }, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, requestTimeoutMs: 3000, clock },
    // No sidecar settle window: it is measured from a file's (real) write time, and the world's clock
    // is virtual, so its length would depend on how fast the machine ran the seed.
    pipeline: { clock, reconcileWindowMs: 3000, probeBackoff: { minMs: 1000, maxMs: 4000 }, recheckMs: 5000, sidecarSettleMs: 0 },
    // The app's own sync of the team's history, at start and then every interval (no draw: schedules stay).
    teamSync: { intervalMs: 30_000 + (seed % 5) * 30_000 },
  });

  const steps: string[] = [];
  function noteStep(step: string): void {
    steps.push(step);
    options.onStep?.(step);
  }
  const lastState = new Map<number, GenerationState>();
  const personResends = new Map<number, number>();
  /** Each daily budget set, after how many accepted or dry-run generate requests (the order, not the instant: many happen at one virtual time). */
  const budgets: { afterRequests: number; daily: number | null }[] = [{ afterRequests: 0, daily: null }];
  let events = 0;
  let engine: Engine | undefined;
  const outcome = (ok: boolean, failure?: string): SeedOutcome => ({ seed, ok, steps, digest: digestOf(), counts: countsOf(), ...(failure === undefined ? {} : { failure }) });

  function listen(current: Engine): void {
    for (const row of current.store.generations.listByStates(GENERATION_STATES_ALL)) lastState.set(row.id, row.state);
    current.events.on('job.added', ({ generationId }) => {
      events += 1;
      lastState.set(generationId, 'detected');
    });
    current.events.on('job.state', ({ generationId, state }) => {
      events += 1;
      if (stopAfterMoves !== null && (stopAfterMoves -= 1) <= 0) {
        // Stopped in the middle of work, right after a state was committed.
        stopAfterMoves = null;
        stopping = current.close();
      }
      const from = lastState.get(generationId) ?? current.store.generations.get(generationId)?.state;
      if (from !== undefined && from !== state && !ALLOWED_TRANSITIONS[from].includes(state)) broken(`generation ${generationId} moved ${from} → ${state}, which the machine does not have`);
      lastState.set(generationId, state);
    });
    for (const name of ['job.progress', 'job.done', 'job.failed', 'input.skipped', 'input.moved', 'queue.paused', 'queue.resumed', 'warning'] as const) current.events.on(name, () => (events += 1));
  }

  /** Armed by a restart step: the engine stops itself after this many more state moves. */
  let stopAfterMoves: number | null = null;
  let stopping: Promise<void> | null = null;
  let brokenMessage: string | null = null;
  function broken(message: string): void {
    brokenMessage ??= message;
  }

  function live(): Engine {
    if (engine === undefined) throw new Error('no engine');
    return engine;
  }

  /** Real work (HTTP, files) of the current instant has settled: nothing changed for a few turns. */
  async function quiet(): Promise<void> {
    let stableTurns = 0;
    let last = '';
    for (let turn = 0; turn < 40_000; turn += 1) {
      // Mostly event-loop turns; now and then a millisecond, for work on other threads (libuv's pool, sharp).
      await new Promise((resolve) => (turn % 4 === 3 ? setTimeout(resolve, 1) : setImmediate(resolve)));
      options.onTurn?.();
      const fsBusy = exchangesInFlight() > 0 || imageWorkInFlight > 0 || process.getActiveResourcesInfo().some(isShortLivedWork);
      const signature = `${clock.sleepsBegun}|${clock.pending}|${events}|${sim.traffic.received}|${sim.traffic.open}|${fsBusy}`;
      if (signature === last && sim.traffic.open === 0 && !fsBusy) {
        stableTurns += 1;
        if (stableTurns >= 6) return;
      } else {
        stableTurns = 0;
        last = signature;
      }
    }
    throw new InvariantBroken('not live: real work never settled within 40,000 turns of the event loop');
  }

  /** Lets `ms` of virtual time pass, waking sleepers in order; fails when that takes too many wake-ups (a busy loop in virtual time). */
  async function run(ms: number, maxWakeups: number, until?: () => boolean): Promise<void> {
    const end = clock.now() + ms;
    let realWaitMs = 0;
    await quiet();
    for (let wakeups = 0; clock.now() < end; wakeups += 1) {
      if (until?.()) return;
      if (wakeups >= maxWakeups) throw new InvariantBroken(`not live: ${maxWakeups} wake-ups did not get through ${ms} ms of virtual time`);
      if (clock.advance(end - clock.now())) {
        await quiet();
        continue;
      }
      // Nothing sleeps. A drive may still wait on real time (a request's own timeout, on the wall
      // clock): give it that, within a bound, while healing; otherwise the step is over.
      if (until === undefined || live().status().counts.active === 0 || (realWaitMs += 50) > REAL_WAIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await quiet();
    }
  }

  /**
   * Waits for `work` started outside run() (the last sync), waking its sleepers on the virtual
   * clock as run() does: once the real work has settled, the work can only be waiting on the
   * clock. A request retried after a dropped connection pauses there, and nothing else would move
   * the clock (seeds 4471 and 6595 waited for good). When nothing sleeps, the wait is on real work
   * alone and gives no sign of life, so a hang is still reported as one.
   */
  async function advancingWhile<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => (settled = true));
    const ended = watched.then(() => undefined, () => undefined);
    const realPause = () => Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 20))]);
    for (let wakeups = 0; !settled; ) {
      await quiet();
      if (settled) break;
      if (clock.pending === 0) {
        const begun = clock.sleepsBegun;
        while (!settled && clock.sleepsBegun === begun) await realPause();
        continue;
      }
      if ((wakeups += 1) > MAX_WAKEUPS_TO_HEAL) throw new InvariantBroken(`not live: ${MAX_WAKEUPS_TO_HEAL} wake-ups did not end the work`);
      clock.advance();
    }
    return watched;
  }

  // ------------------------------------------------------------------ invariants

  function checkStep(): void {
    if (brokenMessage !== null) throw new InvariantBroken(brokenMessage);
    checkPosts();
    checkDetectionPosts();
    checkBudget();
    checkJobsHeldOnce();
  }

  /**
   * A job is held by one generation here, and a job of our own is never imported: one whose id
   * this library knew (answered, or found after a lost answer). A lost answer never found and then
   * sent again by the person leaves a job nobody here knew: the sync may bring that one in.
   */
  function checkJobsHeldOnce(): void {
    const holders = new Map<string, number>();
    const rows = live().store.generations.listByStates(GENERATION_STATES_ALL);
    for (const row of rows) if (row.origin === null && row.jobId !== null) ownJobs.add(row.jobId);
    for (const entry of ourRequests()) if (entry.jobId !== null && !entry.responseDropped) ownJobs.add(entry.jobId);
    for (const row of rows) {
      if (row.origin !== null && row.jobId !== null && ownJobs.has(row.jobId)) throw new InvariantBroken(`generation ${row.id} imported job ${row.jobId}, a job of our own`);
      if (row.origin !== null && row.authorId !== TEAM_MEMBER.authorId && row.authorId !== PRIMARY_AUTHOR_ID) throw new InvariantBroken(`generation ${row.id} imported job ${row.jobId} by ${row.authorId}, who is not on the team`);
      if (row.jobId === null) continue;
      const other = holders.get(row.jobId);
      if (other !== undefined) throw new InvariantBroken(`job ${row.jobId} is held by generations ${other} and ${row.id}`);
      holders.set(row.jobId, row.id);
    }
  }

  /**
   * After a last sync, the library holds every job the other member made, once; the tags the member
   * put on them are here, and the tags set here are on their assets at Scenario: none is lost.
   */
  async function checkTeamHistory(): Promise<void> {
    const store = live().store;
    const jobs = await memberJobs();
    for (const job of jobs) {
      const id = store.generations.idForJob(job.jobId);
      if (id === null) throw new InvariantBroken(`the member's job ${job.jobId} (${job.status}) was never imported`);
      if (store.generations.get(id)?.origin === null) throw new InvariantBroken(`the member's job ${job.jobId} is held as one of ours (generation ${id})`);
    }
    for (const assetId of taggedByMember) {
      if (deletedAssets.has(assetId)) continue;
      const job = jobs.find((candidate) => candidate.assetIds.includes(assetId));
      const id = job === undefined ? null : store.generations.idForJob(job.jobId);
      if (id === null || !store.generationDetail(id).tags.includes(MEMBER_TAG)) throw new InvariantBroken(`the tag the member put on ${assetId} is not on its generation here (${id ?? 'not imported'})`);
    }
    // A deletion in Scenario never costs a generation of ours; an import whose images are all gone leaves the live library.
    for (const row of store.generations.listByStates(GENERATION_STATES_ALL)) {
      const images = store.images.listForGeneration(row.id);
      const allGone = images.length > 0 && images.every((image) => image.assetId !== null && deletedAssets.has(image.assetId));
      if (row.origin === null && row.trashBatchId !== null) throw new InvariantBroken(`generation ${row.id} of ours went to the Trash after a deletion in Scenario`);
      if (row.origin !== null && allGone && row.trashBatchId === null) throw new InvariantBroken(`the imported generation ${row.id} stays in the library though a member deleted all its images in Scenario`);
    }
    for (const id of taggedHere) {
      for (const image of store.images.listForGeneration(id)) {
        if (image.assetId === null || deletedAssets.has(image.assetId)) continue;
        const asset = (await asMember('GET', `/assets/${image.assetId}`)).json as { asset?: { tags?: string[] } } | null;
        if (!(asset?.asset?.tags ?? []).includes(LOCAL_TAG)) throw new InvariantBroken(`the tag set here on generation ${id} is not on its asset ${image.assetId} at Scenario`);
      }
    }
  }

  /** Another member's request, with their own key (they do not retry: a failure is theirs). */
  async function asMember(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    try {
      const response = await fetch(`${sim.baseUrl}${route}`, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`${TEAM_MEMBER.apiKey}:${TEAM_MEMBER.apiSecret}`).toString('base64')}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: await response.json().catch(() => null) };
    } catch {
      return { status: 0, json: null };
    }
  }

  /** The member's finished jobs with outputs, as Scenario lists them. */
  async function memberJobs(): Promise<{ jobId: string; status: string; assetIds: string[] }[]> {
    const jobs: { jobId: string; status: string; assetIds: string[] }[] = [];
    let token: string | undefined;
    do {
      const page = await asMember('GET', `/jobs?authorId=${TEAM_MEMBER.authorId}&pageSize=100${token === undefined ? '' : `&paginationToken=${encodeURIComponent(token)}`}`);
      if (page.status !== 200) throw new InvariantBroken(`GET /jobs answered ${page.status} after healing`);
      const listed = page.json as { jobs: { jobId: string; status: string; metadata?: { assetIds?: string[] } }[]; nextPaginationToken?: string };
      for (const job of listed.jobs) if (job.status === 'success' && (job.metadata?.assetIds ?? []).length > 0) jobs.push({ jobId: job.jobId, status: job.status, assetIds: job.metadata?.assetIds ?? [] });
      token = listed.nextPaginationToken;
    } while (token !== undefined);
    return jobs;
  }

  function ourRequests() {
    return sim.generateLog.filter((entry) => entry.authorId === PRIMARY_AUTHOR_ID);
  }

  /** No generation's body is accepted twice, except after a resend the person asked for. */
  function checkPosts(): void {
    const accepted = new Map<string, number>();
    for (const entry of ourRequests()) if (!entry.dryRun) accepted.set(entry.bodySha256, (accepted.get(entry.bodySha256) ?? 0) + 1);
    // Rows may share a body (the same file again after its first run failed, with the presets' fixed seed): each may send it once.
    const rowsByBody = new Map<string, number[]>();
    for (const row of live().store.generations.listByStates(GENERATION_STATES_ALL)) {
      const body = sha256(row.requestJson);
      rowsByBody.set(body, [...(rowsByBody.get(body) ?? []), row.id]);
    }
    for (const [body, ids] of rowsByBody) {
      const sent = accepted.get(body) ?? 0;
      const allowed = ids.reduce((sum, id) => sum + 1 + (personResends.get(id) ?? 0), 0);
      if (sent > allowed) throw new InvariantBroken(`generation ${ids.join(', ')} was accepted ${sent} times by Scenario (allowed: ${allowed}, with the resends the person asked for)`);
    }
  }

  /** A photo is detected (and paid) once per drop at most: a stop, a lost answer or a hold never sends it twice. */
  function checkDetectionPosts(): void {
    const detected = new Map<string, number>();
    for (const entry of ourRequests()) if (!entry.dryRun && entry.endpoint === '/generate/detect') detected.set(entry.controlImageSha256, (detected.get(entry.controlImageSha256) ?? 0) + 1);
    for (const [photo, sent] of detected) {
      const dropped = drops.get(photo) ?? 0;
      if (sent > dropped) throw new InvariantBroken(`a photo (sha256 ${photo.slice(0, 12)}) was detected ${sent} times for ${dropped} drops`);
    }
  }

  /** Accepted spending never passes the daily budget in force when each job was sent. */
  function checkBudget(): void {
    let spent = 0;
    for (const [index, entry] of sim.generateLog.entries()) {
      // The other member's requests are theirs: neither our budget nor our submissions.
      if (entry.dryRun || entry.authorId !== PRIMARY_AUTHOR_ID) continue;
      spent += entry.creativeUnitsCost;
      const limit = [...budgets].reverse().find((change) => change.afterRequests <= index)?.daily ?? null;
      if (limit !== null && spent > limit) throw new InvariantBroken(`${spent} creative units accepted by ${entry.time}, over the daily budget of ${limit} then in force`);
    }
  }

  /** The rows and the library agree, no partial image is visible, SQLite is sound. */
  async function checkLibrary(): Promise<void> {
    const current = live();
    const problems = current.store.checkIntegrity();
    if (problems.length > 0) throw new InvariantBroken(`integrity_check: ${problems.join('; ')}`);
    const known = new Set<string>();
    for (const row of current.store.generations.listByStates(['done'])) {
      const images = current.store.images.listForGeneration(row.id);
      if (images.length === 0) throw new InvariantBroken(`generation ${row.id} is done with no image`);
      for (const image of images) {
        const file = path.join(current.libraryRoot, image.relPath);
        // An imported generation's images come on demand: until then they are placeholders or their
        // thumbnails (the thumbnail's file then here), never partial files.
        if (row.origin !== null && image.missing && !existsSync(file)) {
          if (image.thumbRelPath !== null && !existsSync(path.join(current.libraryRoot, image.thumbRelPath))) {
            throw new InvariantBroken(`image ${image.id} of generation ${row.id} is thumbnail only, but its thumbnail ${image.thumbRelPath} is not there`);
          }
          continue;
        }
        if (!existsSync(file)) throw new InvariantBroken(`image ${image.id} of generation ${row.id} has no file at ${image.relPath}`);
        if (image.bytes !== null && statSync(file).size !== image.bytes) throw new InvariantBroken(`image ${image.id} is ${statSync(file).size} bytes on disk, ${image.bytes} in the history (a partial file)`);
        known.add(path.resolve(file));
      }
    }
    const outputs = path.join(current.libraryRoot, 'outputs');
    const files = existsSync(outputs) ? await readdir(outputs, { recursive: true, withFileTypes: true }) : [];
    for (const entry of files) {
      if (!entry.isFile()) continue;
      const full = path.resolve(entry.parentPath, entry.name);
      if (entry.name.endsWith('.part')) throw new InvariantBroken(`a partial download is visible in the library: ${full}`);
      const ownerRows = current.store.generations.listByStates(GENERATION_STATES_ALL.filter((state) => state !== 'done'));
      if (!known.has(full) && !ownerRows.some((row) => current.store.images.listForGeneration(row.id).some((image) => path.resolve(current.libraryRoot, image.relPath) === full))) {
        throw new InvariantBroken(`the library holds ${full}, which no image row names`);
      }
    }
  }

  /** An input file is never deleted: each one the world left in place is still in the folder, in `_done/` or in `_failed/`. */
  async function checkInputsKept(): Promise<void> {
    // Every generation has ended, but the last inputs may still be on their way to _done/: a file
    // that moves while the folder is read is read again with the folder, once the moves settle.
    let found: Map<string, number> | undefined;
    for (let attempt = 0; found === undefined; attempt += 1) {
      await quiet();
      found = await inputsByContent().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT' || attempt >= 10) throw error;
        return undefined;
      });
    }
    for (const [file, bytes] of kept) {
      const hash = sha256(bytes);
      const left = found.get(hash) ?? 0;
      if (left === 0) throw new InvariantBroken(`the input ${path.relative(inbox, file)} is gone from its folder, _done/ and _failed/`);
      found.set(hash, left - 1);
    }
  }

  async function inputsByContent(): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const entry of await readdir(inbox, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.error.txt') || entry.name.endsWith('.part')) continue;
      const hash = sha256(await readFile(path.join(entry.parentPath, entry.name)));
      found.set(hash, (found.get(hash) ?? 0) + 1);
    }
    return found;
  }

  function countsOf(): Record<string, number> {
    const counts: Record<string, number> = {};
    if (engine === undefined || stopping !== null) return counts;
    for (const row of engine.store.generations.listByStates(GENERATION_STATES_ALL)) counts[row.state] = (counts[row.state] ?? 0) + 1;
    counts.posts = ourRequests().filter((entry) => !entry.dryRun).length;
    return counts;
  }

  function digestOf(): string {
    if (engine === undefined || stopping !== null) return '';
    const rows = engine.store.generations.listByStates(GENERATION_STATES_ALL).map((row) => `${row.id}:${row.state}:${row.errorCode ?? ''}`);
    const detections = engine.store.detections.listByStates(['sending', 'sent', 'unsent', 'outcome-unknown', 'done', 'failed']).map((detection) => `d${detection.id}:${detection.state}`);
    return sha256([...rows, ...detections].join(',')).slice(0, 16);
  }

  // ------------------------------------------------------------------ the schedule

  let fileNumber = 0;
  /** A key disabled in Scenario, then enabled again: no new key, the hold must end by itself. */
  let keyRefusedByScenario = false;
  const written: Buffer[] = [];
  let folderId = 0;
  const presetIds: number[] = [];

  /**
   * Files an exporter is still writing. The watcher waits for a file's format to prove it
   * complete, so a partial file reaches the pipeline only through the watcher's fallback for a
   * file that stopped changing; the writer may finish it later, or delete it.
   */
  const slowWrites: { file: string; bytes: Buffer }[] = [];
  /** What each input file the world wrote and did not delete holds now: none may be lost. */
  const kept = new Map<string, Buffer>();
  /** Assets the other member tagged, and generations tagged here: no tag may be lost. */
  const taggedByMember = new Set<string>();
  const taggedHere = new Set<number>();
  let memberJobCount = 0;
  /** Assets a member deleted in Scenario: their tags are gone with them. */
  const deletedAssets = new Set<string>();
  /** Every job id this library knew as its own. */
  const ownJobs = new Set<string>();

  /** Intakes under way (a photo's may wait for its detection as long as a generation waits). */
  let intakes = 0;
  /** How often the person dropped each content (a photo is detected again only when dropped again). */
  const drops = new Map<string, number>();

  /** The person drops (or saves) a file; `initial` is the start's catch-up finding it in its folder. */
  async function enqueue(file: string, initial = false): Promise<void> {
    // The engine may have stopped itself while the file was written.
    await reopenIfStopped();
    const folder = live().store.folders.get(folderId);
    if (folder === null) return;
    if (!initial) {
      const content = await readFile(file).catch(() => null);
      const hash = content === null ? null : sha256(content);
      if (hash !== null) drops.set(hash, (drops.get(hash) ?? 0) + 1);
    }
    intakes += 1;
    void live()
      .pipeline.enqueueFile(file, { kind: 'folder', folder, initial })
      .finally(() => (intakes -= 1));
    // Files arrive one at a time: an intake goes as far as it can before the next file comes, so
    // which of two files reaches the history first (and gets the lower ids) is the schedule's.
    await quiet();
  }

  /**
   * The start's catch-up, as the watcher's first scan hands it on: every complete file still in the
   * folder, in name order (a file its writer is still writing is left to it). A file whose intake a
   * stop cut short (a photo waiting for its map) is taken again here.
   */
  async function catchUp(): Promise<void> {
    const writing = new Set(slowWrites.map((write) => write.file));
    const entries = (await readdir(inbox, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith('.png')).map((entry) => path.join(inbox, entry.name));
    for (const file of entries.sort()) if (!writing.has(file)) await enqueue(file, true);
  }

  async function finishWrite(write: { file: string; bytes: Buffer }): Promise<void> {
    await mkdir(path.dirname(write.file), { recursive: true });
    await writeFile(write.file, write.bytes);
    kept.set(write.file, write.bytes);
    written.push(write.bytes);
    await enqueue(write.file);
  }

  /** Each step, every file still being written is finished, taken as it is by the fallback, deleted, or left growing. */
  async function advanceSlowWrites(): Promise<string[]> {
    const happened: string[] = [];
    for (const write of [...slowWrites]) {
      const name = path.basename(write.file);
      const draw = random();
      if (draw < 0.4) {
        slowWrites.splice(slowWrites.indexOf(write), 1);
        await finishWrite(write);
        happened.push(`${name} written to its end`);
      } else if (draw < 0.55) {
        if (existsSync(write.file)) await enqueue(write.file);
        happened.push(`${name} taken unfinished (it stopped changing)`);
      } else if (draw < 0.7) {
        slowWrites.splice(slowWrites.indexOf(write), 1);
        await rm(write.file, { force: true });
        kept.delete(write.file);
        happened.push(`${name} deleted while written`);
      }
    }
    return happened;
  }

  async function dropFile(kind: 'valid' | 'damaged' | 'duplicate' | 'vanished' | 'slow'): Promise<void> {
    const name = `shot_${String((fileNumber += 1)).padStart(3, '0')}.png`;
    const file = path.join(inbox, name);
    let bytes: Buffer;
    if (kind === 'duplicate' && written.length > 0) bytes = pick(written);
    else if (kind === 'damaged') bytes = Buffer.concat([(await controlImage(seed * 1000 + fileNumber)).subarray(0, 40), Buffer.from('not the rest of a png')]);
    else bytes = await controlImage(seed * 1000 + fileNumber);
    if (kind === 'slow') {
      const partial = bytes.subarray(0, Math.floor(bytes.length / 2));
      await writeFile(file, partial);
      kept.set(file, partial);
      slowWrites.push({ file, bytes });
      return;
    }
    if (kind === 'valid') written.push(bytes);
    await writeFile(file, bytes);
    if (kind === 'vanished') await unlink(file);
    else kept.set(file, bytes);
    await enqueue(file);
  }

  async function reopen(): Promise<void> {
    stopAfterMoves = null;
    await (stopping ?? live().close());
    stopping = null;
    engine = await createEngine(config());
    listen(engine);
    await catchUp();
  }

  /** An engine that stopped itself mid-step is opened again once the step has settled. */
  async function reopenIfStopped(): Promise<void> {
    if (stopping !== null) await reopen();
  }

  /** The files waiting in the folder (not in `_done/` or `_failed/`), by content. */
  async function waitingFiles(): Promise<Map<string, string[]>> {
    const byContent = new Map<string, string[]>();
    for (const entry of await readdir(inbox, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.png')) continue;
      const file = path.join(inbox, entry.name);
      const hash = sha256(await readFile(file));
      byContent.set(hash, [...(byContent.get(hash) ?? []), file].sort());
    }
    return byContent;
  }

  /**
   * Detections not ended whose photo still waits in the folder: a photo rewritten while its
   * detection waited (a file taken unfinished, then written to its end) is no longer anyone's to
   * detect, nor one whose every copy has been moved out as done or failed.
   */
  async function unfinishedDetections() {
    const waiting = await waitingFiles();
    return live()
      .store.detections.listByStates(['sending', 'sent', 'unsent', 'outcome-unknown'])
      .filter((detection) => waiting.has(live().store.inputs.get(detection.photoInputId)?.sha256 ?? ''));
  }

  function unfinished(): number[] {
    return live().store.generations.listByStates(GENERATION_STATES_ALL.filter((state) => !TERMINAL_STATES.includes(state))).map((row) => row.id);
  }

  async function setBudget(daily: number | null): Promise<void> {
    // A submission the engine decided on before the change may still be on the wire (a restart at
    // this step's start resumes work at once): it counts under the budget it was sent with.
    await quiet();
    // The engine may have stopped itself meanwhile (a restart armed for after a few moves).
    await reopenIfStopped();
    live().store.settings.set('dailyBudget', daily);
    budgets.push({ afterRequests: sim.generateLog.length, daily });
    live().pipeline.recheck();
  }

  const operations: [weight: number, name: string, act: () => Promise<string>][] = [
    [24, 'file', async () => {
      const kind = pick(['valid', 'valid', 'valid', 'damaged', 'duplicate', 'vanished', 'slow'] as const);
      await dropFile(kind);
      return `${kind} file #${fileNumber}`;
    }],
    [4, 'preset', async () => {
      const id = pick(presetIds);
      const numSamples = 1 + Math.floor(random() * 3);
      live().store.presets.update(id, { name: live().store.presets.get(id)?.name ?? 'Preset', family: 'sd-1_5', preset: { ...PRESET, seed: String(seed), numSamples, prompt: `${PRESET.prompt} ${Math.floor(random() * 100)}` } });
      return `edit preset ${id}: ${numSamples} images`;
    }],
    [2, 'new preset', async () => {
      const name = `Preset ${presetIds.length + 1}`;
      const numSamples = 1 + Math.floor(random() * 3);
      // Every other new preset is for a model that publishes its inputs (/generate/custom): no extra draw, so schedules stay the same.
      const custom = presetIds.length % 2 === 1;
      const created = live().store.presets.create(custom ? customPreset(live().store, name, numSamples) : { name, family: 'sd-1_5', preset: { ...PRESET, name, seed: String(seed), numSamples } });
      presetIds.push(created.id);
      live().store.folders.setPresets(folderId, presetIds);
      return `new ${custom ? 'custom-model ' : ''}preset ${created.id} bound to the folder`;
    }],
    [5, 'budget', async () => {
      const spent = live().status().budget.spentToday;
      const daily = chance(0.3) ? null : Math.floor(spent + random() * 12);
      await setBudget(daily);
      return `daily budget ${daily ?? 'none'}`;
    }],
    [4, 'pause', async () => {
      const all = chance(0.5);
      const pause = chance(0.5);
      if (all) {
        if (pause) live().pipeline.pauseAll();
        else live().pipeline.resumeAll();
      } else if (pause) live().pipeline.pauseFolder(folderId);
      else live().pipeline.resumeFolder(folderId);
      return `${pause ? 'pause' : 'resume'} ${all ? 'all' : 'folder'}`;
    }],
    [4, 'cancel', async () => {
      const candidates = unfinished();
      const id = candidates.length === 0 ? undefined : pick(candidates);
      if (id === undefined) return 'cancel: nothing';
      const state = live().store.generations.get(id)?.state;
      if (state === 'submitting' || state === 'downloading') return `cancel #${id}: ${state} cannot be canceled`;
      live().pipeline.cancel(id);
      return `cancel #${id} (${state})`;
    }],
    [4, 'retry', async () => {
      const rows = live().store.generations.listByStates(['failed', 'canceled', 'outcome-unknown']);
      const row = rows.length === 0 ? undefined : pick(rows);
      if (row === undefined) return 'retry: nothing';
      personResends.set(row.id, (personResends.get(row.id) ?? 0) + 1);
      live().pipeline.retry(row.id);
      return `retry #${row.id} (${row.state})`;
    }],
    [5, 'faults', async () => {
      const rate = () => (chance(0.5) ? 0 : Math.round(random() * 30) / 100);
      const spec = chance(0.3) ? {} : { '429': rate(), '5xx': rate(), reset: rate(), drop: rate(), fail: rate(), retryAfterSeconds: 1 + Math.floor(random() * 5) };
      sim.setFaults(spec);
      return `faults ${JSON.stringify(spec)}`;
    }],
    [3, 'network', async () => {
      if (chance(0.5)) {
        await sim.suspend();
        return 'network down';
      }
      await sim.resume().catch(() => undefined);
      return 'network back';
    }],
    [1, 'key refused by Scenario', async () => {
      keyRefusedByScenario = !keyRefusedByScenario;
      sim.setKeyRefused(keyRefusedByScenario);
      return keyRefusedByScenario ? 'Scenario refuses the key for a while' : 'Scenario takes the key again';
    }],
    [2, 'key', async () => {
      const next = connection === good ? refused : good;
      try {
        await live().switchConnection(next);
      } catch (error) {
        // Another key is taken under unfinished work only while the queue waits for a key.
        if (error instanceof ConnectionError) return `the key change is refused: ${error.userMessage}`;
        throw error;
      }
      connection = next;
      return connection === good ? 'key fixed' : 'key refused';
    }],
    [2, 'urls', async () => {
      const ttl = chance(0.5) ? 0 : 24 * 3600_000;
      sim.setUrlTtl(ttl);
      return ttl === 0 ? 'asset URLs expire at once' : 'asset URLs last a day';
    }],
    [3, 'restart', async () => {
      if (chance(0.5)) {
        await reopen();
        return 'stop and reopen the engine on the same SQLite file';
      }
      stopAfterMoves = 1 + Math.floor(random() * 6);
      return `stop the engine after ${stopAfterMoves} more state moves, then reopen it`;
    }],
    [2, 'member generates', async () => {
      memberJobCount += 1;
      const numSamples = 1 + Math.floor(random() * 2);
      const image = `data:image/png;base64,${(await controlImage(seed * 1000 + 500 + memberJobCount)).toString('base64')}`;
      const { status, json } = await asMember('POST', '/generate/controlnet', { modelId: PRESET.modelId, prompt: `a squire ${memberJobCount}`, modality: 'canny', image, numSamples, width: 256, height: 256, seed: String(seed + memberJobCount) });
      const jobId = (json as { job?: { jobId?: string } } | null)?.job?.jobId;
      // Job ids are random: the step names what happened, so the same seed reads the same.
      return `another member generates ${numSamples} image(s): ${status === 200 && jobId !== undefined ? 'accepted' : `refused (${status})`}`;
    }],
    [1, 'member deletes', async () => {
      // Only finished work: a member deletes what they see in the web app's gallery.
      if (chance(0.5)) {
        const listed = await asMember('GET', `/jobs?authorId=${TEAM_MEMBER.authorId}&pageSize=20`);
        const done = listed.status === 200 ? (listed.json as { jobs: { jobId: string; status: string }[] }).jobs.filter((job) => job.status === 'success') : [];
        if (done.length === 0) return 'another member deletes: nothing of theirs';
        const gone = sim.deleteForTeam({ jobIds: [pick(done).jobId] });
        for (const assetId of gone.assetIds) deletedAssets.add(assetId);
        return `another member deletes a job of theirs with its ${gone.assetIds.length} image(s)`;
      }
      const ours = live().store.generations.listByStates(['done']).filter((row) => row.origin === null);
      const row = ours.length === 0 ? undefined : pick(ours);
      const assetId = row === undefined ? undefined : live().store.images.listForGeneration(row.id).find((image) => image.assetId !== null)?.assetId;
      if (row === undefined || assetId === undefined || assetId === null) return 'another member deletes: nothing of ours done';
      sim.deleteForTeam({ assetIds: [assetId] });
      deletedAssets.add(assetId);
      return `another member deletes an image of #${row.id} in Scenario`;
    }],
    [1, 'member tags', async () => {
      const listed = await asMember('GET', `/jobs?authorId=${TEAM_MEMBER.authorId}&pageSize=20`);
      const done = listed.status === 200 ? (listed.json as { jobs: { status: string; metadata?: { assetIds?: string[] } }[] }).jobs.filter((job) => job.status === 'success') : [];
      const assetId = done.length === 0 ? undefined : pick(done).metadata?.assetIds?.[0];
      if (assetId === undefined) return 'another member tags: nothing to tag';
      const { status } = await asMember('PUT', `/assets/${assetId}/tags`, { add: [MEMBER_TAG], strict: false });
      if (status === 200) taggedByMember.add(assetId);
      return `another member tags an output of theirs: ${status}`;
    }],
    [1, 'tag here', async () => {
      const done = live().store.generations.listByStates(['done']);
      const row = done.length === 0 ? undefined : pick(done);
      if (row === undefined) return 'tag here: nothing done';
      live().store.organise.tag([row.id], [LOCAL_TAG]);
      taggedHere.add(row.id);
      return `tag #${row.id} here`;
    }],
    [8, 'time', async () => 'time passes'],
  ];
  const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);
  function drawOperation(): (typeof operations)[number] {
    let at = random() * totalWeight;
    for (const operation of operations) {
      at -= operation[0];
      if (at < 0) return operation;
    }
    return operations[operations.length - 1] as (typeof operations)[number];
  }

  try {
    const setup = await createEngine({ ...config(), run: false });
    for (const name of ['One', 'Two'].slice(0, 1 + Math.floor(random() * 2))) {
      presetIds.push(setup.store.presets.create({ name, family: 'sd-1_5', preset: { ...PRESET, name, seed: String(seed), numSamples: 1 + Math.floor(random() * 2) } }).id);
    }
    await mkdir(inbox, { recursive: true });
    // Some folders take photos: a map is made of each first (a detection, paid and held like a generation).
    const mapFirst = chance(0.3) ? pick(['canny', 'depth'] as const) : null;
    folderId = setup.store.folders.add({ path: inbox, presetIds, options: { processedAction: chance(0.5) ? 'move' : 'leave', allowDuplicates: false, mapFirst } }).id;
    await setup.close();
    engine = await createEngine(config());
    listen(engine);

    const count = options.steps ?? 20 + Math.floor(random() * 20);
    for (let step = 0; step < count; step += 1) {
      stepDraws = Array.from({ length: 12 }, () => seeded());
      drawn = 0;
      await reopenIfStopped();
      const [, , act] = drawOperation();
      const writes = await advanceSlowWrites();
      noteStep(`${step + 1}. ${[...writes, await act()].join('; ')}`);
      await run(Math.floor(random() * STEP_MS), MAX_WAKEUPS_PER_STEP);
      await reopenIfStopped();
      checkStep();
    }

    // The schedule clears what it set: the network back, the key fixed, no faults, no budget, nothing
    // paused; the person retries what waits for them. Then every input must end.
    stepDraws = [];
    noteStep('heal: files finished, network back, key fixed, faults cleared, budget lifted, queue resumed, outcome-unknown retried');
    stopAfterMoves = null;
    await reopenIfStopped();
    for (const write of slowWrites.splice(0)) await finishWrite(write);
    await sim.resume().catch(() => undefined);
    sim.setKeyRefused(false);
    sim.setFaults({});
    sim.setUrlTtl(24 * 3600_000);
    // The person saves the good key once the queue says it waits for one.
    for (let tries = 0; connection !== good; tries += 1) {
      try {
        await live().switchConnection(good);
        connection = good;
      } catch (error) {
        if (!(error instanceof ConnectionError) || tries >= 20) throw error;
        await run(5000, MAX_WAKEUPS_PER_STEP);
      }
    }
    await setBudget(null);
    live().pipeline.resumeAll();
    live().pipeline.resumeFolder(folderId);
    // A photo whose detection gave up under repeated server errors waits for a save or a start: a start.
    await reopen();
    const ended = async () => unfinished().length === 0 && (await unfinishedDetections()).length === 0;
    for (let round = 0; round < 3 && !(await ended()); round += 1) {
      await run(HEAL_MS, MAX_WAKEUPS_TO_HEAL, () => intakes === 0 && live().status().counts.active === 0 && unfinished().every((id) => live().store.generations.get(id)?.state === 'outcome-unknown'));
      for (const row of live().store.generations.listByStates(['outcome-unknown'])) {
        personResends.set(row.id, (personResends.get(row.id) ?? 0) + 1);
        live().pipeline.retry(row.id);
      }
      // A detection whose answer was lost waits for the person: they drop the photo again (a copy
      // of it may be what waits: the first file may have failed and moved out meanwhile).
      const waiting = await waitingFiles();
      for (const detection of live().store.detections.listByStates(['outcome-unknown'])) {
        const copy = waiting.get(live().store.inputs.get(detection.photoInputId)?.sha256 ?? '')?.[0];
        if (copy !== undefined) await enqueue(copy);
      }
    }
    checkStep();
    const detectionsLeft = await unfinishedDetections();
    if (detectionsLeft.length > 0) {
      throw new InvariantBroken(`not live: after healing, detections are still unfinished: ${detectionsLeft.map((detection) => `#${detection.id} ${detection.state}`).join(', ')}`);
    }
    if (!(await ended())) {
      const status = live().status();
      throw new InvariantBroken(
        `not live: after healing, generations are still unfinished: ${unfinished().map((id) => `#${id} ${live().store.generations.get(id)?.state}`).join(', ')}; the queue: ${JSON.stringify({ waiting: status.waiting, counts: status.counts, jobs: status.jobs.map((job) => [job.generationId, job.state, job.waiting?.reason ?? null]) })}; sleepers ${clock.pending}; resources ${process.getActiveResourcesInfo().join(",")}`,
      );
    }
    for (const row of live().store.generations.listByStates(['failed'])) {
      if (!row.errorMessage) throw new InvariantBroken(`generation ${row.id} failed without a reason`);
    }
    // A last sync, alone on the library (the engine's own syncs stop with it), in full.
    await live().close();
    // An hour later: a detection left sending (its photo rewritten or deleted meanwhile) holds the
    // team's sync back for an hour at most.
    const anHourLater = clock.now() + 61 * 60_000;
    await run(anHourLater - clock.now(), MAX_WAKEUPS_TO_HEAL);
    clock.skip(anHourLater - clock.now());
    engine = await createEngine({ ...config(), teamSync: false });
    listen(engine);
    const client = engine.client;
    if (client === null) throw new InvariantBroken('no client after healing');
    const opened = engine;
    const images = chance(1 / 3) ? 'none' : chance(0.5) ? 'thumbnails' : 'all';
    noteStep(`last sync (images: ${images})`);
    // Nothing is left to wait for in virtual time (waitMs 0: a problem would end it, not a sleep).
    // Neither this sync nor the checks after it go through quiet(): each report of progress is
    // their sign of life (on a machine loaded twentyfold they outlasted the runner's 30 s of
    // silence, seed 6595, though they move on all the time).
    const alive = () => options.onTurn?.();
    await advancingWhile(syncTeamHistory({ store: opened.store, client, libraryRoot: opened.libraryRoot, simulated: false, resolveFamily: (id) => opened.resolveFamily(id), images, appVersion: 'simulation', clock, waitMs: 0, onProgress: alive }));
    checkStep();
    for (const check of [checkTeamHistory, checkLibrary, checkInputsKept]) {
      alive();
      await check();
    }
    return outcome(true);
  } catch (error) {
    return outcome(false, `${error instanceof InvariantBroken ? '' : 'unexpected: '}${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await engine?.close().catch(() => undefined);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A preset for the simulator's Flux dev model with the control block (its inputs kept as the engine keeps them), with the seed fixed like PRESET's. */
function customPreset(store: Store, name: string, numOutputs: number): PresetDraft {
  const model = CUSTOM_MODELS.find((candidate) => candidate.id === 'model_bfl-flux-1-dev');
  const inputs = publishedInputs(JSON.parse(JSON.stringify(model)));
  if (inputs === undefined) throw new Error('the simulator model publishes no inputs');
  store.modelInputs.remember('model_bfl-flux-1-dev', inputs);
  const checked = validateCustomPreset({ name, modelId: 'model_bfl-flux-1-dev', prompt: PRESET.prompt, controlModality: 'canny', width: 256, height: 256, numOutputs, seed: 7 }, inputs);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { name, family: CUSTOM_FAMILY, preset: checked.preset };
}

/**
 * A fixed seed in the presets: random seeds would make request bodies, and so the faults drawn
 * from them, differ between runs. 256 px: rendering the simulator's images is most of a seed's
 * time, and the cost per image is 1 CU at any size up to 512 px anyway.
 */
/** The other member of the team: their jobs and tags must reach this library. */
const TEAM_MEMBER: TeamMember = { authorId: 'user_team-ana', apiKey: 'sim-member-ana', apiSecret: 'sim-member-ana-secret' };
const MEMBER_TAG = 'ana-pick';
const LOCAL_TAG = 'picked';

const PRESET = { name: 'Preset', modelId: 'model_sd15-realistic', prompt: 'a knight in a courtyard', modality: 'canny', numSamples: 1, width: 256, height: 256 };

async function controlImage(n: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: { r: n % 256, g: Math.floor(n / 256) % 256, b: Math.floor(n / 65536) % 256 } } })
    .png()
    .toBuffer();
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
