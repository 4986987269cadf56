import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MAP_MODALITY_NAMES, isMapModality, type MapModality } from '../../shared/detect';
import { CUSTOM_FAMILY } from '../../shared/model-inputs/index';
import { MODEL_FAMILIES, validatePreset } from '../../shared/preset/index';
import type { FieldIssue, ModelFamily } from '../../shared/preset/index';
import { processedActionSchema } from '../../shared/ipc/contract';
import type { FolderOptions, ProcessedAction } from '../../shared/ipc/contract';
import type { Engine } from '../engine/engine';
import { checkCustomPreset, inputsChangesOf, versionIssues } from '../engine/model-inputs';
import { ScenarioError } from '../scenario/errors';
import { PRESETS_EXPORT_FORMAT } from '../store/index';
import type { DuplicateEvent, GalleryFilters, GalleryItem, GenerationOrigin, Preset, WatchedFolder } from '../store/index';
import { absoluteLibraryPath } from '../library/paths';
import type { GlobalOptions, Library } from './context';
import { homeOf, outputFor, parseWholeNumber, requireGeneration, userPath, withEngine, withStore } from './context';
import { attachToHolder } from './session';
import { CliError, EXIT } from './errors';
import { withFolderTarget } from './folder-target';
import type { Output } from './output';

type Globals = () => GlobalOptions;
const readOnly = { run: false } as const;

/** Collects a repeatable option (`--preset A --preset B`). */
export const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];

function requirePreset(engine: Library, name: string): Preset {
  const preset = engine.store.presets.getByName(name);
  if (preset === null) {
    const known = engine.store.presets.list().map((item) => item.name);
    throw new CliError(EXIT.usage, `There is no preset named "${name}".${known.length > 0 ? ` Presets: ${known.join(', ')}.` : ' Add one with `presets add FILE`.'}`);
  }
  return preset;
}

/** A preset's field issues on one line: `field: message; field: message`. */
function issuesText(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
}

function requireFolder(engine: Library, given: string): WatchedFolder {
  const wanted = userPath(given);
  const folder = engine.store.folders.list().find((item) => item.path === wanted || String(item.id) === given);
  if (folder === undefined) throw new CliError(EXIT.usage, `${wanted} is not a watched folder. See \`folders list\`.`);
  return folder;
}

async function readJsonFile(given: string): Promise<unknown> {
  const file = userPath(given);
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

function asRecordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function isPresetsExport(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as { format?: unknown }).format === PRESETS_EXPORT_FORMAT;
}

function asFamily(family: string | undefined): ModelFamily | undefined {
  return (MODEL_FAMILIES as readonly string[]).includes(family ?? '') ? (family as ModelFamily) : undefined;
}

/** What checks a request whose family this app has no rules for: Scenario itself, which refuses before charging. */
const SCENARIO_CHECKS = 'Scenario checks each request, and a generation it refuses fails without being charged';
/**
 * When a model's family cannot be known now, its checks (sizes, samples, steps) wait until it is:
 * the engine looks the family up by itself once Scenario answers (family-resolution.ts) and records
 * it on the preset, which is then not valid if its family's rules refuse it.
 */
const FAMILY_CHECKS_LATER = `the checks of its model family (sizes, samples, steps) will run when the model is known: the app, \`watch\` or \`generate\` looks the model up by itself once Scenario can be reached, and a preset its family's rules refuse is then listed as not valid, with the field, and takes no files (until then ${SCENARIO_CHECKS})`;

/**
 * The family a preset file's model belongs to: `family` in the file, else Scenario's answer for
 * `modelId`. A model Scenario does not have is an error; offline (or without credentials) the
 * family checks wait, and the person is told so.
 */
async function familyOfModel(engine: Engine, file: string, givenFamily: unknown, modelId: unknown, out: Output): Promise<string | undefined> {
  if (typeof givenFamily === 'string') return givenFamily;
  if (typeof modelId !== 'string' || modelId === '') return undefined;
  if (engine.client === null) {
    out.warn(`No Scenario credentials, so the model "${modelId}" was not looked up: ${FAMILY_CHECKS_LATER}. Or give "family" in ${file}.`);
    return undefined;
  }
  try {
    const family = await engine.resolveFamily(modelId);
    if (asFamily(family) === undefined && family !== CUSTOM_FAMILY) out.warn(`Scenario's model "${modelId}" is of a family this app has no rules for: ${SCENARIO_CHECKS}.`);
    return family;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    if (error.code === 'not-found') {
      throw new CliError(EXIT.usage, `Scenario has no model "${modelId}" (${file}): copy the model's id from Scenario's web app into "modelId", then try again.`);
    }
    if (error.code === 'auth' || error.code === 'forbidden') throw error;
    out.warn(`Scenario could not be reached to look up the model "${modelId}" (${error.userMessage}): ${FAMILY_CHECKS_LATER}.`);
    return undefined;
  }
}

