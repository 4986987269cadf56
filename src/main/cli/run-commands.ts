import { copyFile, mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { Engine } from '../engine/engine';
import { absoluteLibraryPath } from '../library/paths';
import { presetRunOf } from '../pipeline/preset-runs';
import type { Generation, GenerationState } from '../store/index';
import type { GlobalOptions, Library, OpenOptions } from './context';
import { homeOf, openEngine, outputFor, parseWholeNumber, requireGeneration, userPath, withEngine } from './context';
import type { ExitCode } from './errors';
import { CliError, EXIT } from './errors';
import { addFolder, repeatable, requirePreset } from './library-commands';
import type { Output } from './output';
import { REFUSED_KEY_CODES, localSession, serveCliEngine, withQueue, type Followed, type QueueSession } from './session';

type Globals = () => GlobalOptions;

const SETTLED: readonly GenerationState[] = ['done', 'failed', 'canceled', 'outcome-unknown'];

export interface SettleOptions {
  /** Give up (exit 4) after this long whatever happens (the demo). Default: never. */
  timeoutMs?: number;
  /** Give up (exit 4) once Scenario has been unreachable this long without a break (`generate --wait`). Default: never. */
  unreachableMs?: number;
  /**
   * Rows that do not count as settled until they change state: a retried outcome-unknown row
   * keeps that state until the pipeline takes it up.
   */
  unmoved?: readonly number[];
}

/**
 * Waits until every generation in `ids` has ended or waits for the person; the exit code says how
 * it went, or 'lost' when the engine attached to stopped first (see `settleAnywhere`). Call it in
 * the same turn as the action that will move them, so no change can pass unseen.
 */
export async function settle(engine: Followed, ids: readonly number[], out: Output, options: SettleOptions = {}): Promise<ExitCode | 'lost'> {
  const notMovedYet = new Set(options.unmoved);
  const stopListening = engine.events.on('job.state', ({ generationId }) => notMovedYet.delete(generationId));
  try {
    return await settleLoop(engine, ids, out, options, notMovedYet);
  } finally {
    stopListening();
  }
}

/** The minutes or seconds of a duration, for people. */
function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** Says which of `ids` are left unfinished (they resume at the next start) and returns exit 4. */
function leftWaiting(engine: Library, ids: readonly number[], out: Output, why: string): ExitCode {
  const left = ids
    .map((id) => engine.store.generations.get(id))
    .filter((row): row is Generation => row !== null && !SETTLED.includes(row.state))
    .map(({ id, state }) => ({ id, state }));
  out.error(`${why} ${left.length} generation(s) are left; they resume at the next \`generate\`, \`watch\` or app start on this data folder (\`status\` lists them):`, left.map(({ id, state }) => `#${id} ${state}`));
  if (out.json) out.line(why, { event: 'left', reason: why, generations: left });
  return EXIT.waiting;
}

async function settleLoop(engine: Followed, ids: readonly number[], out: Output, options: SettleOptions, notMovedYet: ReadonlySet<number>): Promise<ExitCode | 'lost'> {
  const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let unreachableSince: number | undefined;
  for (;;) {
    const rows = ids.map((id) => engine.store.generations.get(id)).filter((row) => row !== null);
    if (rows.every((row) => SETTLED.includes(row.state) && !notMovedYet.has(row.id))) {
      await engine.caughtUp();
      const failed = rows.filter((row) => row.state === 'failed');
      if (failed.some((row) => REFUSED_KEY_CODES.includes(row.errorCode ?? ''))) return EXIT.config;
      if (failed.length > 0) return EXIT.failures;
      if (rows.some((row) => row.state === 'outcome-unknown')) return EXIT.waiting;
      return EXIT.ok;
    }
    if (engine.lost()) return 'lost';
    const waiting = engine.waiting();
    if (waiting?.reason === 'budget' || waiting?.reason === 'paused') return leftWaiting(engine, ids, out, waiting.message);
    if (waiting?.reason === 'credentials' || waiting?.reason === 'model') {
      // The key or the model is refused: configuration (exit 3); the generations wait for the fix.
      leftWaiting(engine, ids, out, waiting.message);
      return EXIT.config;
    }
    if (waiting?.reason === 'network') {
      unreachableSince ??= Date.now();
      const limit = options.unreachableMs ?? Number.POSITIVE_INFINITY;
      if (Date.now() - unreachableSince >= limit) return leftWaiting(engine, ids, out, `Scenario could not be reached for ${formatDuration(limit)} (--wait): stopping.`);
    } else unreachableSince = undefined;
    if (Date.now() > deadline) return EXIT.waiting;
    await sleep(100);
  }
}

/**
 * Starts work (`start`: on the engine of this process or the one attached to) and follows it to
 * its end. When the engine attached to stops first (its parked rows resume at the next start),
 * the command takes them up where they are: on the next engine that holds the library, or on one
 * of its own, so two `generate`s started together both end with their results.
 */
async function startAndSettle(
  globals: GlobalOptions,
  open: OpenOptions,
  out: Output,
  /** Calls `listen` once its checks are done, just before it adds work (a hold found so far is said then, once). */
  start: (session: QueueSession, listen: () => void) => Promise<{ ids: number[]; settle?: SettleOptions; exitCode?: (code: ExitCode) => ExitCode }>,
): Promise<ExitCode> {
  let started: Awaited<ReturnType<typeof start>> | undefined;
  for (;;) {
    const code = await withQueue(globals, { ...open, out }, async (session) => {
      const taken = started !== undefined;
      let stopFollowing = () => undefined as void;
      const listen = () => {
        stopFollowing = out.follow(session.events, session.waiting());
      };
      try {
        if (started === undefined) started = await start(session, listen);
        else {
          session.follow(started.ids);
          listen();
        }
        // A row retried again here is no longer waiting for its first move.
        return await settle(session, started.ids, out, taken ? { ...started.settle, unmoved: [] } : started.settle);
      } finally {
        stopFollowing();
      }
    });
    if (code === 'lost') {
      out.warn('The engine this command was attached to stopped; following its generations on the next one.');
      continue;
    }
    return started?.exitCode?.(code) ?? code;
  }
}

export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerRunCommands(program: Command, globals: Globals): void {
  program
    .command('watch [folders...]')
    .description('watch folders and generate until Ctrl-C: the folders given (new ones need --preset), else every watched folder')
    .option('--preset <name>', 'preset for folders not watched yet (repeat for several)', repeatable)
    .option('--concurrency <n>', 'jobs in flight at once')
    .action(async (given: string[], options: { preset?: string[]; concurrency?: string }) => {
      const out = outputFor(globals());
      const chosen = given.map(userPath);
      const engine = await openEngine(globals(), {
        run: true,
        needsCredentials: true,
        watchFolders: false,
        ...(chosen.length === 0 ? {} : { watchOnly: chosen }),
        ...concurrencyOf(options.concurrency),
      });
      const service = await serveCliEngine(engine, out);
      try {
        for (const folder of chosen) {
          if (engine.store.folders.list().some((item) => item.path === folder)) continue;
          if (options.preset === undefined) throw new CliError(EXIT.usage, `${folder} is not watched yet: name its preset with --preset NAME.`);
          await mkdir(folder, { recursive: true });
          await addFolder(engine, folder, { preset: options.preset });
        }
        if (engine.store.folders.list().length === 0) throw new CliError(EXIT.usage, 'No folder to watch: give one (`watch FOLDER --preset NAME`) or add one with `folders add`.');
        const stopFollowing = out.follow(engine.events, engine.pipeline.waiting());
        await engine.folders.sync();
        // Listening before saying "watching": a supervisor may stop it the moment it reads that line.
        const stopped = untilSignal();
        const watched = engine.store.folders.list().filter((folder) => chosen.length === 0 || chosen.includes(folder.path));
        for (const folder of watched) out.line(`watching  ${folder.path}${folder.paused ? ' (paused)' : ''}`, { event: 'watching', path: folder.path, paused: folder.paused });
        const signal = await stopped;
        out.line(`stopping (${signal}): unfinished jobs are parked and resume on the next start`, { event: 'stopping', signal });
        stopFollowing();
      } finally {
        await service?.close();
        await engine.close();
      }
    });

  program
    .command('generate <images...>')
    .description('generate from image files with a preset, then exit')
    .requiredOption('--preset <name>', 'the preset to use')
    .option('--seed <seed>', 'a fixed seed (digits)')
    .option('--dry-run', 'only ask Scenario what it would cost')
    .option('--concurrency <n>', 'jobs in flight at once')
    .option('--wait <duration>', 'how long to wait while Scenario cannot be reached before stopping with exit 4 (e.g. 30s, 10m, 1h)', '10m')
    .action(async (given: string[], options: { preset: string; seed?: string; dryRun?: boolean; concurrency?: string; wait: string }) => {
      const out = outputFor(globals());
      if (options.seed !== undefined && !/^(0|[1-9][0-9]{0,19})$/.test(options.seed)) throw new CliError(EXIT.usage, `--seed ${options.seed} is not a whole number: use digits only, such as 42.`);
      const unreachableMs = parseDuration(options.wait, '--wait');
      if (options.dryRun) {
        await withEngine(globals(), { run: false, needsCredentials: true }, async (engine) => dryRun(engine, await existingFiles(given), options, out));
        return;
      }
      process.exitCode = await startAndSettle(globals(), { run: true, needsCredentials: true, ...concurrencyOf(options.concurrency) }, out, async (session, listen) => {
        if (session.attachedTo !== null && options.concurrency !== undefined) out.warn(`--concurrency is the running engine's (process ${session.attachedTo}): this command only adds to its queue.`);
        const preset = requirePreset(session, options.preset);
        const images = await existingFiles(given);
        await session.refuseBadKey();
        listen();
        const ids = await session.enqueueFiles(images, preset.id, options.seed);
        return { ids, settle: { unreachableMs }, exitCode: (code) => (ids.length < images.length && code === EXIT.ok ? EXIT.failures : code) };
      });
    });

  for (const [name, description] of [
    ['reproduce', 'run a generation again with the same request and seed (--vary-seed for a new seed)'],
    ['retry', 'send a failed, canceled or outcome-unknown generation again (it may be charged again)'],
  ] as const) {
    const command = program.command(`${name} <generationId>`).description(description);
    if (name === 'reproduce') command.option('--vary-seed', 'use a new random seed');
    command.action(async (idText: string, options: { varySeed?: boolean }) => {
      const out = outputFor(globals());
      process.exitCode = await startAndSettle(globals(), { run: true, needsCredentials: true }, out, async (session, listen) => {
        const { id, state } = requireGeneration(session, idText);
        await session.refuseBadKey();
        listen();
        const waitsForItsMove = name === 'retry' && state === 'outcome-unknown';
        const target = name === 'reproduce' ? await session.reproduce(id, options.varySeed === true) : (await session.retry(id), id);
        return { ids: [target], settle: waitsForItsMove ? { unmoved: [id] } : {} };
      });
    });
  }

  program
    .command('cancel <generationId>')
    .description('cancel a generation that is queued, waiting or running at Scenario (one being sent or downloaded cannot be)')
    .action(async (idText: string) => {
      const out = outputFor(globals());
      // Its own engine only takes the lock: canceling one row must not start the rest of the queue.
      await withQueue(globals(), { run: false, lock: true, out }, async (session) => {
        const { id } = requireGeneration(session, idText);
        await session.cancel(id);
        out.line(`canceled  #${id}`, { event: 'canceled', generationId: id });
      });
    });

  program
    .command('simulator')
    .description('run the local Scenario simulator until Ctrl-C')
    .option('--port <n>', 'port (default: a free one)', '0')
    .option('--latency <ms>', 'time a job takes', '1000')
    .option('--faults <spec>', 'injected faults, e.g. 429=0.05,5xx=0.1,drop=0.02,fail=0.05')
    .option('--member <key:secret:authorId>', 'another member of the team, with their own key (repeatable)', repeatable, [])
    .option('--team-jobs <n>', 'finished generations by other members to start with (for sync)', '0')
    .action(async (options: { port: string; latency: string; faults?: string; member: string[]; teamJobs: string }) => {
      const out = outputFor(globals());
      const members = options.member.map((text) => {
        const [apiKey, apiSecret, authorId] = text.split(':');
        if (!apiKey || !apiSecret || !authorId) throw new CliError(EXIT.usage, `--member ${text} must be key:secret:authorId.`);
        return { apiKey, apiSecret, authorId };
      });
      const teamJobs = parseWholeNumber(options.teamJobs, '--team-jobs', 0, 1_000_000);
      const { startSimulator } = await import('../simulator/index');
      const simulator = await startSimulator({ port: Number(options.port), latencyMs: Number(options.latency), members, ...(options.faults ? { faults: options.faults } : {}) }).catch((error: unknown) => {
        throw new CliError(EXIT.usage, error instanceof Error && 'userMessage' in error ? String(error.userMessage) : String(error));
      });
      if (teamJobs > 0) await simulator.seedTeamHistory({ jobs: teamJobs });
      out.line(
        [
          `Simulator listening on ${simulator.baseUrl}`,
          'Point the CLI at it (these are the simulator\'s own test credentials):',
          `  export SCENARIO_API_URL=${simulator.baseUrl}`,
          `  export SCENARIO_API_KEY=${simulator.apiKey}`,
          `  export SCENARIO_API_SECRET=${simulator.apiSecret}`,
        ].join('\n'),
        { event: 'listening', baseUrl: simulator.baseUrl },
      );
      await untilSignal();
      await simulator.close();
    });

  program
    .command('demo')
    .description('a one-minute tour: simulator, a preset, an inbox folder, sample images, then the history')
    .action(async () => {
      process.exitCode = await demo(globals(), outputFor(globals()));
    });
}

function concurrencyOf(text: string | undefined): { concurrency?: number } {
  return text === undefined ? {} : { concurrency: parseWholeNumber(text, '--concurrency', 1, 16) };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `10m`, `1h`, `500ms`; a bare number is seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new CliError(EXIT.usage, `${option} ${text} is not a duration: use a number with s, m or h, such as 30s or 10m.`);
  return Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1000);
}

