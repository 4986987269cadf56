#!/usr/bin/env node
// The `scenario-hotfolder` entry point (tsx in development, out/main/cli.js when bundled).
import { isLongRunningCommand, restartForLongRunning } from './long-running';

// Before the program loads: a restart would load the engine, sharp and SQLite a second time.
if (isLongRunningCommand(process.argv.slice(2))) restartForLongRunning();
const { runCli } = await import('./program');
process.exit(await runCli(process.argv.slice(2)));
