import type { Command } from 'commander';
import { absoluteLibraryPath } from '../library/paths';
import type { RepairReport } from '../library/repair';
import type { GlobalOptions } from './context';
import { outputFor, withEngine } from './context';

type Globals = () => GlobalOptions;

/** Files listed per kind in plain output; --json lists them all. */
const LISTED_PER_KIND = 20;

interface ThumbnailOutcome {
  rebuilt: number;
  failed: number;
}

function listed(items: readonly string[]): string[] {
  const shown = items.slice(0, LISTED_PER_KIND).map((item) => `  ${item}`);
  const more = items.length - shown.length;
  return more > 0 ? [...shown, `  … and ${more} more (--json lists them all)`] : shown;
}

/** What a repair did, or in a dry run would do, for people. */
function describeRepair(report: RepairReport, libraryRoot: string, thumbnails: ThumbnailOutcome): string[] {
  const dry = report.dryRun;
  const kinds: { done: string; would: string; items: string[] }[] = [
    { done: 'Images marked missing (file gone)', would: 'Images to mark missing (file gone)', items: report.missingFiles.map((file) => `#${file.imageId} ${file.relPath}`) },
    { done: 'Images whose file is back, marked present', would: 'Images whose file is back, to mark present', items: report.recoveredFiles.map((file) => `#${file.imageId} ${file.relPath}`) },
    { done: 'Files no image knows, moved to the trash', would: 'Files no image knows, to move to the trash', items: report.orphans.map((orphan) => `${orphan.relPath} → ${orphan.movedTo}`) },
    { done: 'Stale .part files removed', would: 'Stale .part files to remove', items: report.partsRemoved },
  ];
  const lines = [dry ? `Dry run in ${libraryRoot}: nothing was changed.` : `Repaired ${libraryRoot}.`];
  for (const kind of kinds) lines.push(`${dry ? kind.would : kind.done}: ${kind.items.length}`, ...listed(kind.items));
  if (dry) lines.push(`Thumbnails to rebuild: ${report.thumbnailsQueued}`);
  else lines.push(`Thumbnails rebuilt: ${thumbnails.rebuilt}${thumbnails.failed > 0 ? ` (${thumbnails.failed} failed: see the warnings)` : ''}`);

  if (report.youngFilesLeft.length > 0) {
    const minutes = Math.round(report.safetyAgeMs / 60_000);
    lines.push(
      `Left alone: ${report.youngFilesLeft.length} file(s) younger than ${minutes} min, the safety age: a download or a running app may still be writing them. Run repair again later to look at them.`,
      ...listed(report.youngFilesLeft),
    );
  }

  const firstOrphan = report.orphans[0];
  const somethingToDo = kinds.some((kind) => kind.items.length > 0) || report.thumbnailsQueued > 0;
  if (dry && somethingToDo) lines.push('Run `scenario-hotfolder repair` to do it (close the app or the watcher on this home first).');
  // Moved, never deleted: the person decides what becomes of files they may have put there.
  if (!dry && firstOrphan !== undefined) {
    // Every orphan of a run goes to one batch folder: movedTo is that folder, then the file's relPath.
    const batchFolder = absoluteLibraryPath(libraryRoot, firstOrphan.movedTo.slice(0, -`/${firstOrphan.relPath}`.length));
    lines.push(`The moved files are in ${batchFolder}: look them over, then delete them or move them back.`);
  }
  return lines;
}

export function registerRepairCommand(program: Command, globals: Globals): void {
  program
    .command('repair')
    .description('bring the history and the library files back in agreement (images gone, stray files, thumbnails, stale .part files)')
    .option('--dry-run', 'say what would change and change nothing (runs beside the app)')
    .action((options: { dryRun?: boolean }) => {
      const dryRun = options.dryRun === true;
      // A repair moves and writes the files a running app or watcher writes: it takes the home's
      // lock. A dry run only reads. No connection: nothing here talks to Scenario.
      return withEngine(globals(), { run: false, lock: !dryRun, scenario: null }, async (engine) => {
        const out = outputFor(globals());
        // With no pipeline running, the engine's only warnings are its thumbnail queue's failures.
        let failed = 0;
        const stopWarnings = engine.events.on('warning', ({ message }) => {
          failed += 1;
          out.warn(message);
        });
        try {
          const { repairLibrary } = await import('../library/repair');
          const report = await repairLibrary(engine.libraryRoot, engine.store, { dryRun, thumbnails: engine.thumbnails });
          await engine.thumbnails.onIdle();
          const thumbnails = { rebuilt: dryRun ? 0 : report.thumbnailsQueued - failed, failed };
          out.line(describeRepair(report, engine.libraryRoot, thumbnails).join('\n'), {
            ...report,
            library: engine.libraryRoot,
            thumbnailsRebuilt: thumbnails.rebuilt,
            thumbnailsFailed: thumbnails.failed,
          });
        } finally {
          stopWarnings();
        }
      });
    });
}
