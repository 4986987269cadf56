/**
 * The one IPC contract between the engine and every window (Electron or browser bridge).
 *
 * Every request channel is `{ input, output }` and every engine → window event is `{ payload }`,
 * all in `contract` below. The typed client, the dispatcher, the preload and the bridge are all
 * built by iterating this object: adding a channel here is the whole job of adding a channel.
 *
 * Everything here is plain data (strings, numbers, booleans, arrays, objects) so it survives both
 * structured clone (Electron) and JSON (WebSocket bridge). Times are ISO 8601 strings; binary
 * data is base64. Paths inside the library are `relPath`s (forward slashes, relative to the
 * library root); windows build image URLs as `app.info().libraryUrlBase + relPath`.
 */
import { z } from 'zod';
import { GENERATION_KINDS, GENERATION_STATES } from '../generation';
import { MAP_MODALITY_NAMES } from '../detect';
import { customPresetSchema, modelInputSchema } from '../model-inputs/index';
import { MODEL_FAMILIES, presetSchema, type FieldIssue, type ModelFamily } from '../preset/index';
import { ipcErrorSchema } from './errors';

// ---------------------------------------------------------------- building blocks

const id = z.string().min(1).max(200);
const isoTime = z.string().min(1);
const nothing = z.void();

const pathText = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'must not contain a NUL character');

/** A path relative to the library root. The main side still resolves it inside the library. */
export const relPathSchema = pathText;

/** An absolute path on the user's disk (a watched folder, a dropped file). */
const absolutePath = pathText;

const byId = z.object({ id });

export const modelFamilySchema = z.enum(MODEL_FAMILIES as readonly [ModelFamily, ...ModelFamily[]]);

/**
 * A preset of either kind: a ControlNet preset (its family's rules), or a custom-model preset
 * (flat values of the model's own inputs). The engine checks either against its model.
 */
export const anyPresetSchema = z.union([presetSchema, customPresetSchema]);

/** One problem in a preset draft, tied to the form field that has it. */
export const fieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
}) satisfies z.ZodType<FieldIssue>;

// ---------------------------------------------------------------- app

export const appInfoSchema = z.object({
  version: z.string(),
  platform: z.string(),
  /** Prefix for library files: `library://local/` in Electron, `http://127.0.0.1:port/library/` in the bridge. */
  libraryUrlBase: z.string(),
  usingSimulator: z.boolean(),
  dataFolder: z.string(),
  /** The host drags library files out to other apps itself (the desktop app): the window hands the drag to `library.startDrag`. */
  nativeFileDrag: z.boolean().optional(),
  /** Set when the window works on the engine of another process that holds the library (a headless watcher): what to tell the person. */
  attachedTo: z.string().nullable().optional(),
  /** The host has a native folder picker (app.pickFolder, the desktop app); absent: the window asks for a typed path. */
  nativeFolderPicker: z.boolean().optional(),
});

// ---------------------------------------------------------------- presets

export const presetSummarySchema = z.object({
  id,
  name: z.string(),
  modelId: z.string(),
  family: modelFamilySchema.nullable(),
  /** Sent through /generate/custom/{modelId}: its model describes its own inputs. */
  custom: z.boolean().optional(),
  modality: z.string(),
  version: z.number().int().positive(),
  updatedAt: isoTime,
  folderCount: z.number().int().nonnegative(),
  generationCount: z.number().int().nonnegative(),
  /** Why its current version takes no files (its family's rules, or its model's inputs); absent or empty when it runs. */
  issues: z.array(fieldIssueSchema).optional(),
});

export const presetVersionSchema = z.object({
  version: z.number().int().positive(),
  createdAt: isoTime,
  /** Generations in the library (not the trash) made with this version. */
  generationCount: z.number().int().nonnegative(),
});

export const presetDetailSchema = z.object({
  id,
  version: z.number().int().positive(),
  createdAt: isoTime,
  updatedAt: isoTime,
  preset: anyPresetSchema,
  versions: z.array(presetVersionSchema),
  /** For a custom-model preset: what changed in the model's inputs since it was checked (one sentence each). */
  inputsChanges: z.array(z.string()).optional(),
  folders: z.array(z.object({ id, path: z.string() })),
});

