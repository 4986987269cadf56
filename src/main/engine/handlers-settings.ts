/**
 * settings.*: each setting is one key in the store's settings table (the pipeline reads the
 * budget keys itself); a change to the concurrency or the budget applies to the running queue.
 */
import { processedActionSchema, settingsSchema, type Settings } from '../../shared/ipc/contract';
import { BUDGET_SETTING_KEYS } from '../pipeline/index';
import { FULL_IMAGES_SETTING_KEY, fullImagesSetting } from '../sync/images';
import type { Engine } from './engine';
import { HandlerError, type HandlersFor } from './handlers-context';

export const CONCURRENCY_KEY = 'concurrency';
export const DEFAULT_PROCESSED_ACTION_KEY = 'defaultProcessedAction';
const DEFAULT_CONCURRENCY = 2;

export function readSettings(engine: Engine): Settings {
  const { settings } = engine.store;
  const concurrency = settingsSchema.shape.concurrency.safeParse(settings.get(CONCURRENCY_KEY));
  // Both budgets follow one rule (a non-negative number, or null for no limit).
  const budget = (key: string) => {
    const value = settingsSchema.shape.dailyBudget.safeParse(settings.get(key));
    return value.success ? value.data : null;
  };
  const processedAction = processedActionSchema.safeParse(settings.get(DEFAULT_PROCESSED_ACTION_KEY));
  return {
    concurrency: concurrency.success ? concurrency.data : DEFAULT_CONCURRENCY,
    dailyBudget: budget(BUDGET_SETTING_KEYS.daily),
    monthlyBudget: budget(BUDGET_SETTING_KEYS.monthly),
    libraryLocation: engine.libraryRoot,
    defaultProcessedAction: processedAction.success ? processedAction.data : 'leave',
    // Named once changed from its default only: the settings document reads as before until then.
    ...(fullImagesSetting(engine.store) === 'always' ? { syncFullImages: 'always' as const } : {}),
  };
}

export function settingsHandlers(engine: Engine): HandlersFor<'settings'> {
  const { store, pipeline } = engine;
  return {
    'settings.get': async () => readSettings(engine),

    'settings.update': async (patch) => {
      if (patch.libraryLocation !== undefined && patch.libraryLocation !== engine.libraryRoot) {
        throw new HandlerError(
          'settings.library-location',
          `The library stays in ${engine.libraryRoot} while the app runs. To use another folder, start the app with another home folder.`,
        );
      }
      store.transaction(() => {
        if (patch.concurrency !== undefined) store.settings.set(CONCURRENCY_KEY, patch.concurrency);
        if (patch.dailyBudget !== undefined) store.settings.set(BUDGET_SETTING_KEYS.daily, patch.dailyBudget);
        if (patch.monthlyBudget !== undefined) store.settings.set(BUDGET_SETTING_KEYS.monthly, patch.monthlyBudget);
        if (patch.defaultProcessedAction !== undefined) store.settings.set(DEFAULT_PROCESSED_ACTION_KEY, patch.defaultProcessedAction);
        if (patch.syncFullImages !== undefined) store.settings.set(FULL_IMAGES_SETTING_KEY, patch.syncFullImages);
      });
      if (patch.concurrency !== undefined) pipeline.setConcurrency(patch.concurrency);
      // Submissions held by the budget look again at the new limits.
      if (patch.dailyBudget !== undefined || patch.monthlyBudget !== undefined) pipeline.recheck();
      return readSettings(engine);
    },
  };
}
