/**
 * A few generations whose images can be trashed one by one and restored, behind the contract's
 * handlers (generations.page/detail, images.trash, generations.trash, generations.undoTrash), for
 * the window's delete flows. Follows the engine's rule: a generation's last image takes it along.
 */
import type { ContractHandlers, GenerationImage } from '../../src/shared/ipc/contract';
import { generation, generationDetail } from './fake-engine';

const FACETS = { total: 0, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 };

export function imageLibrary(imageCounts: Record<string, number>) {
  const image = (id: string, index: number): GenerationImage => ({
    id: `${id}-image-${index}`, relPath: `outputs/${id}-${index}.png`, thumbRelPath: `thumbs/${id}-${index}.webp`, width: 512, height: 512, assetId: null, missing: false,
  });
  const images = new Map(Object.entries(imageCounts).map(([id, count]) => [id, Array.from({ length: count }, (_, index) => image(id, index))]));
  const trashed = new Set<string>();
  const batches = new Map<string, { images: [string, GenerationImage][]; generations: string[] }>();

  const summary = (id: string) => {
    const own = images.get(id) ?? [];
    return generation(id, { cover: own[0] ?? null, imageCount: own.length });
  };
  const newBatch = (content: { images: [string, GenerationImage][]; generations: string[] }) => {
    const batchId = `batch-${batches.size + 1}`;
    batches.set(batchId, content);
    for (const id of content.generations) trashed.add(id);
    return batchId;
  };

  const handlers: Partial<ContractHandlers> = {
    'generations.page': async () => ({ items: [...images.keys()].filter((id) => !trashed.has(id)).map(summary), nextCursor: null }),
    'generations.facets': async () => FACETS,
    'generations.detail': async ({ id }) => ({ ...generationDetail(id), ...summary(id), images: images.get(id) ?? [] }),
    'images.trash': async ({ imageIds }) => {
      const moved: [string, GenerationImage][] = [];
      for (const [id, own] of images) {
        for (const one of own.filter((candidate) => imageIds.includes(candidate.id))) moved.push([id, one]);
        images.set(id, own.filter((candidate) => !imageIds.includes(candidate.id)));
      }
      const emptied = [...new Set(moved.map(([id]) => id))].filter((id) => images.get(id)?.length === 0);
      return { batchId: newBatch({ images: moved, generations: emptied }), count: moved.length };
    },
    'generations.trash': async ({ ids }) => ({ batchId: newBatch({ images: [], generations: ids }), count: ids.length }),
    'generations.undoTrash': async ({ batchId }) => {
      const batch = batches.get(batchId);
      if (!batch) return { restored: 0 };
      for (const [id, one] of batch.images) images.set(id, [...(images.get(id) ?? []), one].sort((a, b) => a.relPath.localeCompare(b.relPath)));
      for (const id of batch.generations) trashed.delete(id);
      batches.delete(batchId);
      return { restored: batch.images.length || batch.generations.length };
    },
  };
  return { handlers, imagesOf: (id: string) => (images.get(id) ?? []).map((one) => one.id), isTrashed: (id: string) => trashed.has(id) };
}
