// What holds the team sync back (a job listed near a submission of ours still waiting for its
// answer may be that submission): a detection sent, for an hour at most. One whose photo was
// rewritten or deleted is never sent on, and held every later job of the team back for good.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/index';

const T0 = Date.UTC(2026, 11, 5, 9);
let dir: string;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('unsettled submissions', () => {
  it('count a detection committed as sending for an hour, then no more', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'shf-unsettled-'));
    let now = T0;
    store = openStore({ file: path.join(dir, 'history.sqlite'), now: () => now });
    const { input } = store.inputs.upsertBySha256({ sha256: 'cd'.repeat(32), originalPath: '/photos/street.png', fileName: 'street.png', libraryRelPath: 'controls/cd/street.png', bytes: 10 });
    expect(store.sync.unsettledSince()).toBeNull();
    store.detections.sending({ photoInputId: input.id, modality: 'canny', requestJson: '{}', imageAssetId: 'asset_photo', costCu: 1, simulated: false }, null);
    now = T0 + 59 * 60_000;
    expect(store.sync.unsettledSince()).toBe(T0);
    now = T0 + 61 * 60_000;
    expect(store.sync.unsettledSince()).toBeNull();
  });
});
