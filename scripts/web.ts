/**
 * The window in a browser, on the engine and the built-in simulator: `npm run web`.
 * A development aid (and what the end-to-end tests drive): build the renderer first with
 * `npm run build`. Pass `--home DIR` to keep the history between runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startWebHost } from '../src/main/engine/host';

const { values } = parseArgs({ options: { home: { type: 'string' }, port: { type: 'string' } } });
const home = values.home ? resolve(values.home) : mkdtempSync(join(tmpdir(), 'scenario-hotfolder-web-'));
const host = await startWebHost({
  home,
  simulator: true,
  rendererDir: resolve('out/renderer'),
  port: values.port ? Number(values.port) : 0,
});
console.log(`Scenario Hot Folder (simulator) at ${host.url}\nHistory in ${home}\nCtrl-C stops.`);
const stop = () => void host.close().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
