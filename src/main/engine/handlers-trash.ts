/** trash.*: the app's trash as batches, emptied of those older than the person's retention. */
import { DEFAULT_TRASH_RETENTION_DAYS, contract } from '../../shared/ipc/contract';
import { purgeTrash } from '../library/index';
import { trashRelPath } from '../library/paths';
import type { Engine } from './engine';
import { iso } from './dto';
import type { HandlersFor } from './handlers-context';

export const TRASH_RETENTION_KEY = 'trashRetentionDays';
const PREVIEWS = 4;

export function trashHandlers(engine: Engine): HandlersFor<'trash'> {
  const { store, libraryRoot } = engine;
  const retention = () => {
    const saved = contract.channels['trash.setRetention'].input.shape.days.safeParse(store.settings.get(TRASH_RETENTION_KEY));
    return saved.success ? saved.data : DEFAULT_TRASH_RETENTION_DAYS;
  };
  return {
    'trash.list': async () => ({
      batches: store.trash.list().map((batch) => ({
        id: String(batch.id),
        createdAt: iso(batch.createdAt),
        generations: batch.generations,
        images: batch.images,
        previews: store.trash.previews(batch.id, PREVIEWS).map((relPath) => trashRelPath(String(batch.id), relPath)),
      })),
      retentionDays: retention(),
    }),
    'trash.empty': async ({ olderThanDays }) => {
      const report = await purgeTrash(libraryRoot, store, olderThanDays ?? retention());
      return { generations: report.generations, images: report.images };
    },
    'trash.setRetention': async ({ days }) => {
      store.settings.set(TRASH_RETENTION_KEY, days);
      return { retentionDays: retention() };
    },
  };
}