export const costEstimateSchema = z.object({
  creativeUnitsCost: z.number().nonnegative(),
  creativeUnitsDiscount: z.number().nonnegative().nullable(),
});

// ---------------------------------------------------------------- folders

export const processedActionSchema = z.enum(['leave', 'move']);

export const folderOptionsSchema = z.object({
  recursive: z.boolean(),
  /** Lower-case extensions without the dot, e.g. `png`. */
  extensions: z.array(z.string().min(1).max(16)).min(1),
  processedAction: processedActionSchema,
  /** Generate again when a file with the same content lands a second time. */
  allowDuplicates: z.boolean(),
  /** "Make a <modality> map first": each dropped photo becomes a map through Scenario's detection. */
  mapFirst: z.enum(MAP_MODALITY_NAMES).nullable().optional(),
});

export const folderStateSchema = z.enum(['watching', 'paused', 'missing', 'error']);

export const folderSchema = z.object({
  id,
  path: z.string(),
  presetIds: z.array(id),
  options: folderOptionsSchema,
  state: folderStateSchema,
  /** Why the folder is `missing` or in `error`, for a person. */
  message: z.string().nullable(),
  pendingCount: z.number().int().nonnegative(),
});

// ---------------------------------------------------------------- generations

export const generationStateSchema = z.enum(GENERATION_STATES);

export const generationKindSchema = z.enum(GENERATION_KINDS);

export const generationImageSchema = z.object({
  /** For images.trash. */
  id,
  relPath: relPathSchema,
  thumbRelPath: relPathSchema.nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  assetId: z.string().nullable(),
  /** The file is gone from the library (deleted outside the app): show a placeholder. */
  missing: z.boolean(),
  /**
   * Only its thumbnail is here (an imported image whose full file comes on demand): show the
   * thumbnail, and ask images.fetchFull for the file. Absent means false.
   */
  thumbnailOnly: z.boolean().optional(),
});

/** Where an imported generation was made: another machine (a complete body, as this app sends), or Scenario's web app or a plugin. */
export const generationOriginSchema = z.enum(['another-machine', 'web-app-or-plugin']);
export type GenerationOrigin = z.infer<typeof generationOriginSchema>;
/** A control image in the library; its size (null when unread) keeps a tile's shape before any output exists. */
export const controlImageSchema = z.object({
  relPath: relPathSchema,
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
});

export const generationSummarySchema = z.object({
  id,
  kind: generationKindSchema,
  state: generationStateSchema,
  presetId: id,
  presetName: z.string(),
  folderId: id.nullable(),
  inputName: z.string(),
  prompt: z.string(),
  modelId: z.string(),
  modelName: z.string().nullable(),
  family: z.string(),
  modality: z.string(),
  /** The first output, for gallery tiles; null until an image exists. */
  cover: generationImageSchema.nullable(),
  /** The control image's library copy: what a tile shows while its generation runs or after it failed. */
  control: controlImageSchema.nullable().optional(),
  /** Why the generation failed or was canceled, when it did. */
  error: ipcErrorSchema.nullable().optional(),
  imageCount: z.number().int().nonnegative(),
  favourite: z.boolean(),
  rating: z.number().int().min(0).max(5),
  /** Alphabetical; tiles show the first few. */
  tags: z.array(z.string()),
  creativeUnitsCost: z.number().nonnegative().nullable(),
  /** Made by the built-in simulator, not by Scenario: labelled wherever it appears. */
  simulated: z.boolean(),
  /** Null when made here; else imported from the team's Scenario history (see `sync`). */
  origin: generationOriginSchema.nullable(),
  /** Scenario's id of the member who made an imported generation. */
  author: z.string().nullable(),
  createdAt: isoTime,
  /** The generation it reproduces or varies. */
  parentId: id.nullable().optional(),
  /** How many live reproductions and variations were made from it: its stack in a stacked grid. */
  stackSize: z.number().int().nonnegative().optional(),
});

