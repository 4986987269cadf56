import path from 'node:path';
import { createEngine } from '../engine/engine';
import type { Engine, EngineConfig, ScenarioConnection } from '../engine/engine';
import { connectionFor } from '../engine/connection';
import { defaultHome } from '../engine/home';
import { PipelineError } from '../pipeline/index';
import { resolveCredentials } from './credentials-file';
import { CliError, EXIT } from './errors';
import { Output } from './output';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

/** The data folder: --home, else SCENARIO_HOTFOLDER_HOME, else the OS's app-data folder. */
export function homeOf(globals: GlobalOptions): string {
  return path.resolve(globals.home ?? defaultHome());
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
  concurrency?: number;
  scenario?: ScenarioConnection | null;
}

/** The environment's credentials, else the opt-in file's; a broken file stops only commands that need them. */
async function connectionOf(globals: GlobalOptions, needsCredentials: boolean): Promise<ScenarioConnection | null> {
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
  try {
    return await createEngine({
      ...(globals.home === undefined ? {} : { home: globals.home }),
      scenario,
      run: options.run,
      ...(options.lock === undefined ? {} : { lock: options.lock }),
      watchFolders: options.watchFolders ?? false,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(client === undefined ? {} : { client }),
    });
  } catch (error) {
    if (error instanceof PipelineError) throw new CliError(EXIT.config, error.userMessage);
    if (error instanceof Error && 'userMessage' in error && typeof error.userMessage === 'string') throw new CliError(EXIT.config, error.userMessage);
    throw error;
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
