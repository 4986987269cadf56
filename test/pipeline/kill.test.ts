// Reliability: the CLI's `watch` is SIGKILLed at random moments during a 100-file run and started
// again each time. Afterwards every input is done exactly once, nothing was submitted twice, no
// partial image is in the library and the database is sound.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { walkFiles } from '../../src/main/library/atomic';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, untilWatching, useSimulatorAndTempDir } from './helpers';

const FILES = 100;
const KILLS = 12;
const CLI = path.resolve(import.meta.dirname, '../../src/main/cli/main.ts');

const rig = useSimulatorAndTempDir('shf-kill-', { latencyMs: 40 });

function cli(home: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, '--home', home, ...args], {
    env: { ...process.env, ...cliEnvFor(rig.sim) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function readRows(file: string) {
  const store = openStore({ file });
  try {
    return store.generations.listByStates(['detected', 'validated', 'uploaded', 'submitting', 'submitted', 'downloading', 'done', 'failed', 'canceled', 'outcome-unknown']);
  } finally {
    store.close();
  }
}

describe('SIGKILL at random moments', () => {
  it('ends with every input done exactly once and no duplicate submission', { timeout: 120_000 }, async () => {
    const home = path.join(rig.dir, 'home');
    const inbox = path.join(rig.dir, 'inbox');
    const setupStore = openStore({ file: path.join(home, 'history.sqlite') });
    const preset = setupStore.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET });
    setupStore.folders.add({ path: inbox, presetIds: [preset.id] });
    setupStore.close();
    await import('node:fs/promises').then((fs) => fs.mkdir(inbox, { recursive: true }));
    for (let n = 0; n < FILES; n += 1) await writeFile(path.join(inbox, `control ${n}.png`), await controlPng(1000 + n));

    const watchArgs = ['watch', '--concurrency', '4'];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const child = cli(home, watchArgs);
      await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 1200));
      child.kill('SIGKILL');
      await exited(child);
    }

    // A last run, left to finish; then stopped gracefully.
    const last = cli(home, watchArgs);
    // The earlier runs may have finished everything: the stop below must still find it watching.
    await untilWatching(last);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = readRows(path.join(home, 'history.sqlite'));
      const settled = rows.filter((row) => ['done', 'failed', 'canceled', 'outcome-unknown'].includes(row.state));
      if (rows.length >= FILES && settled.length === rows.length) break;
      if (Date.now() > deadline) throw new Error(`not settled: ${rows.filter((row) => !settled.includes(row)).map((row) => `${row.id}:${row.state}`).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    last.kill('SIGTERM');
    expect(await exited(last)).toBe(0);

    // A kill between committing `submitting` and the POST leaves a row Scenario never saw: it
    // waits for the person, who retries it (the explicit resubmission).
    for (const row of readRows(path.join(home, 'history.sqlite')).filter((item) => item.state === 'outcome-unknown')) {
      expect(await exited(cli(home, ['retry', String(row.id)]))).toBe(0);
    }

    const rows = readRows(path.join(home, 'history.sqlite'));
    expect(rows).toHaveLength(FILES);
    expect(rows.every((row) => row.state === 'done')).toBe(true);
    expect(new Set(rows.map((row) => row.inputId)).size).toBe(FILES);

    const posts = rig.sim.generateLog.filter((entry) => !entry.dryRun);
    expect(posts).toHaveLength(FILES);
    expect(new Set(posts.map((entry) => entry.controlImageSha256)).size).toBe(FILES);
    expect(new Set(posts.map((entry) => entry.bodySha256)).size).toBe(FILES);
    expect(new Set(rows.map((row) => row.jobId))).toEqual(new Set(posts.map((entry) => entry.jobId)));

    const outputs: string[] = [];
    for await (const file of walkFiles(path.join(home, 'library', 'outputs'))) outputs.push(file);
    expect(outputs.filter((file) => file.endsWith('.part'))).toEqual([]);
    expect(outputs).toHaveLength(FILES);
    for (const file of outputs) {
      const { width, height } = await sharp(file, { failOn: 'truncated' }).metadata();
      expect([width, height]).toEqual([512, 512]);
    }

    const db = new Database(path.join(home, 'history.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(await readdir(inbox)).toHaveLength(FILES);
  });
});