export const generationFiltersSchema = z.object({
  presetId: id.optional(),
  folderId: id.optional(),
  modelId: z.string().optional(),
  family: z.string().optional(),
  modality: z.string().optional(),
  states: z.array(generationStateSchema).optional(),
  favourite: z.boolean().optional(),
  minRating: z.number().int().min(0).max(5).optional(),
  tag: z.string().optional(),
  /** Inclusive lower and exclusive upper bounds on the creation time. */
  createdFrom: isoTime.optional(),
  createdBefore: isoTime.optional(),
  /** Show the trash instead of the live library. */
  trashed: z.boolean().optional(),
  /** Generations with an image in this Scenario collection (its id). */
  collectionId: z.string().max(200).optional(),
  /** Only imported generations (true) or only those made here (false). */
  imported: z.boolean().optional(),
});

const generationQuery = z.object({
  filters: generationFiltersSchema.optional(),
  /** Full-text search over prompt, preset, model, tags and file names. */
  search: z.string().max(500).optional(),
});

export const generationPageInputSchema = generationQuery.extend({
  /** Opaque; from the previous page's `nextCursor`. */
  cursor: z.string().max(1000).nullable().optional(),
  limit: z.number().int().min(1).max(500),
  /**
   * Reproductions and variations stacked under the generation they came from: one made from a
   * live generation is left out of the page, and counted in its parent's `stackSize`. A display
   * choice, not a filter: the facet counts still count every generation.
   */
  stacked: z.boolean().optional(),
});

const facet = <V extends z.ZodType>(value: V) => z.array(z.object({ value, label: z.string(), count: z.number().int().nonnegative() }));

export const generationFacetsSchema = z.object({
  total: z.number().int().nonnegative(),
  presets: facet(id),
  models: facet(z.string()),
  families: facet(z.string()),
  modalities: facet(z.string()),
  folders: facet(id),
  states: facet(generationStateSchema),
  tags: facet(z.string()),
  favourites: z.number().int().nonnegative(),
});

export const relatedGenerationSchema = z.object({
  id,
  kind: generationKindSchema,
  state: generationStateSchema,
  seed: z.string().nullable(),
  createdAt: isoTime,
  /** Its first output: the lineage shows it as a thumbnail. */
  cover: generationImageSchema.nullable().optional(),
});

export const generationDetailSchema = generationSummarySchema.extend({
  presetVersion: z.number().int().positive(),
  /** The preset exactly as it was used (its version's snapshot). */
  preset: z.record(z.string(), z.unknown()),
  /** The exact canonical request body sent to Scenario (never any credential). */
  request: z.record(z.string(), z.unknown()),
  /** Null when the model has no seed input (then it cannot be varied). */
  seed: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  /** Preset fields this file's sidecars changed: the preset's value and the one used. */
  overrides: z.array(z.object({ field: z.string(), preset: z.unknown(), used: z.unknown() })).optional(),
  images: z.array(generationImageSchema),
  input: z.object({
    /** Null when the file was refused before it was copied into the library (e.g. over 50 MB). */
    relPath: relPathSchema.nullable(),
    /** No library copy to show: deleted outside the app, or never made (then relPath is null). */
    missing: z.boolean(),
    name: z.string(),
    originalPath: z.string(),
    sha256: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    /** For a map Scenario's detection made from a photo: the map's modality and the photo (lineage photo → map → generation). */
    madeFrom: z.object({ modality: z.string(), photoName: z.string(), photoPath: z.string(), photoSha256: z.string() }).nullable().optional(),
  }),
  jobId: z.string().nullable(),
  /** The control image's asset id at Scenario. */
  imageAssetId: z.string().nullable(),
  submittedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  error: ipcErrorSchema.nullable(),
  parent: relatedGenerationSchema.nullable(),
  children: z.array(relatedGenerationSchema),
  /** Why an imported generation cannot be sent again through this app; null when it can be reproduced. */
  notReproducible: z.string().nullable(),
});

/** One version of a preset, read-only: its values as saved and the generations made with it. */
export const presetVersionDetailSchema = z.object({
  presetId: id,
  version: z.number().int().positive(),
  createdAt: isoTime,
  /** The preset's newest version: what its folders run now. */
  current: z.boolean(),
  /** The preset document exactly as this version saved it (it may predate today's rules). */
  preset: z.record(z.string(), z.unknown()),
  generationCount: z.number().int().nonnegative(),
  /** The newest of those generations (a bounded list; `generationCount` says how many in all). */
  generations: z.array(relatedGenerationSchema.extend({ inputName: z.string(), cover: generationImageSchema.nullable() })),
});