/**
 * A preset file is the preset's JSON; it may carry `family` (sd-1_5, sd-xl, flux-dev...) beside the
 * fields, otherwise the family is asked from Scenario (the model's type).
 */
async function presetFromFile(engine: Engine, file: string, out: Output): Promise<{ name: string; family: string; preset: unknown }> {
  const raw = await readJsonFile(file);
  if (isPresetsExport(raw)) throw new CliError(EXIT.usage, `${userPath(file)} is a presets export: add its presets with \`presets import ${file}\`.`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError(EXIT.usage, `${file} must hold one JSON object (the preset's fields).`);
  const { family: givenFamily, ...document } = raw as Record<string, unknown>;
  const family = await familyOfModel(engine, file, givenFamily, document.modelId, out);
  const known = asFamily(family);
  // A model that publishes its inputs is checked against them (and goes through the custom endpoint).
  const validation = family === CUSTOM_FAMILY ? checkCustomPreset(engine.store, document) : validatePreset(document, known === undefined ? {} : { family: known });
  if (!validation.ok) {
    throw new CliError(
      EXIT.usage,
      `The preset in ${file} has ${validation.issues.length} error(s):`,
      validation.issues.map((issue) => `${issue.field}: ${issue.message}`),
    );
  }
  return { name: validation.preset.name, family: family ?? 'unknown', preset: validation.preset };
}

/** A day (`2025-01-31`, local midnight) or an ISO time, as epoch milliseconds. */
function parseTime(text: string, option: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const time = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : Date.parse(text);
  if (!Number.isFinite(time)) throw new CliError(EXIT.usage, `${option} ${text} is not a date: use YYYY-MM-DD (local midnight) or an ISO time such as 2025-01-31T14:00.`);
  return time;
}

export interface SelectionOptions {
  search?: string;
  collection?: string;
  preset?: string;
  since?: string;
  before?: string;
}

/** The options that select generations, shared by `history` and `export`. */
function addSelectionOptions(command: Command): Command {
  return command
    .option('--search <text>', 'search prompts, presets, models, tags and file names')
    .option('--preset <name>', 'only this preset')
    .option('--since <date>', 'made on or after this day or time (YYYY-MM-DD, local)')
    .option('--before <date>', 'made before this day or time (YYYY-MM-DD, local)')
    .option('--collection <name>', 'only those in this Scenario collection (known after `sync`)');
}

function selectionOf(engine: Library, options: SelectionOptions): { filters: GalleryFilters; search?: string } {
  const filters: GalleryFilters = {
    ...(options.preset === undefined ? {} : { presetId: requirePreset(engine, options.preset).id }),
    ...(options.since === undefined ? {} : { createdFrom: parseTime(options.since, '--since') }),
    ...(options.before === undefined ? {} : { createdBefore: parseTime(options.before, '--before') }),
    ...(options.collection === undefined ? {} : { collectionId: requireCollection(engine, options.collection) }),
  };
  return { filters, ...(options.search === undefined ? {} : { search: options.search }) };
}

/** The id of a Scenario collection known here (from `sync`), by name. */
function requireCollection(engine: Library, name: string): string {
  const found = engine.store.sync.collections().find((collection) => collection.name.toLowerCase() === name.toLowerCase());
  if (found === undefined) throw new CliError(EXIT.usage, `There is no collection "${name}" here: run \`sync\` to learn the team's collections, or see \`collections list\`.`);
  return found.id;
}

/** Where an imported generation came from, for a listing's line. */
function originText(origin: GenerationOrigin | null, authorId: string | null): string {
  if (origin === null) return '';
  return `  (from ${origin === 'another-machine' ? 'another machine' : "Scenario's web app or a plugin"}${authorId === null ? '' : `, by ${authorId}`})`;
}

/** What an empty listing means: an empty library, or nothing matching what was asked. */
function nothingFound(engine: Library, options: SelectionOptions): string {
  const selective = Object.values(options).some((value) => value !== undefined);
  if (selective && engine.store.galleryPage({ limit: 1 }).items.length > 0) return 'No generations match: change or drop --search, --preset, --since or --before.';
  return 'No generations yet.';
}

/** The most `history` lists at once (the gallery's page size). */
const MAX_LIMIT = 500;

function historyLine(item: GalleryItem): string {
  const when = new Date(item.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  return `#${item.id}  ${item.state.padEnd(15)} ${when}  ${item.presetName}  ${item.inputFileName}  ${item.imageCount} image(s)${item.simulated ? '  (simulated)' : ''}${originText(item.origin, item.authorId)}${item.deletedInScenario ? '  (deleted in Scenario)' : ''}`;
}

function duplicateLine(event: DuplicateEvent): string {
  const when = new Date(event.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  return `-   ${'duplicate'.padEnd(15)} ${when}  ${event.presetName}  ${event.fileName}  same content as #${event.duplicateOf ?? '?'}, not sent again`;
}

interface FolderCommandOptions {
  preset?: string[];
  recursive?: boolean;
  moveProcessed?: boolean;
  processed?: string;
  allowDuplicates?: boolean;
  types?: string;
  /** A modality name, or false for --no-map-first. */
  mapFirst?: string | false;
}

/** `--processed leave|move`, for folders and for the Settings' default. */
export function parseProcessedAction(text: string): ProcessedAction {
  const parsed = processedActionSchema.safeParse(text);
  if (!parsed.success) throw new CliError(EXIT.usage, `--processed ${text} must be "leave" (files stay) or "move" (to _done/, failures to _failed/).`);
  return parsed.data;
}

/** What `folders add` and `folders edit` set besides the presets; only what was given. */
function folderOptionsOf(options: FolderCommandOptions): Partial<FolderOptions> {
  let processedAction = options.processed === undefined ? undefined : parseProcessedAction(options.processed);
  if (options.moveProcessed === true) processedAction = 'move';
  let extensions: string[] | undefined;
  if (options.types !== undefined) {
    extensions = options.types.split(',').map((type) => type.trim().replace(/^\./, '').toLowerCase()).filter(Boolean);
    if (extensions.length === 0 || extensions.some((type) => !/^[a-z0-9]{1,16}$/.test(type))) {
      throw new CliError(EXIT.usage, `--types ${options.types} must list file extensions separated by commas, such as png,jpg,webp.`);
    }
  }
  return {
    ...(options.recursive === undefined ? {} : { recursive: options.recursive }),
    ...(processedAction === undefined ? {} : { processedAction }),
    ...(options.allowDuplicates === undefined ? {} : { allowDuplicates: options.allowDuplicates }),
    ...(extensions === undefined ? {} : { extensions }),
    ...(options.mapFirst === undefined ? {} : { mapFirst: mapModalityOf(options.mapFirst) }),
  };
}

function mapModalityOf(given: string | false): MapModality | null {
  if (given === false) return null;
  if (!isMapModality(given)) throw new CliError(EXIT.usage, `--map-first ${given} is not a map Scenario's detection makes: use ${MAP_MODALITY_NAMES.join(', ')}.`);
  return given;
}

/** One folder for `folders list`/`add`/`edit`: the store's fields and its presets' names. */
function folderView(engine: Library, folder: WatchedFolder): { line: string; data: WatchedFolder & { presets: string[] } } {
  const names = folder.presetIds.map((id) => engine.store.presets.get(id)?.name ?? `#${id}`);
  const { options } = folder;
  const flags = [
    folder.paused ? 'paused' : 'watching',
    options.recursive ? 'recursive' : '',
    options.processedAction === 'move' ? 'move-processed' : '',
    options.allowDuplicates ? 'duplicates allowed' : '',
    options.mapFirst ? `${options.mapFirst} map first` : '',
    `types ${options.acceptedExtensions.map((extension) => extension.replace(/^\./, '')).join(',')}`,
  ].filter(Boolean);
  return { line: `${folder.path}  [${flags.join(', ')}]  presets: ${names.join(', ')}`, data: { ...folder, presets: names } };
}

function addFolderOptions(command: Command): Command {
  return command
    .option('--recursive', 'watch subfolders too')
    .option('--processed <action>', 'what becomes of a processed file: leave, or move (to _done/, failures to _failed/)')
    .option('--allow-duplicates', 'generate again when the same image is dropped again')
    .option('--types <extensions>', 'the file types to take, e.g. png,jpg,webp')
    .option('--map-first <modality>', `make a map of each dropped photo first with Scenario's detection, then generate from it: ${MAP_MODALITY_NAMES.join(', ')}`);
}

export function registerLibraryCommands(program: Command, globals: Globals): void {
  const presets = program.command('presets').description('manage presets (JSON files)');
  presets
    .command('list')
    .description('list presets')
    .action(() =>
      withStore(globals(), async (engine) => {
        const rows = engine.store.presets.list().map((preset) => {
          const version = preset.currentVersion;
          const document = version.preset as Record<string, unknown>;
          const issues = versionIssues(engine.store, version);
          return {
            line: `${preset.name}  v${version.version}  ${version.family}  ${String(document.modelId)}  ${String(document.modality)}${issues.length === 0 ? '' : `  not valid: ${issuesText(issues)}`}`,
            data: { id: preset.id, name: preset.name, version: version.version, family: version.family, preset: document, valid: issues.length === 0, issues },
          };
        });
        outputFor(globals()).document(rows.length === 0 ? ['No presets yet: add one with `presets add FILE`.'] : rows.map((row) => row.line), rows.map((row) => row.data));
      }),
    );
  presets
    .command('show <name>')
    .description("print a preset's JSON")
    .action((name: string) =>
      withStore(globals(), async (engine) => {
        const preset = requirePreset(engine, name);
        process.stdout.write(`${JSON.stringify({ family: preset.currentVersion.family, ...(preset.currentVersion.preset as object) }, null, 2)}\n`);
        // The JSON stays the preset's file (it can be edited and given to `presets edit`): why it is not valid goes to stderr.
        const issues = versionIssues(engine.store, preset.currentVersion);
        if (issues.length > 0) outputFor(globals()).warn(`This preset is not valid, so it takes no files: ${issuesText(issues)} Fix it, then save it again with \`presets edit\`.`);
        if (preset.currentVersion.family === CUSTOM_FAMILY) {
          const changes = inputsChangesOf(engine.store, preset.currentVersion.preset as object);
          if (changes.length > 0) outputFor(globals()).warn(`The model's inputs changed since this preset was checked: ${changes.join(' ')} Check the preset and save it again with \`presets edit\`.`);
        }
      }),
    );
  presets
    .command('add <file>')
    .description("add a preset from a JSON file (errors are listed per field; the model is looked up at Scenario); an export file goes to `presets import`")
    .action((file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const out = outputFor(globals());
        const draft = await presetFromFile(engine, file, out);
        const preset = engine.store.presets.create(draft);
        out.line(`Added preset "${preset.name}" (${draft.family}).`, { id: preset.id, name: preset.name, family: draft.family });
      }),
    );
  presets
    .command('edit <name> <file>')
    .description('save a new version of a preset from a JSON file')
    .action((name: string, file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const out = outputFor(globals());
        const preset = requirePreset(engine, name);
        const updated = engine.store.presets.update(preset.id, await presetFromFile(engine, file, out));
        out.line(`Preset "${updated.name}" is now version ${updated.currentVersion.version}.`, { id: updated.id, version: updated.currentVersion.version });
      }),
    );
  presets
    .command('import <file>')
    .description('import presets exported by this app (a single preset file goes to `presets add`)')
    .action((file: string) =>
      withEngine(globals(), readOnly, async (engine) => {
        const document = await readJsonFile(file);
        if (!isPresetsExport(document)) {
          throw new CliError(EXIT.usage, `${userPath(file)} is not a presets export (made by \`presets export\` or the window's Export). For a single preset's JSON, use \`presets add ${file}\`.`);
        }
        const results = engine.store.presets.importPresets(document);
        outputFor(globals()).document(
          results.map((result) => `${result.outcome}: ${result.name}`),
          results.map((result) => ({ ...result })),
        );
      }),
    );
  presets
    .command('export <name> [file]')
    .description('export a preset (to FILE or the standard output)')
    .action((name: string, file: string | undefined) =>
      withEngine(globals(), readOnly, async (engine) => {
        const text = `${JSON.stringify(engine.store.presets.exportPresets([requirePreset(engine, name).id]), null, 2)}\n`;
        if (file === undefined) process.stdout.write(text);
        else await writeFile(userPath(file), text);
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
      withStore(globals(), async (engine) => {
        const views = engine.store.folders.list().map((folder) => folderView(engine, folder));
        outputFor(globals()).document(views.length === 0 ? ['No watched folders: add one with `folders add FOLDER --preset NAME`.'] : views.map((view) => view.line), views.map((view) => view.data));
      }),
    );
  addFolderOptions(
    folders
      .command('add <path>')
      .description('watch an existing folder with one or more presets (options not given take the defaults of `settings`)')
      .requiredOption('--preset <name>', 'preset to apply (repeat for several)', repeatable)
      .option('--move-processed', 'the same as --processed move'),
  ).action((folderPath: string, options: FolderCommandOptions & { preset: string[] }) =>
    withFolderTarget(globals(), async (target) => {
      const presetIds = options.preset.map((name) => requirePreset(target.library, name).id);
      const { folder, watchedNow } = await target.add({ path: userPath(folderPath), presetIds, options: folderOptionsOf(options) });
      const when =
        target.runningPid === null
          ? '(run `watch` to start; `watch` and the app watch it from their next start)'
          : watchedNow
            ? `(the running engine, process ${target.runningPid}, watches it now)`
            : `(the running engine, process ${target.runningPid}, watches only the folders it was started with: \`watch ${folder.path}\` watches it)`;
      outputFor(globals()).line(`Watching ${folder.path} ${when}.`, { ...folderView(target.library, folder).data });
    }),
  );
  addFolderOptions(
    folders
      .command('edit <path>')
      .description("change a watched folder's presets and options; only what is given changes")
      .option('--preset <name>', 'the presets to apply, replacing the current ones (repeat for several)', repeatable),
  )
    // After their positive forms: commander defaults an option defined by its --no- form alone to true.
    .option('--no-recursive', 'watch the folder itself only')
    .option('--no-allow-duplicates', 'skip an image already generated with the same preset')
    .option('--no-map-first', 'take dropped images as maps again')
    .action((folderPath: string, options: FolderCommandOptions) =>
      withFolderTarget(globals(), async (target) => {
        const folder = requireFolder(target.library, folderPath);
        const presetIds = options.preset?.map((name) => requirePreset(target.library, name).id);
        const change = folderOptionsOf(options);
        if (presetIds === undefined && Object.keys(change).length === 0) {
          throw new CliError(EXIT.usage, 'Nothing to change: give --preset, --recursive/--no-recursive, --processed, --allow-duplicates/--no-allow-duplicates, --types or --map-first/--no-map-first.');
        }
        const view = folderView(target.library, await target.update(folder.id, { ...(presetIds === undefined ? {} : { presetIds }), options: change }));
        const when = target.runningPid === null ? '(a watcher applies it at its next start)' : `(the running engine, process ${target.runningPid}, applies it now)`;
        outputFor(globals()).line(`Changed ${view.line} ${when}.`, { ...view.data });
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
        withFolderTarget(globals(), async (target) => {
          const folder = requireFolder(target.library, folderPath);
          if (name === 'remove') await target.remove(folder.id);
          else await target.setPaused(folder.id, name === 'pause');
          outputFor(globals()).line(`${name === 'remove' ? 'Removed' : name === 'pause' ? 'Paused' : 'Resumed'} ${folder.path}.`);
        }),
      );
  }

  addSelectionOptions(program.command('history').description('list past generations, newest first'))
    .option('--limit <n>', `how many (1 to ${MAX_LIMIT})`, '20')
    .action((options: SelectionOptions & { limit: string }) =>
      withStore(globals(), async (engine) => {
        const limit = parseWholeNumber(options.limit, '--limit', 1, MAX_LIMIT);
        const { limit: _limit, ...selection } = options;
        const { filters, search } = selectionOf(engine, selection);
        const page = engine.store.galleryPage({ filters, ...(search === undefined ? {} : { search }), limit });
        // Copies not sent again are part of what happened, under their own names.
        const duplicates = engine.store.inputEvents.listDuplicates({ ...filters, ...(search === undefined ? {} : { search }), limit });
        const entries = [...page.items.map((item) => ({ type: 'generation' as const, ...item })), ...duplicates.map((event) => ({ type: 'duplicate' as const, ...event }))]
          .sort((a, b) => b.createdAt - a.createdAt)
          .slice(0, limit);
        const lines = entries.length === 0 ? [nothingFound(engine, selection)] : entries.map((entry) => (entry.type === 'generation' ? historyLine(entry) : duplicateLine(entry)));
        outputFor(globals()).document(lines, entries);
      }),
    );

  program
    .command('show <generationId>')
    .description('everything about one generation: request, seed, job, images')
    .option('--full', "download the full images of a team member's generation of which only thumbnails are here (needs the Scenario key)")
    .action(async (idText: string, options: { full?: boolean }) => {
      if (options.full === true) await fetchFullImages(globals(), idText);
      await withStore(globals(), async (engine) => {
        const detail = engine.store.generationDetail(requireGeneration(engine, idText).id);
        const { generation, input, presetVersion, images } = detail;
        const imagePaths = images.map((image) => absoluteLibraryPath(engine.libraryRoot, image.relPath));
        const lines = [
          `Generation #${generation.id}: ${generation.state}${generation.simulated ? ' (simulated)' : ''}${originText(generation.origin, generation.authorId)}${generation.deletedInScenarioAt === null ? '' : '  (deleted in Scenario: its files here are kept)'}`,
          ...(generation.notReproducible ? [`  cannot be reproduced here: ${generation.notReproducible}`] : []),
          `  input     ${input.originalPath} (sha256 ${input.sha256.slice(0, 12)}…)`,
          `  preset    ${presetVersion.name} v${presetVersion.version} (${generation.family})`,
          `  model     ${generation.modelId}   seed ${generation.seed ?? '-'}`,
          `  prompt    ${generation.prompt}`,
          ...Object.entries(generation.overrides ?? {}).map(([field, used]) => `  sidecar   ${field}: ${JSON.stringify(asRecordOf(presetVersion.preset)[field] ?? null)} → ${JSON.stringify(used)}`),
          `  job       ${generation.jobId ?? '-'}   cost ${generation.costCu ?? '-'} CU`,
          ...(generation.errorMessage ? [`  reason    ${generation.errorMessage}`] : []),
          `  request   ${generation.requestJson}`,
          ...images.flatMap((image, index) => [
            `  image     ${imagePaths[index] ?? ''}`,
            ...(isThumbnailOnly(image) ? [`            only its thumbnail is here: \`show ${generation.id} --full\` downloads the image`] : []),
          ]),
        ];
        outputFor(globals()).document(lines, { ...detail, imagePaths });
      });
    });
}

/** An imported image whose full file comes on demand (see src/main/sync/images.ts). */
function isThumbnailOnly(image: { missing: boolean; thumbRelPath: string | null; assetId: string | null }): boolean {
  return image.missing && image.thumbRelPath !== null && image.assetId !== null;
}

/** `show --full`: the generation's thumbnail-only images downloaded whole, by the engine that holds the library or by this process. */
async function fetchFullImages(globals: GlobalOptions, idText: string): Promise<void> {
  const wanted = await withStore(globals, async (library) => {
    const generation = requireGeneration(library, idText);
    return library.store.images.listForGeneration(generation.id).filter(isThumbnailOnly).map((image) => image.id);
  });
  if (wanted.length === 0) return;
  // No key here is configuration; an image Scenario no longer has is a failure of that image.
  const cliError = (code: string, message: string) => new CliError(code === 'image.no-connection' ? EXIT.config : EXIT.failures, message);
  const attached = await attachToHolder(homeOf(globals));
  if (attached !== null) {
    try {
      for (const imageId of wanted) await attached.api.images.fetchFull({ imageId: String(imageId) });
    } catch (error) {
      const { IpcError } = await import('../../shared/ipc/errors');
      if (error instanceof IpcError) throw cliError(error.code, error.userMessage);
      throw error;
    } finally {
      attached.close();
    }
    return;
  }
  const { FullImageError } = await import('../sync/images');
  await withEngine(globals, { run: false, lock: true, needsCredentials: true }, async (engine) => {
    try {
      for (const imageId of wanted) await engine.fullImages.fetch(imageId);
    } catch (error) {
      throw error instanceof FullImageError ? cliError(error.code, error.userMessage) : error;
    }
  });
}

/** Records a watched folder (an existing one) for `folders add` and `watch FOLDER --preset`. */
export async function addFolder(engine: Engine, folderPath: string, options: FolderCommandOptions & { preset: string[] }): Promise<WatchedFolder> {
  const presetIds = options.preset.map((name) => requirePreset(engine, name).id);
  const { addWatchedFolder } = await import('../engine/handlers-folders');
  return addWatchedFolder(engine.store, { path: userPath(folderPath), presetIds, options: folderOptionsOf(options) });
}

export { addSelectionOptions, nothingFound, requirePreset, requireFolder, selectionOf };
