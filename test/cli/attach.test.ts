/**
 * Every command beside a running watcher: `generate`, `reproduce`, `folders add`, `cancel` and
 * `status --follow` from other processes attach to the engine that holds the library (real
 * processes, the real simulator), print what they print on their own, and no generation is
 * POSTed twice.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localEndpointOf } from '../../src/main/engine/home';
import { startSimulator } from '../../src/main/simulator/index';
import { openStore } from '../../src/main/store/index';
import { TEST_PRESET, cliEnvFor, controlPng, useSimulatorAndTempDir } from '../pipeline/helpers';
import { expectOk, libraryWithInbox, shape } from './attach-fixture';
import { runCli, useRunningClis } from './run-cli';

const rig = useSimulatorAndTempDir('shf-cli-attach-', { latencyMs: 300 });

const start = useRunningClis();

/** JSON Lines with ids, paths and progress (as many as the job's polls) taken out. */
function jsonShape(text: string): unknown[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event.event !== 'progress')
    .map((event) => ({ ...event, generationId: typeof event.generationId === 'number' ? 'N' : event.generationId, ...(event.imagePaths ? { imagePaths: (event.imagePaths as string[]).length } : {}), ...(event.inputName ? { inputName: 'FILE' } : {}) }));
}

function postsOf(sim: typeof rig.sim): string[] {
  return sim.generateLog.filter((entry) => !entry.dryRun).map((entry) => entry.jobId ?? '?');
}

describe('commands beside a running watcher', () => {
  it('generate, reproduce, folders add and status --follow attach to it during a burst; same output as alone; no POST twice', { timeout: 180_000 }, async () => {
    const { dir, sim } = rig;
    const { home, inbox, env } = await libraryWithInbox(rig.sim, dir, 'burst');
    const image = path.join(dir, 'burst', 'pose.png');
    await writeFile(image, await controlPng(1));

    // On its own first (no engine runs): what the person sees.
    const alone = expectOk(await runCli(['--home', home, 'generate', image, '--preset', TEST_PRESET.name, '--seed', '7'], { env }));
    const aloneJson = expectOk(await runCli(['--home', home, '--json', 'generate', image, '--preset', TEST_PRESET.name, '--seed', '8'], { env }));
    const aloneReproduce = expectOk(await runCli(['--home', home, 'reproduce', '1'], { env }));
    expect(shape(alone.stdout)).toEqual(['queued    #N pose.png (Test house)', 'done      #N → PATHS']);

    const follower = start(['--home', home, '--json', 'status', '--follow'], env);
    await follower.line(/"event":"no-engine"/);
    const watcher = start(['--home', home, 'watch'], env);
    await watcher.line(/^watching /);
    await follower.line(/"event":"attached"/);

    // A burst in the watched folder, and commands from other processes while it runs.
    const burst = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const [index, name] of burst.entries()) await writeFile(path.join(inbox, `${name}.png`), await controlPng(100 + index));
    await watcher.line(/^queued .*a\.png/);
    const second = path.join(dir, 'burst', 'inbox-2');
    await mkdir(second);
    const [generated, generatedJson, reproduced, added] = await Promise.all([
      runCli(['--home', home, 'generate', image, '--preset', TEST_PRESET.name, '--seed', '9'], { env }),
      runCli(['--home', home, '--json', 'generate', image, '--preset', TEST_PRESET.name, '--seed', '10'], { env }),
      runCli(['--home', home, 'reproduce', '1'], { env }),
      runCli(['--home', home, 'folders', 'add', second, '--preset', TEST_PRESET.name], { env }),
    ]);
    for (const run of [generated, generatedJson, reproduced, added]) expectOk(run);
    // The same lines as alone: its own generation's only, none of the burst's.
    expect(shape(generated.stdout)).toEqual(shape(alone.stdout));
    expect(jsonShape(generatedJson.stdout)).toEqual(jsonShape(aloneJson.stdout));
    expect(shape(reproduced.stdout)).toEqual(shape(aloneReproduce.stdout));
    // The running watcher watches the new folder at once.
    expect(added.stdout).toMatch(/^Watching .*inbox-2 \(the running engine, process \d+, watches it now\)\./);
    await writeFile(path.join(second, 'late.png'), await controlPng(200));
    await watcher.line(/^done .*/);
    await watcher.line(/^queued .*late\.png/);

    const store = openStore({ file: path.join(home, 'history.sqlite') });
    try {
      const total = 3 + burst.length + 3 + 1;
      for (let waited = 0; store.generations.listByStates(['done']).length < total && waited < 60_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(store.generations.listByStates(['done'])).toHaveLength(total);
    } finally {
      store.close();
    }
    // Every generation was POSTed once, whoever asked for it.
    const posts = postsOf(sim);
    expect(posts).toHaveLength(3 + burst.length + 3 + 1);
    expect(new Set(posts).size).toBe(posts.length);

    // The follower saw the burst as JSON Lines, then the watcher go.
    expect(await watcher.stop()).toBe(0);
    await follower.line(/"event":"engine-stopped"/);
    const events = follower
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; inputName?: string });
    expect(events[0]?.event).toBe('status');
    const addedFiles = events.filter((event) => event.event === 'added').map((event) => event.inputName);
    expect(addedFiles).toEqual(expect.arrayContaining([...burst.map((name) => `${name}.png`), 'late.png', 'pose.png']));
    expect(events.filter((event) => event.event === 'done').length).toBeGreaterThanOrEqual(burst.length + 4);
    expect(await follower.stop('SIGINT')).toBe(0);
  });
});

