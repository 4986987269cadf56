/**
 * `sync`: brings the team's history in from Scenario (every member's generations, tags and
 * collections) and sends the tag changes made here; see src/main/sync. Its work is kept as it
 * goes, so a sync stopped by Ctrl-C, a crash or a lost network goes on at the next one.
 */
import type { Command } from 'commander';
import type { SyncImages, SyncPhase, SyncProgress, SyncReport } from '../sync/sync';
import type { GlobalOptions } from './context';
import { homeOf, outputFor, parseId, withEngine, withStore } from './context';
import type { Output } from './output';
import { attachToHolder } from './session';
import { CliError, EXIT } from './errors';
import { parseDuration, untilSignal } from './run-commands';
import { SYNC_PHASE_WORDS } from '../../shared/sync-phases';

type Globals = () => GlobalOptions;

function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function registerSyncCommand(program: Command, globals: Globals): void {
  program
    .command('sync')
    .description("bring in the team's generations, tags and collections from Scenario, and send the tags changed here")
    // A terminal has no lightbox to fetch a full image when it is opened: every file comes unless
    // asked otherwise (the app's own syncs follow the setting syncFullImages).
    .option('--images <which>', 'none (metadata only), thumbnails (thumbnails first, full files on demand: `show ID --full`) or all (thumbnails, then every full file)', 'all')
    .option('--wait <duration>', 'how long Scenario may stay unreachable before sync stops (its work kept)', '10m')
    .action(async (options: { images: string; wait: string }) => {
      const images = options.images;
      if (!isSyncImages(images)) throw new CliError(EXIT.usage, `--images ${images} must be none, thumbnails or all.`);
      const waitMs = parseDuration(options.wait, '--wait');
      const out = outputFor(globals());
      const print = progressPrinter(out);
      const printReport = (report: SyncReport) => out.line(summaryOf(report), { event: 'synced', ...report });
      const printStopped = (code: string, message: string) => {
        out.line(`stopped   ${message}`, { event: 'stopped', reason: code, message });
        process.exitCode = EXIT.waiting;
      };
      const home = homeOf(globals());

      // Beside a running app or watcher, the sync runs on its engine: one writer for the library.
      const attached = await attachToHolder(home);
      if (attached !== null) {
        const { api } = attached;
        const stops = [
          api.on('sync.progress', (progress) => {
            if (progress !== null && isPhase(progress.phase)) print({ phase: progress.phase, done: progress.done, total: progress.total });
          }),
          api.on('sync.waiting', ({ reason }) => out.line(`waiting   ${reason}`, { event: 'waiting', reason })),
        ];
        void untilSignal().then(() => api.sync.stop().catch(() => undefined));
        try {
          printReport(await api.sync.run({ images, waitMs }));
        } catch (error) {
          const { IpcError } = await import('../../shared/ipc/errors');
          if (!(error instanceof IpcError)) throw error;
          if (error.code === 'unreachable' || error.code === 'interrupted') printStopped(error.code, error.userMessage);
          else throw new CliError(error.code === 'sync.no-connection' ? EXIT.config : EXIT.waiting, error.userMessage);
        } finally {
          for (const stop of stops) stop();
          attached.close();
        }
        return;
      }

      await withEngine(globals(), { run: false, lock: true, needsCredentials: true }, async (engine) => {
        const { SyncError } = await import('../sync/index');
        const stop = new AbortController();
        void untilSignal().then(() => stop.abort());
        const sync = engine.syncTeamHistory({ images, waitMs, signal: stop.signal, onWaiting: (reason) => out.line(`waiting   ${reason}`, { event: 'waiting', reason }), onProgress: print });
        if (sync === null) throw new CliError(EXIT.config, 'No Scenario connection: set SCENARIO_API_KEY and SCENARIO_API_SECRET.');
        try {
          printReport(await sync);
        } catch (error) {
          if (!(error instanceof SyncError)) throw error;
          printStopped(error.code, error.userMessage);
        }
      });
    });
}

function isSyncImages(images: string): images is SyncImages {
  return images === 'none' || images === 'thumbnails' || images === 'all';
}

