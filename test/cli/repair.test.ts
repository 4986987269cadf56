// `repair`, run by the real CLI against a home whose library drifted from its history.
import { existsSync } from 'node:fs';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { absoluteLibraryPath, thumbnailRelPath } from '../../src/main/library/paths';
import { useTempDirs } from '../library/helpers';
import { useLibraryWithStore } from '../library/library-fixture';
import { runCli } from './run-cli';

const tempDir = useTempDirs();
const libraryWithStore = useLibraryWithStore(tempDir);

const ORPHAN = 'outputs/2025/01/15/copied-in-by-hand.png';
const STALE_PART = 'outputs/2025/01/15/.depth-render-9-0.png.0123456789ab.part';

/** A home with an image whose file was deleted, one whose thumbnail was, a stray file and a stale part. */
async function driftedHome() {
  const home = await tempDir();
  const fixture = await libraryWithStore({ home });
  const { root, addGeneration, addStrayFile } = fixture;
  const intact = await addGeneration(1);
  const damaged = await addGeneration(2);
  const [gone, thumbless] = damaged.images;
  await rm(absoluteLibraryPath(root, gone!.relPath));
  await rm(absoluteLibraryPath(root, thumbnailRelPath(thumbless!.relPath)));
  await addStrayFile(ORPHAN, 'someone else’s picture');
  await addStrayFile(STALE_PART);
  // Older than the grace period that protects a download in progress.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const relPath of [ORPHAN, STALE_PART]) await utimes(absoluteLibraryPath(root, relPath), anHourAgo, anHourAgo);
  return { home, ...fixture, intact, gone: gone!, thumbless: thumbless! };
}

function parsedReport(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('scenario-hotfolder repair', () => {
  it('reports in a dry run without changing anything, then repairs: missing rows, orphans to the trash, thumbnails, parts', { timeout: 60_000 }, async () => {
    const { home, root, store, intact, gone, thumbless } = await driftedHome();
    const expected = {
      library: root,
      missingFiles: [{ imageId: gone.id, relPath: gone.relPath }],
      recoveredFiles: [],
      orphans: [{ relPath: ORPHAN, movedTo: expect.stringMatching(new RegExp(`^trash/orphans-\\d{8}-\\d{6}/${ORPHAN}$`)) }],
      thumbnailsQueued: 1,
      partsRemoved: [STALE_PART],
      youngFilesLeft: [],
      safetyAgeMs: 600_000,
      thumbnailsFailed: 0,
    };

    const dryRun = await runCli(['--home', home, 'repair', '--dry-run', '--json']);
    expect(dryRun.stderr).toBe('');
    expect(dryRun.code).toBe(0);
    expect(parsedReport(dryRun.stdout)).toEqual({ ...expected, dryRun: true, thumbnailsRebuilt: 0 });
    expect(store.images.get(gone.id)?.missing).toBe(false);
    expect(existsSync(absoluteLibraryPath(root, ORPHAN))).toBe(true);
    expect(existsSync(absoluteLibraryPath(root, STALE_PART))).toBe(true);
    expect(existsSync(absoluteLibraryPath(root, thumbnailRelPath(thumbless.relPath)))).toBe(false);
    expect(existsSync(absoluteLibraryPath(root, 'trash'))).toBe(false);

    const repair = await runCli(['--home', home, 'repair', '--json']);
    expect(repair.stderr).toBe('');
    expect(repair.code).toBe(0);
    const report = parsedReport(repair.stdout);
    expect(report).toEqual({ ...expected, dryRun: false, thumbnailsRebuilt: 1 });
    expect(store.images.get(gone.id)?.missing).toBe(true);
    expect(store.images.get(thumbless.id)?.missing).toBe(false);
    expect(store.images.get(intact.images[0]!.id)?.missing).toBe(false);
    expect(existsSync(absoluteLibraryPath(root, thumbnailRelPath(thumbless.relPath)))).toBe(true);
    expect(store.images.get(thumbless.id)?.thumbRelPath).toBe(thumbnailRelPath(thumbless.relPath));
    // Moved, never deleted.
    const [orphan] = report.orphans as { movedTo: string }[];
    expect(existsSync(absoluteLibraryPath(root, ORPHAN))).toBe(false);
    expect(await readFile(absoluteLibraryPath(root, orphan!.movedTo), 'utf8')).toBe('someone else’s picture');
    expect(existsSync(absoluteLibraryPath(root, STALE_PART))).toBe(false);
    expect(existsSync(path.join(home, 'engine.lock'))).toBe(false);

    // For people: what was done, and a second pass finds nothing left.
    const again = await runCli(['--home', home, 'repair']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Repaired ${root}.`);
    expect(again.stdout).toContain('Images marked missing (file gone): 0');
    expect(again.stdout).toContain('Files no image knows, moved to the trash: 0');
    expect(again.stdout).toContain('Thumbnails rebuilt: 0');
  });

  it('says in plain words what a dry run would do', { timeout: 60_000 }, async () => {
    const { home, root, gone } = await driftedHome();
    const { code, stdout } = await runCli(['--home', home, 'repair', '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Dry run in ${root}: nothing was changed.`);
    expect(stdout).toContain(`Images to mark missing (file gone): 1\n  #${gone.id} ${gone.relPath}\n`);
    expect(stdout).toContain(`Files no image knows, to move to the trash: 1\n  ${ORPHAN} → trash/orphans-`);
    expect(stdout).toContain('Thumbnails to rebuild: 1');
    expect(stdout).toContain(`Stale .part files to remove: 1\n  ${STALE_PART}\n`);
    expect(stdout).toContain('Run `scenario-hotfolder repair` to do it');
  });

  it('says how many files it left alone for being younger than its safety age, and why', { timeout: 60_000 }, async () => {
    const { home, root, addStrayFile } = await driftedHome();
    // Written a moment ago: a download whose row is not added yet looks just like this.
    const young = 'outputs/2025/01/16/just-written.png';
    await addStrayFile(young, 'being written');
    const { code, stdout } = await runCli(['--home', home, 'repair']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `Left alone: 1 file(s) younger than 10 min, the safety age: a download or a running app may still be writing them. Run repair again later to look at them.\n  ${young}\n`,
    );
    expect(existsSync(absoluteLibraryPath(root, young))).toBe(true);

    const json = await runCli(['--home', home, 'repair', '--dry-run', '--json']);
    expect(parsedReport(json.stdout)).toMatchObject({ youngFilesLeft: [young], safetyAgeMs: 600_000 });
  });

  it('refuses to run beside another process working in the same home (exit 3); a dry run still reads', { timeout: 60_000 }, async () => {
    const { home, root, store, gone } = await driftedHome();
    // This test's own process is alive: the lock is held, as by a running watcher.
    await writeFile(path.join(home, 'engine.lock'), String(process.pid));

    const refused = await runCli(['--home', home, 'repair']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`(process ${process.pid}) is already working in ${home}`);
    expect(store.images.get(gone.id)?.missing).toBe(false);
    expect(existsSync(absoluteLibraryPath(root, ORPHAN))).toBe(true);
    expect(existsSync(absoluteLibraryPath(root, STALE_PART))).toBe(true);

    const dryRun = await runCli(['--home', home, 'repair', '--dry-run', '--json']);
    expect(dryRun.code).toBe(0);
    expect(parsedReport(dryRun.stdout)).toMatchObject({ dryRun: true, missingFiles: [{ imageId: gone.id }] });
    expect(await readFile(path.join(home, 'engine.lock'), 'utf8')).toBe(String(process.pid));
  });
});
