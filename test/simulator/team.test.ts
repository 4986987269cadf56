import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { responseSchema } from '../../src/main/simulator/contract';
import { validateAgainst } from '../../src/main/simulator/validate';
import { api, controlPng, dataUrl, waitForJob } from './helpers';

const ana = { authorId: 'user_ana', apiKey: 'ana-key', apiSecret: 'ana-secret' };
let sim: RunningSimulator;
/** The same simulator through Ana's key. */
let asAna: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 20, members: [ana] });
  asAna = { ...sim, apiKey: ana.apiKey, apiSecret: ana.apiSecret };
});
afterAll(async () => {
  await sim.close();
});

type Asset = { id: string; tags: string[]; collectionIds: string[]; authorId: string; updatedAt: string; metadata: Record<string, unknown> };

async function listAll(path: string, key: 'assets' | 'jobs' | 'collections', who = sim): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await api(who, 'GET', `${path}${token ? `${separator}paginationToken=${token}` : ''}`);
    expect(answer.status).toBe(200);
    items.push(...(answer.body[key] as Record<string, unknown>[]));
    token = answer.body.nextPaginationToken as string | undefined;
  } while (token);
  return items;
}

describe('the simulator plays a team', () => {
  it('authors each job by the key that sent it, and filters GET /jobs by author', async () => {
    const created = await api(asAna, 'POST', '/generate/controlnet', { modelId: 'model_sd15-realistic', prompt: 'ana', modality: 'pose', image: dataUrl(controlPng()), numSamples: 1, width: 64, height: 64, seed: '1' });
    expect(created.status).toBe(200);
    const jobId = (created.body.job as { jobId: string }).jobId;
    const job = await waitForJob(sim, jobId);
    expect(job.authorId).toBe('user_ana');
    const anaJobs = await listAll('/jobs?authorId=user_ana&pageSize=2', 'jobs');
    expect(anaJobs.map((entry) => entry.jobId)).toContain(jobId);
    expect((await listAll('/jobs?authorId=user_simulator', 'jobs')).map((entry) => entry.jobId)).not.toContain(jobId);
    const asset = (await api(sim, 'GET', `/assets/${(job.metadata as { assetIds: string[] }).assetIds[0]}`)).body.asset as Asset;
    expect(asset.authorId).toBe('user_ana');
    expect(asset.metadata.parentId).toMatch(/^asset_/);
    expect(asset.metadata.rootParentId).toBe(asset.metadata.parentId);
  });

  it('seeds finished history by other members, newest first and paged without gaps or repeats', async () => {
    const made = await sim.seedTeamHistory({ jobs: 25, samplesPerJob: 2, tags: ['hero'], tagEvery: 5 });
    expect(made.jobIds).toHaveLength(25);
    const jobs = await listAll('/jobs?pageSize=7', 'jobs');
    const ids = jobs.map((job) => String(job.jobId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of made.jobIds) expect(ids).toContain(id);
    const times = jobs.map((job) => Date.parse(String(job.createdAt)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const page = await api(sim, 'GET', '/jobs?pageSize=3');
    expect(validateAgainst(responseSchema('GetJobsResponse'), page.body)).toBeUndefined();
    expect(new Set(jobs.filter((job) => made.jobIds.includes(String(job.jobId))).map((job) => job.authorId))).toEqual(new Set(['user_team-ana', 'user_team-ben']));
  });

  it('lists assets with the contract filters: author, time windows with their sortBy, parent, sort direction', async () => {
    const all = (await listAll('/assets?pageSize=100', 'assets')) as unknown as Asset[];
    expect(all.some((asset) => asset.id.startsWith('asset_thumb-'))).toBe(false);
    const page = await api(sim, 'GET', '/assets?pageSize=5');
    expect(validateAgainst(responseSchema('GetAssetsResponse'), page.body, { skipEnumAt: ['assets[0].metadata.modality', 'assets[1].metadata.modality', 'assets[2].metadata.modality', 'assets[3].metadata.modality', 'assets[4].metadata.modality'] })).toBeUndefined();
    const ben = (await listAll('/assets?authorId=user_team-ben&pageSize=100', 'assets')) as unknown as Asset[];
    expect(ben.length).toBeGreaterThan(0);
    expect(ben.every((asset) => asset.authorId === 'user_team-ben')).toBe(true);
    const middle = all[Math.floor(all.length / 2)] as Asset & { createdAt: string };
    const newer = (await listAll(`/assets?sortBy=createdAt&createdAfter=${encodeURIComponent(middle.createdAt)}&sortDirection=asc&pageSize=100`, 'assets')) as unknown as (Asset & { createdAt: string })[];
    expect(newer.every((asset) => Date.parse(asset.createdAt) > Date.parse(middle.createdAt))).toBe(true);
    expect(newer.map((asset) => Date.parse(asset.createdAt))).toEqual(newer.map((asset) => Date.parse(asset.createdAt)).sort((a, b) => a - b));
    const children = (await listAll('/assets?parentAssetId=asset_team-control-0&pageSize=100', 'assets')) as unknown as Asset[];
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((asset) => asset.metadata.parentId === 'asset_team-control-0')).toBe(true);

    expect((await api(sim, 'GET', '/assets?updatedAfter=2020-01-01T00:00:00Z')).status).toBe(400);
    expect((await api(sim, 'GET', '/assets?sortBy=createdAt&createdAfter=yesterday')).status).toBe(400);
    const badType = await api(sim, 'GET', '/assets?types=not-a-type');
    expect(badType.status).toBe(400);
    expect(JSON.stringify(badType.body)).toContain('types');
    expect((await api(sim, 'GET', '/assets?pageSize=101')).status).toBe(400);
  });

  it('puts and deletes tags (strict by default), and updatedAfter sees the change', async () => {
    const [asset] = (await api(sim, 'GET', '/assets?pageSize=1')).body.assets as Asset[];
    if (!asset) throw new Error('no asset');
    const before = asset.updatedAt;
    const put = await api(asAna, 'PUT', `/assets/${asset.id}/tags`, { add: ['favourite', 'knight'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ added: ['favourite', 'knight'], deleted: [] });
    expect(validateAgainst(responseSchema('PutAssetsTagsByAssetIdResponse'), put.body)).toBeUndefined();
    expect((await api(sim, 'PUT', `/assets/${asset.id}/tags`, { add: ['knight'] })).status).toBe(400);
    expect((await api(sim, 'PUT', `/assets/${asset.id}/tags`, { add: ['knight'], strict: false })).body).toEqual({ added: [], deleted: [] });
    expect((await api(sim, 'PUT', `/assets/${asset.id}/tags`, { delete: ['absent'] })).status).toBe(400);
    expect((await api(sim, 'PUT', `/assets/${asset.id}/tags`, { add: 'knight' })).status).toBe(400);
    expect((await api(sim, 'PUT', `/assets/${asset.id}/tags`, { delete: ['knight'] })).body).toEqual({ added: [], deleted: ['knight'] });
    const changed = (await listAll(`/assets?sortBy=updatedAt&updatedAfter=${encodeURIComponent(before)}&sortDirection=asc&pageSize=100`, 'assets')) as unknown as Asset[];
    expect(changed.map((entry) => entry.id)).toContain(asset.id);
    expect(changed.find((entry) => entry.id === asset.id)?.tags).toEqual(['favourite']);
  });

  it('keeps collections for the team: create, add and remove assets, filter assets by collection, delete', async () => {
    const created = await api(asAna, 'POST', '/collections', { name: 'Heroes' });
    expect(created.status).toBe(200);
    expect(validateAgainst(responseSchema('PostCollectionResponse'), created.body)).toBeUndefined();
    const collectionId = (created.body.collection as { id: string }).id;
    expect((await api(sim, 'POST', '/collections', {})).status).toBe(400);
    const ids = ((await api(sim, 'GET', '/assets?pageSize=3')).body.assets as Asset[]).map((asset) => asset.id);
    const added = await api(sim, 'PUT', `/collections/${collectionId}/assets`, { assetIds: ids });
    expect(added.status).toBe(200);
    expect((added.body.collection as { assetCount: number }).assetCount).toBe(3);
    expect((await listAll(`/assets?collectionId=${collectionId}`, 'assets')).map((asset) => asset.id).sort()).toEqual([...ids].sort());
    expect((await api(sim, 'DELETE', `/collections/${collectionId}/assets`, { assetIds: [ids[0]] })).status).toBe(200);
    expect((await listAll(`/assets?collectionId=${collectionId}`, 'assets'))).toHaveLength(2);
    const listed = await api(sim, 'GET', '/collections');
    expect(validateAgainst(responseSchema('GetCollectionsResponse'), listed.body)).toBeUndefined();
    expect((listed.body.collections as { name: string }[]).map((collection) => collection.name)).toContain('Heroes');
    expect((await api(sim, 'PUT', `/collections/${collectionId}`, { name: 'Heroes v2' })).status).toBe(200);
    expect(((await api(sim, 'GET', `/collections/${collectionId}`)).body.collection as { name: string }).name).toBe('Heroes v2');
    expect((await api(sim, 'DELETE', `/collections/${collectionId}`)).status).toBe(200);
    expect((await api(sim, 'GET', `/collections/${collectionId}`)).status).toBe(404);
    expect((await listAll(`/assets?collectionId=${collectionId}`, 'assets'))).toHaveLength(0);
  });

  it('refuses a key that is no member', async () => {
    expect((await api({ ...sim, apiKey: 'stranger', apiSecret: 'x' }, 'GET', '/jobs')).status).toBe(401);
  });
});
