// `export`: a history selection to a zip with a JSON manifest, as the window's Export makes it.
import path from 'node:path';
import type { Command } from 'commander';
import type { GlobalOptions } from './context';
import { outputFor, parseId, userPath, withStore } from './context';
import { CliError, EXIT } from './errors';
import type { SelectionOptions } from './library-commands';
import { addSelectionOptions, nothingFound, repeatable, selectionOf } from './library-commands';
import type { ExportReport } from '../library/export';

type Globals = () => GlobalOptions;

export function registerExportCommand(program: Command, globals: Globals): void {
  addSelectionOptions(
    program
      .command('export [generationIds...]')
      .description('export generations (the ids given, else the ones --search, --preset, --since and --before select, else all) to a zip: images, control images and metadata.json'),
  )
    .option('--id <generationId>', 'a generation to export (repeat for several; the same as listing ids)', repeatable)
    .option('--out <file>', 'the zip to write (default: exports/generations-<date>-<time>.zip in the data folder)')
    .action((idTexts: string[], options: SelectionOptions & { id?: string[]; out?: string }) =>
      withStore(globals(), async (engine) => {
        const { exportFileName, exportGenerations, generationIdsMatching } = await import('../library/export');
        const { id: idOptions = [], out: outFile, ...selection } = options;
        const named = [...idTexts, ...idOptions];
        if (named.length > 0 && Object.values(selection).some((value) => value !== undefined)) {
          throw new CliError(EXIT.usage, 'Give either generation ids or --search/--preset/--since/--before, not both.');
        }
        let ids: number[];
        if (named.length > 0) {
          ids = named.map((text) => parseId(text));
          const unknown = ids.filter((id) => engine.store.generations.get(id) === null);
          if (unknown.length > 0) throw new CliError(EXIT.usage, `There is no generation ${unknown.join(', ')} in ${engine.home}: see \`history\` for the ids.`);
        } else {
          ids = generationIdsMatching(engine.store, selectionOf(engine, selection));
          if (ids.length === 0) throw new CliError(EXIT.usage, `${nothingFound(engine, selection)} Nothing was exported.`);
        }
        const now = new Date();
        const destination = outFile === undefined ? path.join(engine.home, 'exports', exportFileName(now)) : userPath(outFile);
        const report = await exportGenerations(engine.libraryRoot, engine.store, ids, destination, { now });
        const missing = report.missingFiles.length > 0 ? ` ${report.missingFiles.length} file(s) were missing from the library (listed in metadata.json with "file": null).${missingAdvice(report)}` : '';
        outputFor(globals()).document([`Exported ${report.generations} generation(s), ${report.images} image(s) and ${report.controls} control image(s) to ${report.destination}.${missing}`], report);
      }),
    );
}

/** What to do about the files an export lacked: imports not downloaded yet are fetched, lost files found by `repair`. */
function missingAdvice({ missingFiles, notDownloaded }: ExportReport): string {
  const fetch = notDownloaded.length === 0 ? '' : ` ${notDownloaded.length} of them are images of generations from the team's history, with only their thumbnails here: \`show ID --full\` downloads them (their ids are in metadata.json), then export again.`;
  const lost = missingFiles.length === notDownloaded.length ? '' : ` \`repair\` finds ${notDownloaded.length === 0 ? 'them' : 'the others'}.`;
  return `${fetch}${lost}`;
}
