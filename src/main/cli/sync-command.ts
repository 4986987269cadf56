/**
 * `sync`: brings the team's history in from Scenario (every member's generations, tags and
 * collections) and sends the tag changes made here; see src/main/sync. Its work is kept as it
 * goes, so a sync stopped by Ctrl-C, a crash or a lost network goes on at the next one.
 */
import type { Command } from 'commander';
import type { GlobalOptions } from './context';
import { outputFor, parseId, withEngine, withStore } from './context';
import { CliError, EXIT } from './errors';
import { parseDuration, untilSignal } from './run-commands';

type Globals = () => GlobalOptions;

const PHASE_WORDS = {
  sending: 'sending tag changes',
  collections: 'reading collections',
  listing: 'listing jobs',
  importing: 'importing',
  changes: 'reading tag changes',
  images: 'downloading images',
} as const;

function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function registerSyncCommand(program: Command, globals: Globals): void {
  program
    .command('sync')
    .description("bring in the team's generations, tags and collections from Scenario, and send the tags changed here")
    .option('--images <which>', 'none (metadata only; images later, on demand) or all (every output file too)', 'all')
    .option('--wait <duration>', 'how long Scenario may stay unreachable before sync stops (its work kept)', '10m')
    .action(async (options: { images: string; wait: string }) => {
      if (options.images !== 'none' && options.images !== 'all') throw new CliError(EXIT.usage, `--images ${options.images} must be none or all.`);
      const images = options.images;
      const waitMs = parseDuration(options.wait, '--wait');
      const out = outputFor(globals());
      await withEngine(globals(), { run: false, lock: true, needsCredentials: true }, async (engine) => {
        const { syncTeamHistory, SyncError } = await import('../sync/index');
        const client = engine.client;
        if (client === null) throw new CliError(EXIT.config, 'No Scenario connection: set SCENARIO_API_KEY and SCENARIO_API_SECRET.');
        const stop = new AbortController();
        void untilSignal().then(() => stop.abort());
        let lastPhase = '';
        let lastJsonAt = 0;
        try {
          const report = await syncTeamHistory({
            store: engine.store,
            client,
            libraryRoot: engine.libraryRoot,
            simulated: engine.simulated,
            resolveFamily: (modelId) => engine.resolveFamily(modelId),
            images,
            appVersion: '0.1.0',
            waitMs,
            signal: stop.signal,
            onWaiting: (reason) => out.line(`waiting   ${reason}`, { event: 'waiting', reason }),
            onProgress: ({ phase, done, total }) => {
              const words = PHASE_WORDS[phase];
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
            },
          });
          const summary = `synced    ${report.imported} generation(s) imported (${report.notReproducible} cannot be reproduced here), ${report.tagChangesSent} tag change(s) sent, ${report.assetsChanged} asset(s) changed elsewhere, ${report.imagesDownloaded} image(s) downloaded${report.leftStaged > 0 ? `; ${report.leftStaged} job(s) wait for a submission of ours to settle` : ''}`;
          out.line(summary, { event: 'synced', ...report });
        } catch (error) {
          if (!(error instanceof SyncError)) throw error;
          out.line(`stopped   ${error.userMessage}`, { event: 'stopped', reason: error.code, message: error.userMessage });
          process.exitCode = EXIT.waiting;
        }
      });
    });
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
