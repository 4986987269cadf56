import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { MODEL_FAMILIES, validatePreset } from '../../shared/preset/index';
import type { ModelFamily } from '../../shared/preset/index';
import type { Engine } from '../engine/engine';
import { ACTIVE_STATES_FOR_STATUS } from './status-states';
import type { Preset, WatchedFolder } from '../store/index';
import { absoluteLibraryPath } from '../library/paths';
import type { GlobalOptions } from './context';
import { outputFor, parseId, withEngine } from './context';
import { CliError, EXIT } from './errors';

type Globals = () => GlobalOptions;
const readOnly = { run: false } as const;

function requirePreset(engine: Engine, name: string): Preset {
  const preset = engine.store.presets.getByName(name);
  if (preset === null) {
    const known = engine.store.presets.list().map((item) => item.name);
    throw new CliError(EXIT.usage, `There is no preset named "${name}".${known.length > 0 ? ` Presets: ${known.join(', ')}.` : ' Add one with `presets add FILE`.'}`);
  }
  return preset;
}

function requireFolder(engine: Engine, given: string): WatchedFolder {
  const wanted = path.resolve(given);
  const folder = engine.store.folders.list().find((item) => item.path === wanted || String(item.id) === given);
  if (folder === undefined) throw new CliError(EXIT.usage, `${wanted} is not a watched folder. See \`folders list\`.`);
  return folder;
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `Could not read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(EXIT.usage, `${file} is not valid JSON: ${(error as Error).message}. Fix the file, then try again.`);
  }
}

/**
 * A preset file is the preset's JSON; it may carry `family` (sd-1_5, sd-xl, flux-dev...) beside the
 * fields, otherwise the family is asked from Scenario (the model's type).
 */
async function presetFromFile(engine: Engine, file: string): Promise<{ name: string; family: string; preset: unknown }> {
  const raw = await readJsonFile(file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError(EXIT.usage, `${file} must hold one JSON object (the preset's fields).`);
  const { family: givenFamily, ...document } = raw as Record<string, unknown>;
  let family = typeof givenFamily === 'string' ? givenFamily : undefined;
  if (family === undefined && typeof document.modelId === 'string' && engine.client !== null) {
    family = await engine.resolveFamily(document.modelId).catch(() => undefined);
  }
  const known = (MODEL_FAMILIES as readonly string[]).includes(family ?? '') ? (family as ModelFamily) : undefined;
  const validation = validatePreset(document, known === undefined ? {} : { family: known });
  if (!validation.ok) {
    throw new CliError(
      EXIT.usage,
      `The preset in ${file} has ${validation.issues.length} error(s):`,
      validation.issues.map((issue) => `${issue.field}: ${issue.message}`),
    );
  }
  return { name: validation.preset.name, family: family ?? 'unknown', preset: validation.preset };
}

export function registerLibraryCommands(program: Command, globals: Globals): void {
  const presets = program.command('presets').description('manage presets (JSON files)');
  presets
    .command('list')
    .description('list presets')
    .action(() =>
      withEngine(globals(), readOnly, async (engine) => {
        const out = outputFor(globals());
        for (const preset of engine.store.presets.list()) {
          const version = preset.currentVersion;
          const document = version.preset as Record<string, unknown>;
          out.line(`${preset.name}  v${version.version}  ${version.family}  ${String(document.modelId)}  ${String(document.modality)}`, {
            id: preset.id,
            name: preset.name,
            version: version.version,
            family: version.family,
            preset: document,
          });
        }
      }),
    );
  presets
    .command('show <name>')
    .description("print a preset's JSON")
    .action((name: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const preset = requirePreset(engine, name);
        process.stdout.write(`${JSON.stringify({ family: preset.currentVersion.family, ...(preset.currentVersion.preset as object) }, null, 2)}\n`);
      }),
    );
  presets
    .command('add <file>')
    .description('add a preset from a JSON file (errors are listed per field)')
    .action((file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const draft = await presetFromFile(engine, file);
        const preset = engine.store.presets.create(draft);
        outputFor(globals()).line(`Added preset "${preset.name}" (${draft.family}).`, { id: preset.id, name: preset.name, family: draft.family });
      }),
    );
  presets
    .command('edit <name> <file>')
    .description('save a new version of a preset from a JSON file')
    .action((name: string, file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const preset = requirePreset(engine, name);
        const updated = engine.store.presets.update(preset.id, await presetFromFile(engine, file));
        outputFor(globals()).line(`Preset "${updated.name}" is now version ${updated.currentVersion.version}.`, { id: updated.id, version: updated.currentVersion.version });
      }),
    );
  presets
    .command('import <file>')
    .description('import presets exported by this app')
    .action((file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const results = engine.store.presets.importPresets(await readJsonFile(file));
        for (const result of results) outputFor(globals()).line(`${result.outcome}: ${result.name}`, { ...result });
      }),
    );
  presets
    .command('export <name> [file]')
    .description('export a preset (to FILE or the standard output)')
    .action((name: string, file: string | undefined) =>
      withEngine(globals(), readOnly, async (engine) => {
        const text = `${JSON.stringify(engine.store.presets.exportPresets([requirePreset(engine, name).id]), null, 2)}\n`;
        if (file === undefined) process.stdout.write(text);
        else await writeFile(file, text);
      }),
    );
  presets
    .command('delete <name>')
    .description('archive a preset (its generations stay in the history)')
    .action((name: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        engine.store.presets.archive(requirePreset(engine, name).id);
        outputFor(globals()).line(`Deleted preset "${name}"; its generations stay in the history.`);
      }),
    );

  const folders = program.command('folders').description('manage watched folders');
  folders
    .command('list')
    .description('list watched folders')
    .action(() =>
      withEngine(globals(), readOnly, async (engine) => {
        for (const folder of engine.store.folders.list()) {
          const names = folder.presetIds.map((id) => engine.store.presets.get(id)?.name ?? `#${id}`);
          const flags = [folder.paused ? 'paused' : 'watching', folder.options.recursive ? 'recursive' : '', folder.options.processedAction === 'move' ? 'move-processed' : ''].filter(Boolean);
          outputFor(globals()).line(`${folder.path}  [${flags.join(', ')}]  presets: ${names.join(', ')}`, { ...folder, presets: names });
        }
      }),
    );
  folders
    .command('add <path>')
    .description('watch a folder with one or more presets')
    .requiredOption('--preset <name>', 'preset to apply (repeat for several)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--recursive', 'watch subfolders too')
    .option('--move-processed', 'move processed files to _done/ (failures to _failed/)')
    .option('--allow-duplicates', 'generate again when the same image is dropped again')
    .action((folderPath: string, options: { preset: string[]; recursive?: boolean; moveProcessed?: boolean; allowDuplicates?: boolean }) =>
      withEngine(globals(), readOnly, async (engine) => {
        const folder = addFolder(engine, folderPath, options);
        outputFor(globals()).line(`Watching ${folder.path} (run \`watch\` to start).`, { ...folder });
      }),
    );
  for (const [name, description] of [
    ['remove', 'stop watching a folder (its generations stay)'],
    ['pause', 'pause a folder'],
    ['resume', 'resume a folder'],
  ] as const) {
    folders
      .command(`${name} <path>`)
      .description(description)
      .action((folderPath: string) =>
        withEngine(globals(), readOnly, async (engine) => {
          const folder = requireFolder(engine, folderPath);
          if (name === 'remove') engine.store.folders.remove(folder.id);
          else engine.store.folders.setPaused(folder.id, name === 'pause');
          outputFor(globals()).line(`${name === 'remove' ? 'Removed' : name === 'pause' ? 'Paused' : 'Resumed'} ${folder.path}.`);
        }),
      );
  }

  program
    .command('history')
    .description('list past generations, newest first')
    .option('--search <text>', 'search prompts, presets, models and file names')
    .option('--preset <name>', 'only this preset')
    .option('--limit <n>', 'how many', '20')
    .action((options: { search?: string; preset?: string; limit: string }) =>
      withEngine(globals(), readOnly, async (engine) => {
        const presetId = options.preset === undefined ? undefined : requirePreset(engine, options.preset).id;
        const page = engine.store.galleryPage({
          filters: presetId === undefined ? {} : { presetId },
          ...(options.search === undefined ? {} : { search: options.search }),
          limit: Math.max(1, Number(options.limit) || 20),
        });
        const out = outputFor(globals());
        for (const item of page.items) {
          const when = new Date(item.createdAt).toISOString().replace('T', ' ').slice(0, 19);
          out.line(`#${item.id}  ${item.state.padEnd(15)} ${when}  ${item.presetName}  ${item.inputFileName}  ${item.imageCount} image(s)${item.simulated ? '  (simulated)' : ''}`, { ...item });
        }
        if (page.items.length === 0) out.line('No generations yet.', { items: [] });
      }),
    );

  program
    .command('show <generationId>')
    .description('everything about one generation: request, seed, job, images')
    .action((idText: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const detail = engine.store.generationDetail(parseId(idText));
        if (detail === null) throw new CliError(EXIT.usage, `There is no generation ${idText}.`);
        const { generation, input, presetVersion, images } = detail;
        const imagePaths = images.map((image) => absoluteLibraryPath(engine.libraryRoot, image.relPath));
        const out = outputFor(globals());
        if (out.json) {
          out.line('', { ...detail, imagePaths });
          return;
        }
        const lines = [
          `Generation #${generation.id}: ${generation.state}${generation.simulated ? ' (simulated)' : ''}`,
          `  input     ${input.originalPath} (sha256 ${input.sha256.slice(0, 12)}…)`,
          `  preset    ${presetVersion.name} v${presetVersion.version} (${generation.family})`,
          `  model     ${generation.modelId}   seed ${generation.seed ?? '-'}`,
          `  prompt    ${generation.prompt}`,
          `  job       ${generation.jobId ?? '-'}   cost ${generation.costCu ?? '-'} CU`,
          ...(generation.errorMessage ? [`  reason    ${generation.errorMessage}`] : []),
          `  request   ${generation.requestJson}`,
          ...imagePaths.map((imagePath) => `  image     ${imagePath}`),
        ];
        out.line(lines.join('\n'));
      }),
    );

  program
    .command('status')
    .description('what is queued, in flight or waiting, and the budget')
    .action(() =>
      withEngine(globals(), readOnly, async (engine) => {
        const status = engine.status();
        const unfinished = engine.store.generations.listByStates(ACTIVE_STATES_FOR_STATUS);
        const out = outputFor(globals());
        if (out.json) {
          out.line('', { ...status, unfinished: unfinished.map(({ id, state, errorMessage }) => ({ id, state, errorMessage })) });
          return;
        }
        const { budget } = status;
        out.line(`Budget: ${budget.spentToday} CU today${budget.dailyLimit === null ? '' : ` of ${budget.dailyLimit}`}, ${budget.spentThisMonth} CU this month${budget.monthlyLimit === null ? '' : ` of ${budget.monthlyLimit}`}.`);
        out.line(`Today: ${status.counts.doneToday} done, ${status.counts.failedToday} failed.`);
        if (unfinished.length === 0) out.line('Nothing queued or waiting.');
        for (const generation of unfinished) out.line(`#${generation.id}  ${generation.state}${generation.errorMessage ? `  ${generation.errorMessage}` : ''}`);
      }),
    );
}

export function addFolder(
  engine: Engine,
  folderPath: string,
  options: { preset: string[]; recursive?: boolean; moveProcessed?: boolean; allowDuplicates?: boolean },
): WatchedFolder {
  const presetIds = options.preset.map((name) => requirePreset(engine, name).id);
  return engine.store.folders.add({
    path: path.resolve(folderPath),
    presetIds,
    options: {
      recursive: options.recursive === true,
      processedAction: options.moveProcessed === true ? 'move' : 'leave',
      allowDuplicates: options.allowDuplicates === true,
    },
  });
}

export { requirePreset, requireFolder };