const tagName = z.string().trim().min(1).max(100);

/** Files per `generations.generateFromFiles` call; a window sends a larger drop in parts. */
export const MAX_FILES_PER_GENERATE_CALL = 1000;

export const pngRecallSchema = z.object({
  /** The parameters embedded in the PNG by this app, or null when the file carries none. */
  parameters: z.record(z.string(), z.unknown()).nullable(),
  /** The generation the file came from, when it is still in this library. */
  generationId: id.nullable(),
});

/** One undoable batch in the app's trash: whole generations, or images taken one by one. */
export const trashBatchSchema = z.object({
  id,
  createdAt: isoTime,
  /** Generations in the batch (for a batch of images: those it emptied). */
  generations: z.number().int().nonnegative(),
  /** Images moved to the trash one by one in the batch. */
  images: z.number().int().nonnegative(),
  /** Up to four pictures of it, where they lie in the trash. */
  previews: z.array(relPathSchema),
});

/** Batches older than this many days go when the trash is emptied, unless the person set otherwise. */
export const DEFAULT_TRASH_RETENTION_DAYS = 30;
const retentionDays = z.number().int().min(1).max(3650);

// ---------------------------------------------------------------- queue

export const waitingReasonSchema = z.enum(['paused', 'credentials', 'network', 'rate-limit', 'budget', 'model', 'disk', 'outcome-unknown']);

export const waitingSchema = z.object({
  reason: waitingReasonSchema,
  message: z.string(),
  /** When the engine will try again by itself, if it knows. */
  retryAt: isoTime.nullable(),
});

export const queueJobSchema = z.object({
  generationId: id,
  presetName: z.string(),
  inputName: z.string(),
  state: generationStateSchema,
  /** 0 to 1 while Scenario reports progress, otherwise null. */
  progress: z.number().min(0).max(1).nullable(),
  waiting: waitingSchema.nullable(),
  updatedAt: isoTime,
  /** The control image's library copy (null when the file was refused before it was copied): the row's thumbnail. */
  controlRelPath: relPathSchema.nullable().optional(),
});

export const budgetStatusSchema = z.object({
  dailyLimit: z.number().nonnegative().nullable(),
  monthlyLimit: z.number().nonnegative().nullable(),
  spentToday: z.number().nonnegative(),
  spentThisMonth: z.number().nonnegative(),
});

export const queueStatusSchema = z.object({
  paused: z.boolean(),
  /** Why the whole queue waits (user pause, no network, budget reached), or null. */
  waiting: waitingSchema.nullable(),
  jobs: z.array(queueJobSchema),
  counts: z.object({
    waiting: z.number().int().nonnegative(),
    active: z.number().int().nonnegative(),
    doneToday: z.number().int().nonnegative(),
    failedToday: z.number().int().nonnegative(),
  }),
  budget: budgetStatusSchema,
});

/**
 * Something the engine tells the person outside any one generation: a file it looked at and did
 * not turn into a generation (unreadable, vanished, a duplicate, no valid preset bound), or a
 * warning (a processed file that could not be moved, a thumbnail that failed). `id` grows with
 * each notice, so a window merges the list it asked for with the events that follow.
 */
export const engineNoticeSchema = z.object({
  id: z.number().int().positive(),
  kind: z.enum(['skipped', 'warning']),
  /** The file concerned, when there is one. */
  path: z.string().nullable(),
  /** Why a file was skipped (e.g. duplicate, input-unreadable), null for a warning. */
  reason: z.string().nullable(),
  message: z.string(),
  at: isoTime,
});

/**
 * One thing the pipeline did, in its own words: what a command line prints line by line. Sent
 * only on the engine's local socket, to clients that follow the work (the CLI attached to a
 * running engine); windows use the events built for them (queue.changed, generation.done...).
 */
