#!/usr/bin/env node
// The published CLI runs the bundle built by `npm run build` (out/main/cli.js).
//
// Plain JavaScript that any Node parses, checked before the bundle loads: on an older Node,
// better-sqlite3's binary (built for Node 22's ABI) dies with a segmentation fault and no message.
// Exit 3 is the CLI's "configuration missing or refused" (see --help).
import { existsSync } from 'node:fs';

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

const bundle = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('scenario-hotfolder is not built yet: run `npm run build` once (or use `npm run cli -- ...`, which needs no build).\n');
  process.exit(3);
}
await import(bundle.href);