/** The image files named on the command line, each resolved and checked to be a file. */
async function existingFiles(given: readonly string[]): Promise<string[]> {
  const files = given.map(userPath);
  for (const file of files) {
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) throw new CliError(EXIT.usage, `${file} ${info === null ? 'does not exist' : 'is not a file'}: give the path of a control image (PNG, JPEG or WebP).`);
  }
  return files;
}

async function dryRun(engine: Engine, images: string[], options: { preset: string; seed?: string }, out: Output): Promise<void> {
  const preset = requirePreset(engine, options.preset);
  const checked = presetRunOf(preset.currentVersion, (inputsVersion) => engine.store.modelInputs.get(inputsVersion));
  if (!checked.ok) throw new CliError(EXIT.usage, `Preset "${preset.name}" has errors:`, checked.issues.map((issue) => `${issue.field}: ${issue.message}`));
  const { run } = checked;
  let total = 0;
  for (const image of images) {
    const bytes = await readFile(image).catch(() => {
      throw new CliError(EXIT.usage, `Could not read ${image}.`);
    });
    const { default: sharp } = await import('sharp');
    const format = (await sharp(bytes).metadata().catch(() => undefined))?.format ?? 'png';
    const seed = run.seedForRun() === null ? null : (options.seed ?? run.seedForRun());
    const requestJson = run.requestJson(`data:image/${format};base64,${bytes.toString('base64')}`, seed);
    const estimate = await (engine.client as NonNullable<Engine['client']>).dryRun(run.endpoint, requestJson);
    total += estimate.creativeUnitsCost;
    out.line(`${image}: ${estimate.creativeUnitsCost} creative units`, { image, creativeUnitsCost: estimate.creativeUnitsCost });
  }
  out.line(`Total: ${total} creative units (nothing was run or charged).`, { total });
}