export const engineActivitySchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('job.added'), generationId: id, inputName: z.string(), presetName: z.string() }),
  z.object({ event: z.literal('job.state'), generationId: id, state: generationStateSchema, message: z.string().nullable() }),
  z.object({ event: z.literal('job.progress'), generationId: id, state: generationStateSchema, progress: z.number().min(0).max(1).nullable() }),
  z.object({ event: z.literal('job.done'), generationId: id, imagePaths: z.array(z.string()) }),
  z.object({ event: z.literal('job.failed'), generationId: id, code: z.string(), message: z.string() }),
  /** A file not turned into a generation; `folder` is the watched folder it arrived in, null for a file named by a person. */
  z.object({ event: z.literal('input.skipped'), path: z.string(), folder: z.string().nullable(), reason: z.string(), message: z.string() }),
  z.object({ event: z.literal('input.moved'), from: z.string(), to: z.string() }),
  z.object({ event: z.literal('queue.paused'), waiting: waitingSchema }),
  z.object({ event: z.literal('queue.resumed'), after: waitingReasonSchema }),
  z.object({ event: z.literal('warning'), message: z.string() }),
]);

// ---------------------------------------------------------------- settings, credentials, models

export const settingsSchema = z.object({
  concurrency: z.number().int().min(1).max(16),
  /** Creative units per day / month; null means no limit. */
  dailyBudget: z.number().nonnegative().nullable(),
  monthlyBudget: z.number().nonnegative().nullable(),
  libraryLocation: z.string().min(1),
  defaultProcessedAction: processedActionSchema,
  /**
   * The full files of the team's imported generations: 'on-demand' (thumbnails first, the file
   * when opened) or 'always'. Absent means 'on-demand', the default: settings read as before until it is changed.
   */
  syncFullImages: z.enum(['on-demand', 'always']).optional(),
});

export const credentialsStatusSchema = z.object({
  stored: z.boolean(),
  /** Whether the OS keychain can protect a secret here. */
  backendOk: z.boolean(),
  /** A person-readable reason when `backendOk` is false, or null. */
  backendMessage: z.string().nullable(),
  /** The last characters of the stored API key (never the secret), to tell keys apart. */
  apiKeyHint: z.string().nullable(),
});

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
});

export const modelSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Null for a model that publishes its own inputs (it goes through /generate/custom/{modelId}). */
  family: modelFamilySchema.nullable(),
  type: z.string(),
  /** The inputs the model publishes, which a custom-model preset's form is made from. */
  inputs: z.array(modelInputSchema).optional(),
  /** The model's thumbnail cached in the library (the window loads nothing remote); null shows its initials. */
  thumbnailRelPath: relPathSchema.nullable(),
});

export const modelListSchema = z.object({
  models: z.array(modelSchema),
  /** When the list was fetched from Scenario; the cached copy is served offline. */
  fetchedAt: isoTime.nullable(),
  fromCache: z.boolean(),
});

// ---------------------------------------------------------------- the contract

const channel = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const event = <P extends z.ZodType>(payload: P) => ({ payload });

