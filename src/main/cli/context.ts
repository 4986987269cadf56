import path from 'node:path';
import type { Engine, EngineConfig, ScenarioConnection } from '../engine/engine';
import { defaultHome, historyFileOf, libraryRootOf } from '../engine/home';
import type { Generation, Store } from '../store/index';
import { resolveCredentials } from './credentials-file';
import { CliError, EXIT } from './errors';
import { Output } from './output';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

/** The package's npm scripts that run this CLI (`npm run cli -- ...`). */
const CLI_SCRIPTS = new Set(['cli', 'demo', 'simulator']);

/**
 * The folder the person typed the command in. `npm run cli` runs the CLI from the package's root
 * and passes that folder as INIT_CWD; anywhere else (npx, the bin, a script's child) it is the
 * working directory. Only our own scripts are trusted with INIT_CWD: a child of another npm script
 * (a test run) inherits it from a folder it was not started in.
 */
export function invocationDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const underOurScript = env.npm_package_name === 'scenario-hotfolder' && CLI_SCRIPTS.has(env.npm_lifecycle_event ?? '');
  return underOurScript && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A path the person typed, resolved against the folder they typed it in. */
export function userPath(text: string): string {
  return path.resolve(invocationDirectory(), text);
}

/** The data folder: --home, else SCENARIO_HOTFOLDER_HOME, else the OS's app-data folder. */
export function homeOf(globals: GlobalOptions): string {
  return globals.home === undefined ? path.resolve(defaultHome()) : userPath(globals.home);
}

export function outputFor(globals: GlobalOptions): Output {
  return new Output({ json: globals.json === true, tty: process.stdout.isTTY === true && globals.json !== true });
}

function pollFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConfig['client'] {
  const ms = Number(env.SCENARIO_HOTFOLDER_POLL_MS);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return { pollIntervalMs: { min: ms, max: ms * 1.5 } };
}

export interface OpenOptions {
  /** Run the pipeline (takes the home's lock and resumes unfinished work). */
  run: boolean;
  /** Take the home's lock without running the pipeline (repair). */
  lock?: boolean;
  needsCredentials?: boolean;
  watchFolders?: boolean;
  /** Watch only these folders (absolute paths); default every stored one. */
  watchOnly?: readonly string[];
  concurrency?: number;
  scenario?: ScenarioConnection | null;
}

/** The environment's credentials, else the opt-in file's; a broken file stops only commands that need them. */
async function connectionOf(globals: GlobalOptions, needsCredentials: boolean): Promise<ScenarioConnection | null> {
  const { connectionFor } = await import('../engine/connection');
  try {
    return connectionFor((await resolveCredentials(homeOf(globals))).credentials);
  } catch (error) {
    if (needsCredentials || !(error instanceof CliError)) throw error;
    return null;
  }
}

export async function openEngine(globals: GlobalOptions, options: OpenOptions): Promise<Engine> {
  const needsCredentials = options.needsCredentials === true;
  const scenario = options.scenario === undefined ? await connectionOf(globals, needsCredentials) : options.scenario;
  if (needsCredentials && scenario === null) {
    throw new CliError(
      EXIT.config,
      'No Scenario credentials: set SCENARIO_API_KEY and SCENARIO_API_SECRET (make a key in Scenario\'s web app, project settings → API keys), or store them with `credentials save --store-on-disk`.',
    );
  }
  const client = pollFromEnv();
  // Loaded when a command needs it: the engine brings image processing, watchers and HTTP.
  const { createEngine } = await import('../engine/engine');
  try {
    return await createEngine({
      home: homeOf(globals),
      scenario,
      run: options.run,
      ...(options.lock === undefined ? {} : { lock: options.lock }),
      watchFolders: options.watchFolders ?? false,
      ...(options.watchOnly === undefined ? {} : { watchOnly: options.watchOnly }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(client === undefined ? {} : { client }),
    });
  } catch (error) {
    // Kept as it is (exit 3 all the same): a command that can attach to the holder does so.
    if (error instanceof Error && 'code' in error && error.code === 'home-in-use') throw error;
    if (error instanceof Error && 'userMessage' in error && typeof error.userMessage === 'string') throw new CliError(EXIT.config, error.userMessage);
    throw error;
  }
}

/** What the read-only commands read: a store, and where its home and library are (an Engine is one too). */
export interface Library {
  readonly store: Store;
  readonly home: string;
  readonly libraryRoot: string;
}

/**
 * Runs `work` on the home's store alone, read-only, and always closes it: the commands that only
 * read the history (history, show, listings) load no engine, so they start in a fraction of the
 * time. Like a read-only engine, it takes no lock, and it is not the library's session (see
 * openStore): beside a running engine it leaves the engine's session marker alone.
 */
export async function withStore<T>(globals: GlobalOptions, work: (library: Library) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/index');
  const home = homeOf(globals);
  const store = openStore({ file: historyFileOf(home), readOnly: true });
  try {
    return await work({ store, home, libraryRoot: libraryRootOf(home) });
  } finally {
    store.close();
  }
}

/** Runs `work` with an engine and always closes it (parking unfinished work for the next start). */
export async function withEngine<T>(globals: GlobalOptions, options: OpenOptions, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(globals, options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

export function parseId(text: string, what = 'generation id'): number {
  const id = Number(text.replace(/^#/, ''));
  if (!Number.isInteger(id) || id <= 0) throw new CliError(EXIT.usage, `"${text}" is not a ${what}: use the number shown by \`history\`.`);
  return id;
}

/** The generation a command names; one wording for every command (show, reproduce, retry). */
export function requireGeneration(engine: Library, idText: string): Generation {
  const generation = engine.store.generations.get(parseId(idText));
  if (generation === null) throw new CliError(EXIT.usage, `There is no generation ${idText} in ${engine.home}: see \`history\` for the ids.`);
  return generation;
}

/** A whole number from `min` to `max` given as an option's value (`--limit 20`); anything else is a usage error. */
export function parseWholeNumber(text: string, option: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new CliError(EXIT.usage, `${option} ${text} must be a whole number from ${min} to ${max}.`);
  return value;
}
