/**
 * The rest of the commands beside a running watcher, as real processes against the simulator:
 * the reads (`history`, `show`, `presets`, `folders list`, `settings`, `status`) print exactly what
 * they print with no engine running; `retry` attaches; a preset added, a budget set and a folder
 * edited, paused and resumed from the command line take effect in the watcher at once; a socket
 * another user owns is refused.
 */
import { chown, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localEndpointOf } from '../../src/main/engine/home';
import { TEST_PRESET, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { expectOk, libraryWithInbox, shape } from './attach-fixture';
import { runCli, useRunningClis, type CliRun } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-beside-', { latencyMs: 100 });
const start = useRunningClis();

/** What a person or a script sees of a run. */
const seen = (run: CliRun) => ({ code: run.code, stdout: run.stdout, stderr: run.stderr });

interface QueueJob {
  generationId: number;
  inputName: string;
  waiting: { reason: string; message: string } | null;
}

describe('reads and library changes beside a running watcher', () => {
  it('print the same as with no engine; retry attaches; presets and folder changes reach the watcher at once', { timeout: 300_000 }, async () => {
    const { dir, sim } = rig;
    const { home, inbox, env } = await libraryWithInbox(sim, dir, 'beside');
    const cli = (args: string[]) => runCli(['--home', home, ...args], { env });
    const image = async (name: string, shade: number) => {
      const file = path.join(dir, 'beside', name);
      await writeFile(file, await controlPng(shade));
      return file;
    };

    // A history made with no engine running: one done generation, two failed, one of them retried.
    expectOk(await cli(['generate', await image('pose.png', 1), '--preset', TEST_PRESET.name]));
    sim.setFaults('fail=1');
    let failed: CliRun;
    try {
      failed = await cli(['generate', await image('broken-1.png', 2), await image('broken-2.png', 3), '--preset', TEST_PRESET.name]);
    } finally {
      sim.setFaults('');
    }
    expect(failed.code).toBe(1);
    const [failedAlone, failedAttached] = [...failed.stdout.matchAll(/^failed {4}#(\d+)/gm)].map((match) => match[1] as string);
    expect(failedAttached).toBeDefined();
    const retriedAlone = expectOk(await cli(['retry', failedAlone as string]));

    const reads = [
      ['history'],
      ['--json', 'history', '--search', 'broken'],
      ['--json', 'show', '1'],
      ['presets', 'list'],
      ['presets', 'show', TEST_PRESET.name],
      ['--json', 'folders', 'list'],
      ['settings'],
      ['status'],
      ['--json', 'status'],
    ];
    const alone = [];
    for (const args of reads) alone.push(seen(await cli(args)));

    const watcher = start(['--home', home, 'watch'], env);
    await watcher.line(/^watching /);
    for (const [index, args] of reads.entries()) expect({ args, ...seen(await cli(args)) }).toEqual({ args, ...alone[index] });

    // retry attaches: the watcher sends it, the command prints its own lines as alone.
    const retried = expectOk(await cli(['retry', failedAttached as string]));
    expect(shape(retried.stdout)).toEqual(shape(retriedAlone.stdout));
    await watcher.line(new RegExp(`^done {6}#${failedAttached} `));

    // A preset added beside the watcher, then given to its folder: the next file uses it.
    const castle = path.join(dir, 'beside', 'castle.json');
    await writeFile(castle, JSON.stringify({ ...TEST_PRESET, name: 'Castle', prompt: 'a stone castle' }));
    expect(expectOk(await cli(['presets', 'add', castle])).stdout).toBe('Added preset "Castle" (sd-1_5).\n');
    const edited = expectOk(await cli(['folders', 'edit', inbox, '--preset', 'Castle']));
    expect(edited.stdout).toMatch(/presets: Castle \(the running engine, process \d+, applies it now\)\.\n$/);
    await writeFile(path.join(inbox, 'a.png'), await controlPng(10));
    await watcher.line(/^queued {4}#\d+ a\.png \(Castle\)$/);

    // A budget set beside the watcher holds its next file at once...
    expectOk(await cli(['settings', 'set', '--daily-budget', '0']));
    await writeFile(path.join(inbox, 'b.png'), await controlPng(11));
    const held = /#(\d+)/.exec(await watcher.line(/^queued {4}#\d+ b\.png \(Castle\)$/))?.[1];
    await watcher.line(/^waiting {3}Daily budget reached/);
    // ...and so does its folder's pause from the command line, which the watcher's queue reports.
    expect(expectOk(await cli(['folders', 'pause', inbox])).stdout).toBe(`Paused ${inbox}.\n`);
    for (let attempt = 0; ; attempt += 1) {
      const status = JSON.parse(expectOk(await cli(['--json', 'status'])).stdout) as { jobs: QueueJob[] };
      const job = status.jobs.find((item) => item.generationId === Number(held));
      if (job?.waiting?.reason === 'paused') {
        expect(job.waiting.message).toBe('This folder is paused. Resume it to continue.');
        break;
      }
      expect(attempt, JSON.stringify(status.jobs)).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(expectOk(await cli(['folders', 'resume', inbox])).stdout).toBe(`Resumed ${inbox}.\n`);
    expectOk(await cli(['settings', 'set', '--daily-budget', 'none']));
    await watcher.line(new RegExp(`^done {6}#${held} `));

    // A socket that another user owns is not this user's engine: refused before anything is sent.
    if (process.getuid?.() === 0) {
      const { socketPath } = localEndpointOf(home);
      await chown(socketPath, 65534, 65534);
      try {
        const refused = await cli(['status']);
        expect(refused.code).toBe(3);
        expect(refused.stderr).toMatch(/^The engine's socket .* belongs to another user \(uid 65534\): not attaching to it\./);
      } finally {
        await chown(socketPath, 0, 0);
      }
    }

    expect(await watcher.stop()).toBe(0);
    // Every generation was POSTed once: the first, the two failed, their two retries, a and b.
    const posts = sim.generateLog.filter((entry) => !entry.dryRun).map((entry) => entry.jobId);
    expect(posts).toHaveLength(7);
    expect(new Set(posts).size).toBe(7);
  });
});
