// Thumbnails first from the command line (real CLI processes): `sync --images thumbnails` brings
// a member's images at thumbnail size, `show ID --full` downloads one generation's full images,
// `export` says which images are not downloaded yet, and `settings set --sync-full-images` is the
// window's setting.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath } from '../../src/main/library';
import { cliEnvFor, useSimulatorAndTempDir } from '../pipeline/helpers';
import { runCli } from '../cli/run-cli';
import { withLibrary } from './helpers';

const rig = useSimulatorAndTempDir('shf-sync-thumbs-cli-', { latencyMs: 0 });

describe('thumbnails first from the command line', () => {
  it('syncs thumbnails, downloads one generation whole with show --full, and keeps the setting', { timeout: 120_000 }, async () => {
    await rig.sim.seedTeamHistory({ jobs: 2, samplesPerJob: 2 });
    const home = path.join(rig.dir, 'home');
    const env = cliEnvFor(rig.sim);

    const run = await runCli(['--home', home, '--json', 'sync', '--images', 'thumbnails'], { env });
    expect(run.code, run.stderr).toBe(0);
    const synced = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'synced');
    expect(synced).toMatchObject({ imported: 2, thumbnailsDownloaded: 4, imagesDownloaded: 0 });

    const generationId = withLibrary(home, (store) => store.galleryPage({ limit: 10, filters: { imported: true } }).items[0]!.id);
    const shown = await runCli(['--home', home, 'show', String(generationId)], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`only its thumbnail is here: \`show ${generationId} --full\``);

    const full = await runCli(['--home', home, '--json', 'show', String(generationId), '--full'], { env });
    expect(full.code, full.stderr).toBe(0);
    const detail = JSON.parse(full.stdout) as { images: { missing: boolean }[]; imagePaths: string[] };
    expect(detail.images.map((image) => image.missing)).toEqual([false, false]);
    for (const imagePath of detail.imagePaths) expect(existsSync(imagePath)).toBe(true);
    // The other generation still waits for its full images.
    withLibrary(home, (store) => {
      const other = store.galleryPage({ limit: 10, filters: { imported: true } }).items.find((item) => item.id !== generationId)!;
      for (const image of store.images.listForGeneration(other.id)) {
        expect(image.missing).toBe(true);
        expect(existsSync(absoluteLibraryPath(path.join(home, 'library'), image.thumbRelPath!))).toBe(true);
      }
    });

    // An export names the images not downloaded yet as such, not as lost files for `repair`.
    const zip = path.join(rig.dir, 'team.zip');
    const exported = await runCli(['--home', home, 'export', '--out', zip], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain("2 file(s) were missing from the library (listed in metadata.json with \"file\": null). 2 of them are images of generations from the team's history, with only their thumbnails here: `show ID --full` downloads them");
    expect(exported.stdout).not.toContain('repair');

    const wrong = await runCli(['--home', home, 'settings', 'set', '--sync-full-images', 'sometimes'], { env });
    expect(wrong.code).toBe(2);
    const set = await runCli(['--home', home, '--json', 'settings', 'set', '--sync-full-images', 'always'], { env });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ syncFullImages: 'always' });
    const shownSettings = await runCli(['--home', home, 'settings'], { env });
    expect(shownSettings.stdout).toMatch(/Team sync: +full images with every import/);
  });
});
