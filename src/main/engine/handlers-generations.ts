/**
 * generations.*: the gallery (pages, facets, detail), new runs (reproduce, vary, drop files),
 * organising (favourite, rating, tags), the trash and export, and recalling a PNG's parameters;
 * images.trash: single images to the same trash; images.fetchFull: an import's full file on demand.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidSeed } from '../../shared/preset/index';
import { pathExists } from '../library/atomic';
import { exportFileName, exportGenerations, generationIdsMatching } from '../library/export';
import { absoluteLibraryPath } from '../library/paths';
import { readEmbeddedParameters } from '../library/pngmeta';
import { restoreTrashBatch, trashGenerations, trashImages } from '../library/trash';
import type { Engine } from './engine';
import { controlCopyRelPath, facetsDto, galleryFilters, generationDetailDto, generationSummary, rowId, storedImage } from './dto';
import { HandlerError, type HandlersFor } from './handlers-context';

export function generationHandlers(engine: Engine): HandlersFor<'generations' | 'images'> {
  const { store, pipeline, libraryRoot } = engine;

  const ids = (values: readonly string[]) => values.map((id) => rowId(id, 'generation'));

  /** The generation a new run starts from: its request, seed and control image are reused. */
  function runnableParent(id: string): number {
    const generation = store.generations.get(rowId(id, 'generation'));
    if (generation === null) throw new HandlerError('not-found', 'This generation no longer exists. Reload the gallery.');
    return generation.id;
  }

  /**
   * Whether embedded parameters name an image of this library. The PNG names its generation, but a
   * generation id alone could come from another library: Scenario's job and asset ids are global,
   * so they prove it (and still match after the file was moved or re-saved).
   */
  function generationOfImage(parameters: { generationId?: unknown; jobId?: unknown; assetId?: unknown }): number | null {
    const named = Number(parameters.generationId);
    if (!Number.isSafeInteger(named) || named <= 0) return null;
    const generation = store.generations.get(named);
    if (generation === null || generation.jobId === null || generation.jobId !== parameters.jobId) return null;
    return store.images.listForGeneration(named).some((image) => image.assetId === parameters.assetId) ? named : null;
  }

  return {
    'generations.page': async ({ filters, search, cursor, limit, stacked }) => {
      const page = store.galleryPage({ filters: galleryFilters(filters), search, cursor: cursor ?? null, limit, stacked });
      return { items: page.items.map(generationSummary), nextCursor: page.nextCursor };
    },

    'generations.facets': async ({ filters, search }) => facetsDto(store.facetCounts({ filters: galleryFilters(filters), search })),

    'generations.detail': async ({ id }) => {
      const detail = store.generationDetail(rowId(id, 'generation'));
      const control = controlCopyRelPath(detail.input);
      const controlCopyPresent = control !== null && (await pathExists(absoluteLibraryPath(libraryRoot, control)));
      const photo = detail.input.sourceInputId === null ? null : store.inputs.get(detail.input.sourceInputId);
      return generationDetailDto(detail, { controlCopyPresent, photo });
    },

    'generations.reproduce': async ({ id }) => ({ generationId: String(pipeline.reproduce(runnableParent(id))) }),

    'generations.vary': async ({ id, seed }) => {
      if (seed !== undefined && !isValidSeed(seed)) throw new HandlerError('invalid-seed', `Seed "${seed}" is not a whole number: use digits only, such as 42.`);
      return { generationId: String(pipeline.reproduce(runnableParent(id), { varySeed: seed ?? true })) };
    },

    'generations.setFavourite': async ({ id, favourite }) => store.organise.setFavourite([rowId(id, 'generation')], favourite),

    'generations.setRating': async ({ id, rating }) => store.organise.setRating([rowId(id, 'generation')], rating),

    'generations.tag': async ({ ids: values, tag }) => store.organise.tag(ids(values), [tag]),

    'generations.untag': async ({ ids: values, tag }) => store.organise.untag(ids(values), [tag]),

    'generations.trash': async ({ ids: values }) => {
      const batch = await trashGenerations(libraryRoot, store, ids(values));
      return { batchId: String(batch.batchId), count: batch.generations };
    },

    'generations.undoTrash': async ({ batchId }) => {
      const restored = await restoreTrashBatch(libraryRoot, store, rowId(batchId, 'trash batch'));
      // A batch of images may also hold the generations it emptied: the person deleted images.
      return { restored: restored.images > 0 ? restored.images : restored.generations };
    },

    'images.trash': async ({ imageIds }) => {
      const batch = await trashImages(libraryRoot, store, imageIds.map((id) => rowId(id, 'image')));
      return { batchId: String(batch.batchId), count: batch.imageIds.length };
    },

    'images.fetchFull': async ({ imageId }) => storedImage(await engine.fullImages.fetch(rowId(imageId, 'image'))),

    'generations.export': async (input) => {
      const selected =
        'ids' in input ? ids(input.ids) : generationIdsMatching(store, { filters: galleryFilters(input.filters), search: input.search });
      if (selected.length === 0) throw new HandlerError('export.empty', 'Nothing matches these filters, so there is nothing to export. Change the filters, then export again.');
      const now = new Date();
      const zipPath = path.join(engine.home, 'exports', exportFileName(now));
      const report = await exportGenerations(libraryRoot, store, selected, zipPath, { now });
      return { zipPath: report.destination, count: report.generations };
    },

    'generations.recallFromPng': async (input) => {
      let bytes: Uint8Array;
      if ('path' in input) {
        try {
          bytes = await readFile(input.path);
        } catch {
          throw new HandlerError('png.unreadable', `${input.path} could not be read. Check that the file still exists, then drop it again.`);
        }
      } else {
        bytes = Buffer.from(input.bytesBase64, 'base64');
      }
      const { generation: parameters } = readEmbeddedParameters(bytes);
      if (parameters === undefined) return { parameters: null, generationId: null };
      const found = generationOfImage(parameters);
      return { parameters, generationId: found === null ? null : String(found) };
    },

    'generations.generateFromFiles': async ({ paths, presetId, seed }) => {
      if (seed !== undefined && !isValidSeed(seed)) throw new HandlerError('invalid-seed', `Seed "${seed}" is not a whole number: use digits only, such as 42.`);
      const preset = store.presets.get(rowId(presetId, 'preset'));
      if (preset === null || preset.archivedAt !== null) throw new HandlerError('not-found', 'This preset was deleted. Choose another preset.');
      const skipped: { path: string; reason: string }[] = [];
      const wanted = new Set(paths);
      // The pipeline reports a file it did not take as an event, not as an error: collect those for these paths.
      const stop = engine.events.on('input.skipped', (event) => {
        // A watched folder may skip the same path meanwhile: that answer is not this call's.
        if (event.folder === null && wanted.has(event.path)) skipped.push({ path: event.path, reason: event.message });
      });
      try {
        const generationIds: string[] = [];
        for (const filePath of paths) {
          const created = await pipeline.enqueueFile(filePath, { kind: 'manual', presetIds: [preset.id], ...(seed === undefined ? {} : { seed }) });
          generationIds.push(...created.map(String));
        }
        return { generationIds, skipped };
      } finally {
        stop();
      }
    },
  };
}