export const contract = {
  channels: {
    'app.info': channel(nothing, appInfoSchema),
    /**
     * Switches the engine to the built-in simulator (`simulator: true`) or to Scenario with the
     * stored key. Refused (`connection.busy`) while generations are unfinished. app.info tells the result.
     */
    'app.useSimulator': channel(z.object({ simulator: z.boolean() }), nothing),
    /** The host's own folder picker (when app.info's nativeFolderPicker); null when the person cancelled it. */
    'app.pickFolder': channel(nothing, z.object({ path: absolutePath.nullable() })),

    'presets.list': channel(nothing, z.array(presetSummarySchema)),
    'presets.get': channel(byId, presetDetailSchema),
    'presets.create': channel(z.object({ preset: anyPresetSchema }), presetDetailSchema),
    /** Saves a new version; generations keep pointing at the version they used. */
    'presets.update': channel(z.object({ id, preset: anyPresetSchema }), presetDetailSchema),
    'presets.duplicate': channel(z.object({ id, name: z.string().min(1).max(200).optional() }), presetDetailSchema),
    'presets.delete': channel(byId, nothing),
    /** Takes any draft (even one the schema rejects) and explains every problem by field. */
    'presets.validate': channel(z.object({ preset: z.unknown() }), z.object({ issues: z.array(fieldIssueSchema) })),
    'presets.dryRunCost': channel(z.object({ preset: anyPresetSchema }), costEstimateSchema),
    'presets.import': channel(z.object({ json: z.string().min(1).max(1_000_000) }), presetDetailSchema),
    'presets.export': channel(byId, z.object({ json: z.string(), fileName: z.string() })),
    /** One past (or the current) version, read-only. */
    'presets.version': channel(z.object({ id, version: z.number().int().positive() }), presetVersionDetailSchema),
    /** Saves that version's values as a new version (the name stays the preset's current one); no version is ever rewritten. */
    'presets.restoreVersion': channel(z.object({ id, version: z.number().int().positive() }), presetDetailSchema),

    'folders.list': channel(nothing, z.array(folderSchema)),
    'folders.add': channel(
      z.object({ path: absolutePath, presetIds: z.array(id).min(1), options: folderOptionsSchema.partial().optional() }),
      folderSchema,
    ),
    'folders.update': channel(
      z.object({ id, presetIds: z.array(id).min(1).optional(), options: folderOptionsSchema.partial().optional() }),
      folderSchema,
    ),
    'folders.remove': channel(byId, nothing),
    'folders.pause': channel(byId, folderSchema),
    'folders.resume': channel(byId, folderSchema),

    'generations.page': channel(
      generationPageInputSchema,
      z.object({ items: z.array(generationSummarySchema), nextCursor: z.string().nullable() }),
    ),
    'generations.facets': channel(generationQuery, generationFacetsSchema),
    'generations.detail': channel(byId, generationDetailSchema),
    /** Same preset version, same seed, same control image: the exact request again. */
    'generations.reproduce': channel(byId, z.object({ generationId: id })),
    /** Same request with a new seed (random unless given). */
    'generations.vary': channel(z.object({ id, seed: z.string().max(20).optional() }), z.object({ generationId: id })),
    'generations.setFavourite': channel(z.object({ id, favourite: z.boolean() }), nothing),
    'generations.setRating': channel(z.object({ id, rating: z.number().int().min(0).max(5) }), nothing),
    'generations.tag': channel(z.object({ ids: z.array(id).min(1), tag: tagName }), nothing),
    'generations.untag': channel(z.object({ ids: z.array(id).min(1), tag: tagName }), nothing),
    /** Moves to the app's trash as one batch, so one undo restores them all. */
    'generations.trash': channel(z.object({ ids: z.array(id).min(1) }), z.object({ batchId: id, count: z.number().int().nonnegative() })),
    /** Restores a batch of either kind: generations, or images (counted as such). */
    'generations.undoTrash': channel(z.object({ batchId: id }), z.object({ restored: z.number().int().nonnegative() })),
    /**
     * Moves single images to the app's trash as one batch (undone by generations.undoTrash); their
     * generations keep their other images, and a generation left with none goes into the batch too.
     */
    'images.trash': channel(z.object({ imageIds: z.array(id).min(1) }), z.object({ batchId: id, count: z.number().int().nonnegative() })),
    /**
     * The image with its full file in the library: an imported image of which only the thumbnail
     * is here is downloaded from Scenario now (once, however often it is asked).
     */
    'images.fetchFull': channel(z.object({ imageId: id }), generationImageSchema),
    'generations.export': channel(
      z.union([z.object({ ids: z.array(id).min(1) }), generationQuery.extend({ filters: generationFiltersSchema })]),
      z.object({ zipPath: z.string(), count: z.number().int().nonnegative() }),
    ),
    'generations.recallFromPng': channel(
      z.union([z.object({ path: absolutePath }), z.object({ bytesBase64: z.string().min(1).max(80_000_000) })]),
      pngRecallSchema,
    ),
    /** Drag-and-drop: queue these files once each with one preset, outside any watched folder. */
    'generations.generateFromFiles': channel(
      /** `seed`: every file with this seed instead of the preset's (the CLI's `generate --seed`). */
      z.object({ paths: z.array(absolutePath).min(1).max(MAX_FILES_PER_GENERATE_CALL), presetId: id, seed: z.string().max(20).optional() }),
      z.object({ generationIds: z.array(id), skipped: z.array(z.object({ path: z.string(), reason: z.string() })) }),
    ),

    /** What the trash holds, newest batch first, and after how many days emptying it deletes a batch. */
    'trash.list': channel(nothing, z.object({ batches: z.array(trashBatchSchema), retentionDays })),
    /** Deletes for good the batches trashed more than `olderThanDays` ago (the saved retention when not given). */
    'trash.empty': channel(
      z.object({ olderThanDays: z.number().int().min(0).max(3650).optional() }),
      z.object({ generations: z.number().int().nonnegative(), images: z.number().int().nonnegative() }),
    ),
    /** Saves after how many days emptying the trash deletes a batch. */
    'trash.setRetention': channel(z.object({ days: retentionDays }), z.object({ retentionDays })),

    'queue.status': channel(nothing, queueStatusSchema),
    /** The engine's most recent notices (skipped files, warnings), oldest first; new ones arrive as engine.notice. */
    'queue.notices': channel(nothing, z.array(engineNoticeSchema)),
    /** Forgets the notices up to and including `throughId` (the ones the person read). */
    'queue.clearNotices': channel(z.object({ throughId: z.number().int().positive() }), nothing),
    'queue.cancel': channel(z.object({ generationId: id }), nothing),
    'queue.retry': channel(z.object({ generationId: id }), nothing),
    'queue.pauseAll': channel(nothing, nothing),
    'queue.resumeAll': channel(nothing, nothing),

    'settings.get': channel(nothing, settingsSchema),
    'settings.update': channel(settingsSchema.partial(), settingsSchema),

    'credentials.status': channel(nothing, credentialsStatusSchema),
    'credentials.save': channel(
      z.object({ apiKey: z.string().trim().min(1).max(500), apiSecret: z.string().trim().min(1).max(500) }),
      credentialsStatusSchema,
    ),
    'credentials.clear': channel(nothing, credentialsStatusSchema),
    'credentials.testConnection': channel(nothing, connectionTestSchema),

    /** ControlNet-capable models; `refresh` asks Scenario again instead of the cached list. */
    'models.list': channel(z.object({ refresh: z.boolean().optional() }).optional(), modelListSchema),

    /**
     * One sync of the team's history on the engine that holds the library (the `sync` command
     * beside a running app or watcher), in turn with the engine's own; progress comes as
     * sync.progress and sync.waiting events. Fails with the code `unreachable` or `interrupted`
     * (sync.stop) when it stopped before its end, its work kept.
     */
    'sync.run': channel(
      // Without `images`, the engine's setting decides (syncFullImages): thumbnails, or all.
      z.object({ images: z.enum(['none', 'thumbnails', 'all']).optional(), waitMs: z.number().int().nonnegative() }),
      z.object({
        listed: z.number().int().nonnegative(),
        imported: z.number().int().nonnegative(),
        notReproducible: z.number().int().nonnegative(),
        leftStaged: z.number().int().nonnegative(),
        tagChangesSent: z.number().int().nonnegative(),
        assetsChanged: z.number().int().nonnegative(),
        imagesDownloaded: z.number().int().nonnegative(),
        thumbnailsDownloaded: z.number().int().nonnegative(),
        deletedInScenario: z.number().int().nonnegative(),
        movedToTrash: z.number().int().nonnegative(),
        tagChangesDropped: z.number().int().nonnegative(),
      }),
    ),
    /** Stops the syncs asked for with sync.run (what they brought in is kept). */
    'sync.stop': channel(nothing, nothing),

    'library.openFile': channel(z.object({ relPath: relPathSchema }), nothing),
    'library.revealFile': channel(z.object({ relPath: relPathSchema }), nothing),
    /** Called from a dragstart the window cancelled: the host drags the library file out to other apps (when app.info's nativeFileDrag). */
    'library.startDrag': channel(z.object({ relPath: relPathSchema }), nothing),
  },
  events: {
    'queue.changed': event(queueStatusSchema),
    'job.progress': event(z.object({ generationId: id, state: generationStateSchema, progress: z.number().min(0).max(1).nullable() })),
    'generation.done': event(z.object({ item: generationSummarySchema })),
    'generation.failed': event(z.object({ generationId: id, presetName: z.string(), error: ipcErrorSchema })),
    'queue.paused': event(z.object({ waiting: waitingSchema })),
    'queue.resumed': event(z.object({})),
    'engine.notice': event(engineNoticeSchema),
    /** The team's history coming in from Scenario (the window's progress line); null once it ended. */
    'sync.progress': event(z.object({ phase: z.string(), done: z.number().int().nonnegative(), total: z.number().int().nonnegative().nullable() }).nullable()),
    /** A sync asked for with sync.run cannot reach Scenario (or is asked to slow down): it waits, then tries again. */
    'sync.waiting': event(z.object({ reason: z.string() })),
    /** Generations appeared, changed or left (trash, restore, repair): galleries reload. */
    'library.changed': event(z.object({ generationIds: z.array(id).nullable() })),
    'engine.activity': event(engineActivitySchema),
  },
} as const;

