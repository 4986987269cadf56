// `sync` beside a running watcher (real processes): it runs on the watcher's engine, the one
// writer of the library, instead of being refused because the data folder is in use.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_PRESET, cliEnvFor, untilWatching, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli, startCli } from '../cli/run-cli';
import { withLibrary } from './helpers';

const rig = useSimulatorAndTempDir('shf-sync-beside-', { latencyMs: 10 });


describe('sync beside a running engine', () => {
  it('runs on the watcher\'s engine: the same --json lines and exit code, the rows in its library, the watcher unharmed', { timeout: 180_000 }, async () => {
    const made = await rig.sim.seedTeamHistory({ jobs: 5, samplesPerJob: 2, webAppEvery: 0 });
    const home = path.join(rig.dir, 'home');
    const inbox = path.join(rig.dir, 'inbox');
    await mkdir(inbox, { recursive: true });
    withLibrary(home, (store) => store.presets.create({ name: TEST_PRESET.name, family: 'sd-1_5', preset: TEST_PRESET }));
    const added = await runCli(['--home', home, 'folders', 'add', inbox, '--preset', TEST_PRESET.name], { env: cliEnvFor(rig.sim) });
    expect(added.code, added.stderr).toBe(0);

    const watcher = startCli(['--home', home, 'watch'], { env: cliEnvFor(rig.sim) });
    watcher.stdin.end();
    let watcherErrors = '';
    watcher.stderr.on('data', (data: Buffer) => (watcherErrors += data.toString()));
    const watcherExited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    try {
      await untilWatching(watcher);
      const run = await runCli(['--home', home, '--json', 'sync', '--images', 'all'], { env: cliEnvFor(rig.sim) });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.some((line) => line.event === 'progress' && line.phase === 'importing')).toBe(true);
      expect(lines.at(-1)).toMatchObject({ event: 'synced', imported: 5, imagesDownloaded: 10 });

      // Written by the watcher's engine: every job once, its images downloaded.
      withLibrary(home, (store) => {
        const items = store.galleryPage({ limit: 50, filters: { imported: true } }).items;
        expect(new Set(items.map((item) => store.generations.get(item.id)?.jobId))).toEqual(new Set(made.jobIds));
        expect(items.every((item) => store.generationDetail(item.id)!.images.every((image) => !image.missing))).toBe(true);
      });
      const again = await runCli(['--home', home, '--json', 'sync'], { env: cliEnvFor(rig.sim) });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ event: 'synced', imported: 0 });
    } finally {
      if (watcher.exitCode === null) watcher.kill('SIGTERM');
    }
    expect(await watcherExited, watcherErrors).toBe(0);
  });
});