describe('cancel, and clients the engine or the CLI refuses', () => {
  it('cancels a held generation through the watcher and on its own alike; refuses a changed token or a socket open to others with exit 3', { timeout: 120_000 }, async () => {
    const { dir } = rig;
    const { home, inbox, env } = await libraryWithInbox(rig.sim, dir, 'cancel');
    // Nothing may be sent: the two files wait for the budget, cancelable.
    expectOk(await runCli(['--home', home, 'settings', 'set', '--daily-budget', '0'], { env }));
    const watcher = start(['--home', home, 'watch'], env);
    await watcher.line(/^watching /);
    await writeFile(path.join(inbox, 'one.png'), await controlPng(1));
    await writeFile(path.join(inbox, 'two.png'), await controlPng(2));
    await watcher.line(/^waiting .*budget/i);
    await watcher.line(/^queued .*two\.png/);

    const { socketPath, tokenPath } = localEndpointOf(home);
    const token = await readFile(tokenPath, 'utf8');
    await writeFile(tokenPath, `${token.slice(0, -4)}abcd`, { mode: 0o600 });
    const wrongToken = await runCli(['--home', home, 'status'], { env });
    expect(wrongToken.code).toBe(3);
    expect(wrongToken.stderr).toMatch(/refused this client/);
    await writeFile(tokenPath, token, { mode: 0o600 });

    await chmod(socketPath, 0o666);
    const openSocket = await runCli(['--home', home, 'cancel', '1'], { env });
    expect(openSocket.code).toBe(3);
    expect(openSocket.stderr).toMatch(/can be used by other users/);
    await chmod(socketPath, 0o600);

    const attached = expectOk(await runCli(['--home', home, 'cancel', '1'], { env }));
    expect(attached.stdout).toBe('canceled  #1\n');
    await watcher.line(/^canceled {2}#1: Canceled by you\./);
    expect(await watcher.stop()).toBe(0);

    const alone = expectOk(await runCli(['--home', home, 'cancel', '2'], { env }));
    expect(alone.stdout).toBe('canceled  #2\n');
    const store = openStore({ file: path.join(home, 'history.sqlite') });
    try {
      expect([1, 2].map((id) => store.generations.get(id)?.state)).toEqual(['canceled', 'canceled']);
    } finally {
      store.close();
    }
    // A generation that has ended cannot be canceled: a usage error, said the same way.
    const again = await runCli(['--home', home, 'cancel', '2'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/Generation 2 is canceled, so it cannot be canceled now\./);
  });
});

describe('the engine attached to stops', () => {
  it('a generate attached to a watcher that stops takes its generation up on an engine of its own, ends done and sends it once', { timeout: 120_000 }, async () => {
    const { dir } = rig;
    // Slow jobs: the watcher stops while the generation is still in its queue.
    const sim = await startSimulator({ latencyMs: 4000 });
    try {
      const { home } = await libraryWithInbox(rig.sim, dir, 'takeover');
      const env = cliEnvFor(sim);
      const image = path.join(dir, 'takeover', 'pose.png');
      await writeFile(image, await controlPng(11));
      const watcher = start(['--home', home, 'watch'], env);
      await watcher.line(/^watching /);
      const generate = start(['--home', home, 'generate', image, '--preset', TEST_PRESET.name], env);
      await generate.line(/^queued .*pose\.png/);
      await watcher.line(/^queued .*pose\.png/);
      expect(await watcher.stop()).toBe(0);

      expect(await generate.exited()).toBe(0);
      expect(generate.errors()).toMatch(/attached to stopped; following its generations on the next one/);
      expect(shape(generate.output())).toEqual(['queued    #N pose.png (Test house)', 'done      #N → PATHS']);
      expect(postsOf(sim)).toHaveLength(1);
      const store = openStore({ file: path.join(home, 'history.sqlite') });
      try {
        expect(store.generations.listByStates(['done'])).toHaveLength(1);
      } finally {
        store.close();
      }
    } finally {
      await sim.close();
    }
  });
});