// ---------------------------------------------------------------- types derived from the contract

export type Channels = typeof contract.channels;
export type ChannelName = keyof Channels;
/** What a handler receives (after parsing). */
export type InputOf<C extends ChannelName> = z.output<Channels[C]['input']>;
/** What a caller may pass (before parsing). */
export type CallInputOf<C extends ChannelName> = z.input<Channels[C]['input']>;
export type OutputOf<C extends ChannelName> = z.output<Channels[C]['output']>;

export type Events = typeof contract.events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export type ContractHandlers = { [C in ChannelName]: (input: InputOf<C>) => Promise<OutputOf<C>> };

/** One event as the engine emits it; the hosts forward it to every window unchanged. */
export type ContractEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export const channelNames = Object.keys(contract.channels) as ChannelName[];
export const eventNames = Object.keys(contract.events) as EventName[];

export function isChannelName(value: string): value is ChannelName {
  return Object.hasOwn(contract.channels, value);
}

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(contract.events, value);
}

// DTO types, named once so the engine and the renderer agree on them.
export type AppInfo = z.infer<typeof appInfoSchema>;
export type PresetSummary = z.infer<typeof presetSummarySchema>;
export type PresetDetail = z.infer<typeof presetDetailSchema>;
export type AnyPreset = z.output<typeof anyPresetSchema>;
export type PresetVersionDetail = z.infer<typeof presetVersionDetailSchema>;
export type CostEstimate = z.infer<typeof costEstimateSchema>;
export type ProcessedAction = z.infer<typeof processedActionSchema>;
export type FolderOptions = z.infer<typeof folderOptionsSchema>;
export type Folder = z.infer<typeof folderSchema>;
export type GenerationState = z.infer<typeof generationStateSchema>;
export type GenerationImage = z.infer<typeof generationImageSchema>;
export type ControlImage = z.infer<typeof controlImageSchema>;
export type GenerationSummary = z.infer<typeof generationSummarySchema>;
export type GenerationFilters = z.infer<typeof generationFiltersSchema>;
export type GenerationFacets = z.infer<typeof generationFacetsSchema>;
export type GenerationDetail = z.infer<typeof generationDetailSchema>;
export type GenerationKind = z.infer<typeof generationKindSchema>;
export type RelatedGeneration = z.infer<typeof relatedGenerationSchema>;
export type PngRecall = z.infer<typeof pngRecallSchema>;
export type WaitingReason = z.infer<typeof waitingReasonSchema>;
export type Waiting = z.infer<typeof waitingSchema>;
export type QueueJob = z.infer<typeof queueJobSchema>;
export type TrashBatch = z.infer<typeof trashBatchSchema>;
export type QueueStatus = z.infer<typeof queueStatusSchema>;
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;
export type EngineNotice = z.infer<typeof engineNoticeSchema>;
export type EngineActivity = z.infer<typeof engineActivitySchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type CredentialsStatus = z.infer<typeof credentialsStatusSchema>;
export type ConnectionTest = z.infer<typeof connectionTestSchema>;
export type ModelInfo = z.infer<typeof modelSchema>;
export type ModelList = z.infer<typeof modelListSchema>;
