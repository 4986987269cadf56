import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The errors alone: a command that only attaches to a running engine must not load the pipeline.
import { PipelineError } from '../pipeline/errors';

/** Where the history and the library live unless told otherwise: SCENARIO_HOTFOLDER_HOME, else the OS's app-data folder. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env.SCENARIO_HOTFOLDER_HOME?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Scenario Hot Folder');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Scenario Hot Folder');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'scenario-hotfolder');
}

/** The history database in a home. */
export function historyFileOf(home: string): string {
  return path.join(home, 'history.sqlite');
}

/** The library folder (outputs, inputs, thumbnails, trash) in a home. */
export function libraryRootOf(home: string): string {
  return path.join(home, 'library');
}

/**
 * Where the engine that holds a home serves the contract to other processes (see local-service.ts):
 * a Unix domain socket inside the home, or on Windows a named pipe named after the home (pipes live
 * in their own namespace), and the access token beside it.
 */
export interface LocalEndpoint {
  socketPath: string;
  tokenPath: string;
}

export function localEndpointOf(home: string, platform: NodeJS.Platform = process.platform): LocalEndpoint {
  const resolved = path.resolve(home);
  const socketPath =
    platform === 'win32'
      ? `\\\\.\\pipe\\scenario-hotfolder-${createHash('sha256').update(resolved.toLowerCase()).digest('hex').slice(0, 24)}`
      : path.join(resolved, 'engine.sock');
  return { socketPath, tokenPath: path.join(resolved, 'engine.token') };
}

/** The process that holds the home's lock, if it is still running; null when the home is free. */
export function lockOwnerOf(home: string): number | null {
  let text: string;
  try {
    text = readFileSync(path.join(home, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
  const owner = Number(text.trim());
  return Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner) ? owner : null;
}

const LOCK_FILE = 'engine.lock';

/**
 * One running pipeline per home: two would both submit the same queued rows (paying twice). The
 * lock is a file holding the owner's pid; a lock whose process is gone (killed, crashed) is taken
 * over. Read-only commands (history, presets) do not need it.
 */
export function lockHome(home: string): () => void {
  mkdirSync(home, { recursive: true });
  const lockPath = path.join(home, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new PipelineError('home-in-use', `Another Scenario Hot Folder (process ${owner}) is already working in ${home}. Close it first, or use another --home.`);
      }
      unlinkSync(lockPath);
    }
  }
  throw new PipelineError('home-in-use', `Could not take the lock on ${home}. Close other copies of the app, then try again.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