function isPhase(phase: string): phase is SyncPhase {
  return phase in SYNC_PHASE_WORDS;
}

/** Progress as a bar on a terminal, a line per phase otherwise, and in --json at most one line a second per phase. */
function progressPrinter(out: Output): (progress: SyncProgress) => void {
  let lastPhase = '';
  let lastJsonAt = 0;
  return ({ phase, done, total }) => {
    const words = SYNC_PHASE_WORDS[phase];
    if (out.json) {
      // One line per phase change, then at most one a second: a large import is 100,000 steps.
      const now = Date.now();
      if (phase === lastPhase && now - lastJsonAt < 1000 && done !== total) return;
      lastJsonAt = now;
      lastPhase = phase;
      out.line('', { event: 'progress', phase, done, total });
      return;
    }
    if (phase !== lastPhase) {
      lastPhase = phase;
      if (!process.stdout.isTTY) out.line(`${words}...`);
    }
    out.status(total === null ? `${words}: ${done}` : `${bar(done, total)} ${words} ${done}/${total}`);
  };
}

function summaryOf(report: SyncReport): string {
  return `synced    ${report.imported} generation(s) imported (${report.notReproducible} cannot be reproduced here), ${report.tagChangesSent} tag change(s) sent, ${report.assetsChanged} asset(s) changed elsewhere, ${report.imagesDownloaded} image(s) downloaded${report.thumbnailsDownloaded > 0 ? ` (and ${report.thumbnailsDownloaded} thumbnail(s) first)` : ''}${report.deletedInScenario > 0 ? `; ${report.deletedInScenario} generation(s) deleted in Scenario (${report.movedToTrash} imported one(s) moved to the Trash, restore them from there; files kept)` : ''}${report.tagChangesDropped > 0 ? `; ${report.tagChangesDropped} tag change(s) dropped: their images were deleted in Scenario` : ''}${report.leftStaged > 0 ? `; ${report.leftStaged} job(s) wait for a submission of ours to settle` : ''}`;
}

export function registerCollectionsCommands(program: Command, globals: Globals): void {
  const collections = program.command('collections').description("the team's Scenario collections: list them, send generations to one");
  collections
    .command('list')
    .description('the collections known here (from `sync`), with how many generations of this library each holds')
    .action(() =>
      withStore(globals(), async (library) => {
        const known = library.store.sync.collections();
        const lines = known.length === 0 ? ['No collections known: run `sync` to learn the team\'s.'] : known.map((collection) => `${collection.name}  (${collection.count} generation(s))  ${collection.id}`);
        outputFor(globals()).document(lines, known);
      }),
    );
  collections
    .command('add <name> <generationId...>')
    .description("puts the generations' images in the team's collection of that name (made when there is none)")
    .action((name: string, idTexts: string[]) =>
      withEngine(globals(), { run: false, lock: true, needsCredentials: true }, async (engine) => {
        const client = engine.client;
        if (client === null) throw new CliError(EXIT.config, 'No Scenario connection: set SCENARIO_API_KEY and SCENARIO_API_SECRET.');
        const ids = idTexts.map((text) => parseId(text));
        for (const id of ids) if (engine.store.generations.get(id) === null) throw new CliError(EXIT.usage, `There is no generation ${id} in ${engine.home}: see \`history\` for the ids.`);
        const assetIds = ids.flatMap((id) => engine.store.sync.assetIdsOf(id));
        if (assetIds.length === 0) throw new CliError(EXIT.usage, 'None of these generations has images at Scenario yet: nothing to put in a collection.');
        const existing = (await client.listCollections()).find((collection) => collection.name.toLowerCase() === name.toLowerCase());
        const collection = existing ?? (await client.createCollection(name));
        await client.addToCollection(collection.id, assetIds);
        engine.store.sync.rememberCollection(collection);
        engine.store.sync.addToCollection(collection.id, assetIds);
        outputFor(globals()).document([`Added ${assetIds.length} image(s) of ${ids.length} generation(s) to "${collection.name}".`], { collectionId: collection.id, name: collection.name, generations: ids.length, assets: assetIds.length, created: existing === undefined });
      }),
    );
}