const DEMO_PRESET = { name: 'Demo: watercolour house', modelId: 'model_sd15-realistic', prompt: 'a cosy watercolour house, soft light', modality: 'canny', numSamples: 2, width: 512, height: 512, numInferenceSteps: 20 };

async function sampleImages(): Promise<string[]> {
  const candidates = [path.resolve(process.cwd(), '../shared/control-images'), path.resolve(import.meta.dirname, '../../../../shared/control-images')];
  for (const folder of candidates) {
    const names = await readdir(folder).catch(() => [] as string[]);
    const images = names.filter((name) => /\.(png|jpe?g|webp)$/i.test(name)).map((name) => path.join(folder, name));
    if (images.length > 0) return images;
  }
  return [];
}

async function demo(globals: GlobalOptions, out: Output): Promise<ExitCode> {
  const home = globals.home === undefined ? await mkdtemp(path.join(os.tmpdir(), 'scenario-hotfolder-demo-')) : homeOf(globals);
  const { createEngine } = await import('../engine/engine');
  const engine = await createEngine({ home, scenario: { simulator: true, latencyMs: 400 }, watchFolders: false });
  const service = await serveCliEngine(engine, out);
  const stopFollowing = out.follow(engine.events, engine.pipeline.waiting());
  try {
    out.line(`Demo home: ${home} (simulated Scenario at ${engine.simulator?.baseUrl ?? '?'})`, { event: 'demo', home });
    const family = await engine.resolveFamily(DEMO_PRESET.modelId);
    const preset = engine.store.presets.getByName(DEMO_PRESET.name) ?? engine.store.presets.create({ name: DEMO_PRESET.name, family, preset: DEMO_PRESET });
    const inbox = path.join(home, 'inbox');
    await mkdir(inbox, { recursive: true });
    if (!engine.store.folders.list().some((folder) => folder.path === inbox)) {
      engine.store.folders.add({ path: inbox, presetIds: [preset.id], options: { processedAction: 'move' } });
    }
    await engine.folders.sync();
    const before = engine.store.galleryPage({ limit: 1 }).items[0]?.id ?? 0;
    const samples = await sampleImages();
    let dropped = 0;
    if (samples.length > 0) {
      for (const sample of samples) await copyFile(sample, path.join(inbox, path.basename(sample)));
      dropped = samples.length;
    } else {
      const { default: sharp } = await import('sharp');
      for (const [index, colour] of [{ r: 200, g: 40, b: 40 }, { r: 40, g: 160, b: 60 }, { r: 30, g: 60, b: 200 }].entries()) {
        await writeFile(path.join(inbox, `sample-${index + 1}.png`), await sharp({ create: { width: 512, height: 512, channels: 3, background: colour } }).png().toBuffer());
      }
      dropped = 3;
    }
    out.line(`Dropped ${dropped} control image(s) into ${inbox}`, { event: 'dropped', count: dropped, inbox });
    const deadline = Date.now() + 25_000;
    let ids: number[] = [];
    while (Date.now() < deadline) {
      ids = engine.store.galleryPage({ limit: 100 }).items.filter((item) => item.id > before).map((item) => item.id);
      if (ids.length >= dropped && ids.every((id) => SETTLED.includes(engine.store.generations.get(id)?.state ?? 'detected'))) break;
      await sleep(100);
    }
    // Its own engine: never lost.
    const code = ids.length >= dropped ? ((await settle(localSession(engine), ids, out, { timeoutMs: 1000 })) as ExitCode) : EXIT.failures;
    await engine.pipeline.idle();
    stopFollowing();
    out.line('');
    out.line(`Outputs:  ${path.join(engine.libraryRoot, 'outputs')}`, { outputs: path.join(engine.libraryRoot, 'outputs') });
    out.line(`History:  ${path.join(home, 'history.sqlite')}  (try: npm run cli -- --home ${home} history)`, { history: path.join(home, 'history.sqlite') });
    out.line(`Inputs moved to ${path.join(inbox, '_done')}`);
    out.line('');
    for (const item of engine.store.galleryPage({ limit: 20 }).items) {
      const images = engine.store.images.listForGeneration(item.id).map((image) => absoluteLibraryPath(engine.libraryRoot, image.relPath));
      out.line(`#${item.id}  ${item.state}  ${item.inputFileName}  seed ${engine.store.generations.get(item.id)?.seed ?? '-'}  → ${images.map((image) => path.relative(home, image)).join(', ')}`, { ...item, images });
    }
    return code;
  } finally {
    stopFollowing();
    await service?.close();
    await engine.close();
  }
}
