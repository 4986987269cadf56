// Scenario offers generated images at thumbnail size too (`thumbnail: { assetId, url }` on an
// asset): the simulator serves a real smaller image behind a signed URL that expires like the file's.
import sharp from 'sharp';
import { systemClock, type Clock } from '../../src/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseSchema } from '../../src/main/simulator/contract';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { validateAgainst } from '../../src/main/simulator/validate';
import { ScenarioClient } from '../../src/main/scenario/index';
import { FAST } from '../scenario/helpers';
import { api } from './helpers';

interface ListedAsset {
  id: string;
  url: string;
  thumbnail?: { assetId: string; url: string };
}

const URL_TTL_MS = 60_000;
/** The simulator's time, moved on by the test: a URL expires when the test says, not when the machine is slow. */
let skewMs = 0;
const clock: Clock = { now: () => Date.now() + skewMs, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 0, urlTtlMs: URL_TTL_MS, clock });
});

afterAll(async () => {
  await sim.close();
});

describe('asset thumbnails', () => {
  it('offers a generated image as a small WebP behind a signed URL that expires like the file', async () => {
    const made = await sim.seedTeamHistory({ jobs: 1, samplesPerJob: 1 });
    const assetId = `asset_${(made.jobIds[0] as string).slice('job_'.length)}-0`;
    const answer = await api(sim, 'GET', `/assets/${assetId}`);
    expect(validateAgainst(responseSchema('GetAssetsByAssetIdResponse'), answer.body)).toBeUndefined();
    const asset = answer.body.asset as ListedAsset;
    expect(asset.thumbnail?.assetId).toBe(assetId);

    const thumbnail = await fetch(asset.thumbnail?.url ?? '');
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const thumbnailBytes = Buffer.from(await thumbnail.arrayBuffer());
    const full = Buffer.from(await (await fetch(asset.url)).arrayBuffer());
    const [small, large] = await Promise.all([sharp(thumbnailBytes).metadata(), sharp(full).metadata()]);
    expect(small.format).toBe('webp');
    expect(Math.max(small.width ?? 0, small.height ?? 0)).toBe(256);
    expect(large.width).toBe(512);
    expect(thumbnailBytes.length).toBeLessThan(full.length);

    // Edited or expired: the storage service's 403; the asset gives a fresh URL.
    const url = asset.thumbnail?.url ?? '';
    expect((await fetch(url.replace(/expires=(\d+)/, (_m, n: string) => `expires=${Number(n) + 100000}`))).status).toBe(403);
    skewMs += URL_TTL_MS;
    expect((await fetch(url)).status).toBe(403);
    const again = (await api(sim, 'GET', `/assets/${assetId}`)).body.asset as ListedAsset;
    expect(again.thumbnail?.url).not.toBe(url);
    expect((await fetch(again.thumbnail?.url ?? '')).status).toBe(200);
  });

  it("is downloaded by the client from its listed URL, or from a fresh one once that URL expired", async () => {
    const made = await sim.seedTeamHistory({ jobs: 1, samplesPerJob: 1 });
    const assetId = `asset_${(made.jobIds[0] as string).slice('job_'.length)}-0`;
    const client = new ScenarioClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret, ...FAST });
    const [listed] = await client.getTeamAssets([assetId]);
    const url = listed?.thumbnail?.url ?? '';
    const fresh = await client.downloadThumbnailBytes(assetId, url);
    expect((await sharp(fresh.data).metadata()).format).toBe('webp');
    skewMs += URL_TTL_MS;
    expect((await fetch(url)).status).toBe(403);
    const again = await client.downloadThumbnailBytes(assetId, url);
    expect(again.sha256).toBe(fresh.sha256);
  });

  it('offers none for an uploaded control map, nor for a history seeded without thumbnails; listings carry them', async () => {
    const made = await sim.seedTeamHistory({ jobs: 2, samplesPerJob: 1, thumbnails: false });
    const bulk = await api(sim, 'POST', '/assets/get-bulk', { assetIds: [...made.jobIds.map((jobId) => `asset_${jobId.slice('job_'.length)}-0`), ...made.controlAssetIds] });
    const assets = bulk.body.assets as ListedAsset[];
    expect(assets).toHaveLength(2 + made.controlAssetIds.length);
    expect(assets.every((asset) => asset.thumbnail === undefined)).toBe(true);

    const listed = await api(sim, 'GET', '/assets?pageSize=100');
    expect(validateAgainst(responseSchema('GetAssetsResponse'), listed.body)).toBeUndefined();
    const withThumbnails = (listed.body.assets as ListedAsset[]).filter((asset) => asset.thumbnail !== undefined);
    // The earlier tests' outputs offer one; this history's and the control maps do not.
    expect(withThumbnails.map((asset) => asset.id).sort()).toEqual(['asset_team-0-0', 'asset_team-1-0']);
  });
});
