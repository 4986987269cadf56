/**
 * generations.*: the gallery (pages, facets, detail), new runs (reproduce, vary, drop files),
 * organising (favourite, rating, tags), the trash and export, and recalling a PNG's parameters.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidSeed } from '../../shared/preset/index';
import { exportGenerations, generationIdsMatching } from '../library/export';
import { absoluteLibraryPath, imageFileCandidates } from '../library/paths';
import { readEmbeddedParameters } from '../library/pngmeta';
import { restoreTrashBatch, trashGenerations } from '../library/trash';
import { isErrno } from '../library/errors';
import type { Engine } from './engine';
import { facetsDto, galleryFilters, generationDetailDto, generationSummary, rowId } from './dto';
import { HandlerError, type HandlersFor } from './handlers-context';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `generations-2025-01-31-142501.zip`, in local time like the library's folders. */
function exportFileName(at: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `generations-${date}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}.zip`;
}

export function generationHandlers(engine: Engine): HandlersFor<'generations'> {
  const { store, pipeline, libraryRoot } = engine;

  const ids = (values: readonly string[]) => values.map((id) => rowId(id, 'generation'));

  /** The generation a new run starts from: its request, seed and control image are reused. */
  function runnableParent(id: string): number {
    const generation = store.generations.get(rowId(id, 'generation'));
    if (generation === null) throw new HandlerError('not-found', 'This generation no longer exists. Reload the gallery.');
    return generation.id;
  }

  /**
   * Whether `bytes` are one of this generation's image files, byte for byte. The PNG names its
   * generation, but only the bytes prove it came from this library and not from another one.
   */
  async function isImageOf(generationId: number, bytes: Uint8Array): Promise<boolean> {
    const generation = store.generations.get(generationId);
    if (generation === null) return false;
    const wanted = sha256(bytes);
    for (const image of store.images.listForGeneration(generationId)) {
      if (image.sha256 !== null) {
        if (image.sha256 === wanted) return true;
        continue;
      }
      for (const candidate of imageFileCandidates(image.relPath, generation.trashBatchId)) {
        try {
          if (sha256(await readFile(absoluteLibraryPath(libraryRoot, candidate))) === wanted) return true;
        } catch (error) {
          if (!isErrno(error, 'ENOENT')) throw error;
        }
      }
    }
    return false;
  }

  return {
    'generations.page': async ({ filters, search, cursor, limit }) => {
      const page = store.galleryPage({ filters: galleryFilters(filters), search, cursor: cursor ?? null, limit });
      return { items: page.items.map(generationSummary), nextCursor: page.nextCursor };
    },

    'generations.facets': async ({ filters, search }) => facetsDto(store.facetCounts({ filters: galleryFilters(filters), search })),

    'generations.detail': async ({ id }) => generationDetailDto(store.generationDetail(rowId(id, 'generation'))),

    'generations.reproduce': async ({ id }) => ({ generationId: String(pipeline.reproduce(runnableParent(id))) }),

    'generations.vary': async ({ id, seed }) => {
      const parentId = runnableParent(id);
      if (seed === undefined) return { generationId: String(pipeline.reproduce(parentId, { varySeed: true })) };
      if (!isValidSeed(seed)) throw new HandlerError('invalid-seed', `Seed "${seed}" is not a whole number: use digits only, such as 42.`);
      // The pipeline draws random seeds only: a chosen one is recorded first, then queued like a resumed row.
      const child = store.generations.createReproduction(parentId, { varySeed: seed, simulated: engine.simulated });
      pipeline.retry(child.id);
      return { generationId: String(child.id) };
    },

    'generations.setFavourite': async ({ id, favourite }) => store.organise.setFavourite([rowId(id, 'generation')], favourite),

    'generations.setRating': async ({ id, rating }) => store.organise.setRating([rowId(id, 'generation')], rating),

    'generations.tag': async ({ ids: values, tag }) => store.organise.tag(ids(values), [tag]),

    'generations.untag': async ({ ids: values, tag }) => store.organise.untag(ids(values), [tag]),

    'generations.trash': async ({ ids: values }) => {
      const batch = await trashGenerations(libraryRoot, store, ids(values));
      return { batchId: String(batch.batchId), count: batch.generations };
    },

    'generations.undoTrash': async ({ batchId }) => ({ restored: await restoreTrashBatch(libraryRoot, store, rowId(batchId, 'trash batch')) }),

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
      const named = Number(parameters.generationId);
      const found = Number.isSafeInteger(named) && named > 0 && (await isImageOf(named, bytes));
      return { parameters, generationId: found ? String(named) : null };
    },

    'generations.generateFromFiles': async ({ paths, presetId }) => {
      const preset = store.presets.get(rowId(presetId, 'preset'));
      if (preset === null || preset.archivedAt !== null) throw new HandlerError('not-found', 'This preset was deleted. Choose another preset.');
      const skipped: { path: string; reason: string }[] = [];
      const wanted = new Set(paths);
      // The pipeline reports a file it did not take as an event, not as an error: collect those for these paths.
      const stop = engine.events.on('input.skipped', (event) => {
        if (wanted.has(event.path)) skipped.push({ path: event.path, reason: event.message });
      });
      try {
        const generationIds: string[] = [];
        for (const filePath of paths) {
          const created = await pipeline.enqueueFile(filePath, { kind: 'manual', presetIds: [preset.id] });
          generationIds.push(...created.map(String));
        }
        return { generationIds, skipped };
      } finally {
        stop();
      }
    },
  };
}
