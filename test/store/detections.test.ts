// The detections table (migration 13): one row per (photo, modality), moved only as the declared
// machine allows (compare-and-set on the state it was read in), and counted by the budget from its POST on.
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/main/store';
import { storeWithBasics } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup() {
  const basics = storeWithBasics();
  cleanups.push(() => basics.store.close());
  const send = { photoInputId: basics.input.id, modality: 'depth', requestJson: '{"image":"asset_1","modality":"depth"}', imageAssetId: 'asset_1', costCu: 2, simulated: true };
  return { ...basics, send };
}

describe('detections', () => {
  it('are one per photo and modality, and move only as the declared machine allows, from the state they were read in', () => {
    const { store, send } = setup();
    const sending = store.detections.sending(send, null);
    expect(sending).toMatchObject({ state: 'sending', costCu: 2, jobId: null });
    expect(() => store.detections.sending(send, null)).toThrow();
    const sent = store.detections.move(sending, 'sent', { jobId: 'job_1', chargedAt: 5 });
    // Read as sending, it moved meanwhile: a second move from that reading is refused.
    expect(() => store.detections.move(sending, 'outcome-unknown')).toThrow(StoreError);
    // A paid job is never sent again.
    expect(() => store.detections.sending(send, sent)).toThrow(StoreError);
    expect(store.detections.find(send.photoInputId, 'depth')).toMatchObject({ state: 'sent', jobId: 'job_1' });
    expect(store.detections.idForJob('job_1')).toBe(sent.id);
    expect(store.detections.find(send.photoInputId, 'pose')).toBeNull();
  });

  it('are sent again from failed, clearing the earlier job and error', () => {
    const { store, send } = setup();
    const sent = store.detections.move(store.detections.sending(send, null), 'sent', { jobId: 'job_1', chargedAt: 5 });
    const failed = store.detections.move(sent, 'failed', { errorCode: 'job-failed', errorMessage: 'the GPU failed' });
    const again = store.detections.sending({ ...send, requestJson: '{"image":"asset_2","modality":"depth"}', imageAssetId: 'asset_2' }, failed);
    expect(again).toMatchObject({ id: sent.id, state: 'sending', jobId: null, errorCode: null, chargedAt: null, imageAssetId: 'asset_2' });
  });

  it('count against the budget from their POST on, and not when answered with an error', () => {
    const { store, send, clock } = setup();
    const photo2 = store.inputs.upsertBySha256({ sha256: 'b'.repeat(64), originalPath: '/watch/b.png', fileName: 'b.png', libraryRelPath: 'inputs/bb/bbbb.png', bytes: 10 }).input;
    const photo3 = store.inputs.upsertBySha256({ sha256: 'c'.repeat(64), originalPath: '/watch/c.png', fileName: 'c.png', libraryRelPath: 'inputs/cc/cccc.png', bytes: 10 }).input;
    const charged = store.detections.sending(send, null);
    store.detections.move(charged, 'sent', { jobId: 'job_1', costCu: 3, chargedAt: clock.now() });
    store.detections.sending({ ...send, photoInputId: photo2.id }, null);
    const unsent = store.detections.sending({ ...send, photoInputId: photo3.id }, null);
    store.detections.move(unsent, 'unsent', { costCu: null, errorCode: 'no-job-created' });
    expect(store.budget.spentToday({ includeSimulated: true })).toBe(3 + 2);
    expect(store.budget.spentToday()).toBe(0);
  });

  it('go with their map when the trash is emptied of the last generation made from it', () => {
    const { store, send, clock, preset } = setup();
    const map = store.inputs.upsertBySha256({ sha256: 'd'.repeat(64), originalPath: '/watch/IMG_0042.png', fileName: 'IMG_0042.depth-map.png', libraryRelPath: 'inputs/dd/dddd.png', bytes: 10, source: { inputId: send.photoInputId, modality: 'depth' } }).input;
    const sent = store.detections.move(store.detections.sending(send, null), 'sent', { jobId: 'job_1', chargedAt: clock.now() });
    store.detections.move(sent, 'done', { mapInputId: map.id });
    const generation = store.generations.create({ inputId: map.id, presetVersionId: preset.currentVersion.id, kind: 'hotfolder', requestJson: '{}', modelId: 'model_abc', family: 'sd-xl', modality: 'depth', prompt: 'a castle' });
    store.trash.softDelete([generation.id]);
    clock.advance(40 * 24 * 60 * 60 * 1000);
    expect(store.trash.purge(30).generations).toBe(1);
    expect(store.inputs.get(map.id)).toBeNull();
    expect(store.detections.find(send.photoInputId, 'depth')).toBeNull();
  });

  it("are ours to the team's sync: their jobs are held here, and one on its way holds back what was listed near its POST", () => {
    const { store, send, clock } = setup();
    const sending = store.detections.sending(send, null);
    expect(store.sync.unsettledSince()).toBe(sending.stateChangedAt);
    clock.advance(1000);
    store.detections.move(sending, 'sent', { jobId: 'job_detect_1', chargedAt: clock.now() });
    expect(store.sync.holdsJob('job_detect_1')).toBe(true);
    expect(store.sync.holdsJob('job_someone_else')).toBe(false);
    expect(store.sync.unsettledSince()).toBeNull();
  });
});
