// `settings`: what the window's Settings hold, through the same contract handlers.
import type { Command } from 'commander';
import { contract } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/ipc/contract';
import type { GlobalOptions } from './context';
import { outputFor, parseWholeNumber, withEngine } from './context';
import { CliError, EXIT } from './errors';
import { parseProcessedAction } from './library-commands';

type Globals = () => GlobalOptions;

interface SetOptions {
  dailyBudget?: string;
  monthlyBudget?: string;
  concurrency?: string;
  processed?: string;
  syncFullImages?: string;
}

/** A budget in creative units, or `none` for no limit. */
function parseBudget(text: string, option: string): number | null {
  if (text.trim().toLowerCase() === 'none') return null;
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new CliError(EXIT.usage, `${option} ${text} must be a number of creative units (0 or more), or none for no limit.`);
  return value;
}

function parseFullImages(text: string): Settings['syncFullImages'] {
  if (text === 'on-demand' || text === 'always') return text;
  throw new CliError(EXIT.usage, `--sync-full-images ${text} must be on-demand or always.`);
}

function describe(settings: Settings): string[] {
  const budget = (value: number | null) => (value === null ? 'no limit' : `${value} CU`);
  return [
    `Daily budget:     ${budget(settings.dailyBudget)}`,
    `Monthly budget:   ${budget(settings.monthlyBudget)}`,
    `Concurrency:      ${settings.concurrency} job(s) in flight at once`,
    `New folders:      processed files ${settings.defaultProcessedAction === 'move' ? 'move to _done/ (failures to _failed/)' : 'stay where they are'}`,
    `Team sync:        ${settings.syncFullImages === 'always' ? 'full images with every import' : 'thumbnails first, full images on demand'} (syncFullImages ${settings.syncFullImages ?? 'on-demand'})`,
    `Library:          ${settings.libraryLocation}`,
  ];
}

export function registerSettingsCommand(program: Command, globals: Globals): void {
  const settings = program
    .command('settings')
    .description("show the window's Settings: budgets, concurrency, defaults for new folders (`settings set` changes them)")
    .action(() =>
      withEngine(globals(), { run: false }, async (engine) => {
        const { settingsHandlers } = await import('../engine/handlers-settings');
        const current = await settingsHandlers(engine)['settings.get']();
        outputFor(globals()).document(describe(current), current);
      }),
    );
  settings
    .command('set')
    .description('change Settings; only what is given changes (a running watcher applies budgets at once, concurrency at its next start)')
    .option('--daily-budget <cu>', 'creative units a day, or none')
    .option('--monthly-budget <cu>', 'creative units a month, or none')
    .option('--concurrency <n>', 'jobs in flight at once (1 to 16)')
    .option('--processed <action>', 'what new folders do with a processed file: leave, or move (to _done/, failures to _failed/)')
    .option('--sync-full-images <when>', "the team sync's full images: on-demand (thumbnails first) or always")
    .action((options: SetOptions) =>
      withEngine(globals(), { run: false }, async (engine) => {
        const patch: Partial<Settings> = {
          ...(options.dailyBudget === undefined ? {} : { dailyBudget: parseBudget(options.dailyBudget, '--daily-budget') }),
          ...(options.monthlyBudget === undefined ? {} : { monthlyBudget: parseBudget(options.monthlyBudget, '--monthly-budget') }),
          ...(options.concurrency === undefined ? {} : { concurrency: parseWholeNumber(options.concurrency, '--concurrency', 1, 16) }),
          ...(options.processed === undefined ? {} : { defaultProcessedAction: parseProcessedAction(options.processed) }),
          ...(options.syncFullImages === undefined ? {} : { syncFullImages: parseFullImages(options.syncFullImages) }),
        };
        // The contract's own check, as for the window (the options above are already in range).
        const input = contract.channels['settings.update'].input.safeParse(patch);
        if (!input.success) throw new CliError(EXIT.usage, 'These settings cannot be saved:', input.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
        if (Object.keys(input.data).length === 0) throw new CliError(EXIT.usage, 'Nothing to change: give --daily-budget, --monthly-budget, --concurrency, --processed or --sync-full-images.');
        const { settingsHandlers } = await import('../engine/handlers-settings');
        const saved = await settingsHandlers(engine)['settings.update'](input.data);
        outputFor(globals()).document(['Saved.', ...describe(saved)], saved);
      }),
    );
}
