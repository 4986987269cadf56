// The published entry on a Node older than 22: a message and exit 3, before better-sqlite3 loads
// (which would die with a segmentation fault). Run with the system's own Node when it is older.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/scenario-hotfolder.js');

/** The first `node` on PATH outside node_modules (npm puts the project's Node 22 first), when it is older than 22. */
function olderSystemNode(): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (folder === '' || folder.includes('node_modules')) continue;
    const candidate = path.join(folder, 'node');
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    return Number(version.split('.')[0]) < 22 ? candidate : undefined;
  }
  return undefined;
}

const oldNode = olderSystemNode();

describe('bin/scenario-hotfolder.js on an older Node', () => {
  it.skipIf(oldNode === undefined)('says to use Node 22 (npx scenario-hotfolder, npm run cli) and exits 3, for every command', () => {
    for (const args of [['status'], ['--json', 'history'], ['watch']]) {
      const run = spawnSync(oldNode as string, [BIN, ...args], { encoding: 'utf8' });
      expect(run.status).toBe(3);
      expect(run.signal).toBeNull();
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^scenario-hotfolder needs Node 22\.12 or newer; this is Node \d+\./);
      expect(run.stderr).toContain('`npx scenario-hotfolder ...` or `npm run cli -- ...`');
    }
  });
});
