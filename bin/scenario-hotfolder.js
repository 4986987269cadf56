#!/usr/bin/env node
// The `scenario-hotfolder` command (`npx scenario-hotfolder`, `npm run cli`).
//
// Plain JavaScript that any Node parses, checked before anything else loads: on an older Node,
// better-sqlite3's binary (built for Node 22's ABI) dies with a segmentation fault and no message.
// Exit 3 is the CLI's "configuration missing or refused" (see --help).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED = { major: 22, minor: 12 };
const [major, minor] = process.versions.node.split('.').map(Number);

if (major < REQUIRED.major || (major === REQUIRED.major && minor < REQUIRED.minor)) {
  process.stderr.write(
    [
      `scenario-hotfolder needs Node ${REQUIRED.major}.${REQUIRED.minor} or newer; this is Node ${process.versions.node} (${process.execPath}).`,
      'Run it with the project\'s own Node 22 (`npm ci` installs it): `npx scenario-hotfolder ...` or `npm run cli -- ...`,',
      `or install Node ${REQUIRED.major} and run it with that.`,
      '',
    ].join('\n'),
  );
  process.exit(3);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = path.join(root, 'out', 'main', 'cli.js');
const source = path.join(root, 'src', 'main', 'cli', 'main.ts');
/** What the bundle is built from (the renderer is not in it). */
const sourceFolders = [path.join(root, 'src', 'main'), path.join(root, 'src', 'shared')];

/** The newest modification time of the files under these folders, in ms. */
function newestSource() {
  let newest = 0;
  for (const folder of sourceFolders) {
    for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

// The bundle built by `npm run build` starts in a fraction of the time TypeScript takes to load.
// In a checkout whose sources changed since (or never built), the sources run instead, through
// tsx: never an out-of-date program.
const checkout = existsSync(source);
if (existsSync(bundle) && (!checkout || statSync(bundle).mtimeMs >= newestSource())) {
  await import('../out/main/cli.js');
} else if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
} else {
  process.stderr.write('scenario-hotfolder is not built: run `npm run build` once in its folder.\n');
  process.exit(3);
}
