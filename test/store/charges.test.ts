import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import type { Store } from '../../src/main/store';
import { closeDatabase, openDatabase } from '../../src/main/store/database';
import { migrations } from '../../src/main/store/migrations';
import { storeWithBasics, tempDir } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Takes a new row through to an accepted submission that cost `costCu`. */
function charge(store: Store, id: number, costCu: number): void {
  for (const state of ['validated', 'uploaded'] as const) store.generations.transition(id, state);
  store.generations.transition(id, 'submitting', { costCu });
  store.generations.transition(id, 'submitted', { jobId: `job_${id}_${costCu}`, costCu });
}

describe('spending', () => {
  it('counts every charge of a generation that was retried after being charged', () => {
    // Found by the seeded simulation (seed 114): the row kept only its last cost.
    const basics = storeWithBasics();
    cleanups.push(() => basics.store.close());
    const { store } = basics;
    const { id } = basics.generate();
    charge(store, id, 4);
    store.generations.transition(id, 'canceled', { errorCode: 'canceled', errorMessage: 'Canceled by you.' });
    store.generations.transition(id, 'detected');
    charge(store, id, 4);
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(8);
  });

  it('counts a submission on its way or whose answer was lost, not one answered with an error', () => {
    const basics = storeWithBasics();
    cleanups.push(() => basics.store.close());
    const { store } = basics;
    const onItsWay = basics.generate();
    const lost = basics.generate();
    const refused = basics.generate();
    for (const { id } of [onItsWay, lost, refused]) {
      for (const state of ['validated', 'uploaded'] as const) store.generations.transition(id, state);
      store.generations.transition(id, 'submitting', { costCu: 2 });
    }
    store.generations.transition(lost.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
    store.generations.transition(refused.id, 'outcome-unknown', { errorCode: 'no-job-created', errorMessage: 'answered 503', costCu: null });
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(4);
  });

  it('keeps counting a lost submission the person canceled: Scenario may have charged it', () => {
    // Found by the seeded simulation (seed 1718): the canceled row's estimate left the budget,
    // and later jobs went through over a charge the engine could not see.
    const basics = storeWithBasics();
    cleanups.push(() => basics.store.close());
    const { store } = basics;
    const lost = basics.generate();
    const refused = basics.generate();
    for (const { id } of [lost, refused]) {
      for (const state of ['validated', 'uploaded'] as const) store.generations.transition(id, state);
      store.generations.transition(id, 'submitting', { costCu: 3 });
    }
    store.generations.transition(lost.id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
    store.generations.transition(refused.id, 'outcome-unknown', { errorCode: 'no-job-created', errorMessage: 'answered 503' });
    for (const { id } of [lost, refused]) store.generations.transition(id, 'canceled', { errorCode: 'canceled', errorMessage: 'Canceled by you.' });
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(3);
  });

  it('counts a lost submission the person sends again twice: the lost one may have been charged too', () => {
    const basics = storeWithBasics();
    cleanups.push(() => basics.store.close());
    const { store } = basics;
    const { id } = basics.generate();
    for (const state of ['validated', 'uploaded'] as const) store.generations.transition(id, state);
    store.generations.transition(id, 'submitting', { costCu: 3 });
    store.generations.transition(id, 'outcome-unknown', { errorCode: 'outcome-unknown', errorMessage: 'lost' });
    store.generations.transition(id, 'submitting', { errorCode: null, errorMessage: null });
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(6);
    store.generations.transition(id, 'submitted', { jobId: 'job_resent', costCu: 3 });
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(6);
  });

  it('keeps what an existing library spent when it upgrades', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'history.sqlite');
    const { db } = openDatabase({ file, migrations: migrations.slice(0, 6) });
    const at = Date.now();
    db.exec(`
      INSERT INTO presets (id, name, created_at) VALUES (1, 'Old preset', 0);
      INSERT INTO preset_versions (id, preset_id, version, name, family, preset_json, created_at) VALUES (1, 1, 1, 'Old preset', 'sd-1_5', '{}', 0);
      INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, created_at) VALUES ('f00', '/in/a.png', 'a.png', 'inputs/f00.png', 10, 0);
      INSERT INTO generations (input_id, preset_version_id, kind, request_json, model_id, family, modality, prompt, state, state_changed_at, created_at, cost_cu, submitted_at, job_id)
      VALUES (1, 1, 'hotfolder', '{}', 'model_x', 'sd-1_5', 'canny', 'a castle', 'done', ${at}, ${at}, 3, ${at}, 'job_1'),
             (1, 1, 'hotfolder', '{}', 'model_x', 'sd-1_5', 'canny', 'a castle', 'done', ${at}, ${at}, 5, ${at}, 'job_2');
    `);
    closeDatabase(db, file);
    const store = openStore({ file });
    try {
      expect(store.previousVersion).toBe(6);
      expect(store.budget.spentToday({ includeSimulated: true })).toBe(8);
    } finally {
      store.close();
    }
  });
});
