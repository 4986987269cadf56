import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { creativeUnitsCost, SEEDED_MODELS, startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { responseSchema } from '../../src/main/simulator/contract';
import { validateAgainst } from '../../src/main/simulator/validate';
import { api, authHeader, controlPng, dataUrl, waitForJob } from './helpers';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 150 });
});
afterAll(async () => {
  await sim.close();
});

describe('job lifecycle', () => {
  it('goes queued → in-progress → success and its assets download as PNGs of the requested size', async () => {
    const created = await api(sim, 'POST', '/generate/controlnet', {
      modelId: 'model_sd15-realistic',
      prompt: 'a glass sphere',
      modality: 'depth',
      image: dataUrl(controlPng()),
      numSamples: 2,
      width: 512,
      height: 384,
      seed: '42',
    });
    expect(created.status).toBe(200);
    const job = created.body.job as { jobId: string; status: string };
    expect(job.jobId).toMatch(/^job_/);
    expect(job.status).toBe('queued');

    const seen = new Set<string>();
    let progress = -1;
    for (;;) {
      const { body } = await api(sim, 'GET', `/jobs/${job.jobId}`);
      const current = body.job as { status: string; progress: number };
      seen.add(current.status);
      expect(current.progress).toBeGreaterThanOrEqual(progress);
      progress = current.progress;
      if (current.status === 'success') break;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(seen.has('in-progress')).toBe(true);

    const done = await waitForJob(sim, job.jobId);
    const assetIds = (done.metadata as { assetIds: string[] }).assetIds;
    expect(assetIds).toHaveLength(2);
    for (const assetId of assetIds) {
      const { body } = await api(sim, 'GET', `/assets/${assetId}`);
      const asset = body.asset as { url: string; mimeType: string };
      const download = await fetch(asset.url);
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.readUInt32BE(16)).toBe(512);
      expect(bytes.readUInt32BE(20)).toBe(384);
    }
  });
});

describe('dry run and cost', () => {
  it('answers 269 with the documented cost and creates no job', async () => {
    const before = (await api(sim, 'GET', '/jobs?pageSize=200')).body.jobs as unknown[];
    const body = { modelId: 'model_sdxl-base', prompt: 'p', modality: 'depth', image: dataUrl(controlPng()), numSamples: 3, width: 1024, height: 1024, numInferenceSteps: 60 };
    const answer = await api(sim, 'POST', '/generate/controlnet?dryRun=true', body);
    expect(answer.status).toBe(269);
    // 1024² is 4 × 512², 60 steps is 2 × 30: 8 CU per image, 3 images.
    expect(answer.body).toEqual({ creativeUnitsCost: 24, creativeUnitsDiscount: 0 });
    expect(creativeUnitsCost({ numSamples: 3, width: 1024, height: 1024, numInferenceSteps: 60 })).toBe(24);
    expect(validateAgainst(responseSchema('DryRunResponse'), answer.body)).toBeUndefined();
    const after = (await api(sim, 'GET', '/jobs?pageSize=200')).body.jobs as unknown[];
    expect(after).toHaveLength(before.length);
    expect(sim.generateLog.at(-1)).toMatchObject({ dryRun: true, jobId: null });
  });
});

describe('responses fit the contract', () => {
  it('generate, job, jobs, asset, bulk and models answers validate against the contract schemas', async () => {
    const created = await api(sim, 'POST', '/generate/controlnet', { modelId: 'flux.1-dev', prompt: 'p', modality: 'canny', image: dataUrl(controlPng()), numSamples: 1, width: 256, height: 256 });
    expect(validateAgainst(responseSchema('PostControlnetInferencesResponse'), created.body)).toBeUndefined();
    const jobId = (created.body.job as { jobId: string }).jobId;
    const job = await waitForJob(sim, jobId);
    expect(validateAgainst(responseSchema('GetJobIdResponse'), (await api(sim, 'GET', `/jobs/${jobId}`)).body)).toBeUndefined();
    expect(validateAgainst(responseSchema('GetJobsResponse'), (await api(sim, 'GET', '/jobs')).body)).toBeUndefined();
    const assetIds = (job.metadata as { assetIds: string[] }).assetIds;
    expect(validateAgainst(responseSchema('GetAssetsByAssetIdResponse'), (await api(sim, 'GET', `/assets/${assetIds[0]}`)).body)).toBeUndefined();
    const bulk = await api(sim, 'POST', '/assets/get-bulk', { assetIds: [...assetIds, 'asset_missing'] });
    expect(validateAgainst(responseSchema('GetAssetBulkResponse'), bulk.body)).toBeUndefined();
    expect(bulk.body.assets).toHaveLength(1);
    expect(validateAgainst(responseSchema('GetModelsResponse'), (await api(sim, 'GET', '/models')).body)).toBeUndefined();
    expect(validateAgainst(responseSchema('GetModelsByModelIdResponse'), (await api(sim, 'GET', '/models/flux.1-dev')).body)).toBeUndefined();
  });
});

describe('jobs', () => {
  it('cancels a running job, and refuses to cancel it twice', async () => {
    sim.setLatency(5000);
    const created = await api(sim, 'POST', '/generate/controlnet', { modelId: 'model_sd15-realistic', prompt: 'p', modality: 'depth', image: dataUrl(controlPng()), numSamples: 1, width: 64, height: 64 });
    sim.setLatency(150);
    const jobId = (created.body.job as { jobId: string }).jobId;
    const canceled = await api(sim, 'POST', `/jobs/${jobId}/action`, { action: 'cancel' });
    expect(canceled.status).toBe(200);
    expect((canceled.body.job as { status: string }).status).toBe('canceled');
    expect(validateAgainst(responseSchema('PostJobActionByJobIdResponse'), canceled.body)).toBeUndefined();
    expect((await api(sim, 'POST', `/jobs/${jobId}/action`, { action: 'cancel' })).status).toBe(400);
    expect((await api(sim, 'POST', `/jobs/${jobId}/action`, { action: 'pause' })).body.error).toContain('action');
    expect((await api(sim, 'GET', '/jobs/job_unknown')).status).toBe(404);
  });

  it('lists newest first, filters by status and pages with pageSize ≤ 200', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const created = await api(sim, 'POST', '/generate/controlnet', { modelId: 'model_sd15-realistic', prompt: `p${index}`, modality: 'depth', image: dataUrl(controlPng()), numSamples: 1, width: 64, height: 64 });
      ids.push((created.body.job as { jobId: string }).jobId);
    }
    const first = await api(sim, 'GET', '/jobs?pageSize=2');
    expect((first.body.jobs as { jobId: string }[]).map((job) => job.jobId)).toEqual([ids[2], ids[1]]);
    const token = String(first.body.nextPaginationToken);
    const second = await api(sim, 'GET', `/jobs?pageSize=2&paginationToken=${token}`);
    expect((second.body.jobs as { jobId: string }[])[0]?.jobId).toBe(ids[0]);
    expect((await api(sim, 'GET', '/jobs?pageSize=201')).body.error).toContain('pageSize');
    expect((await api(sim, 'GET', '/jobs?paginationToken=bogus')).status).toBe(400);
    const canceled = (await api(sim, 'GET', '/jobs?status=canceled')).body.jobs as { status: string }[];
    expect(canceled.length).toBeGreaterThan(0);
    expect(canceled.every((job) => job.status === 'canceled')).toBe(true);
    expect((await api(sim, 'GET', '/jobs?type=upscale')).body.jobs).toEqual([]);
  });
});

describe('request log', () => {
  it('records every accepted generate with hashes of the raw body and control image, in-process and over HTTP', async () => {
    const control = controlPng('canny-house-768x512.png');
    const raw = JSON.stringify({ modelId: 'model_sd15-realistic', prompt: 'dup', modality: 'canny', image: dataUrl(control), numSamples: 1, width: 64, height: 64 });
    const before = sim.generateLog.length;
    for (let index = 0; index < 2; index++) {
      const response = await fetch(`${sim.baseUrl}/generate/controlnet`, { method: 'POST', headers: { authorization: authHeader(sim), 'content-type': 'application/json' }, body: raw });
      expect(response.status).toBe(200);
    }
    await api(sim, 'POST', '/generate/controlnet', { modelId: 'model_sd15-realistic', prompt: 'dup' }); // rejected: not logged
    const entries = sim.generateLog.slice(before);
    expect(entries).toHaveLength(2);
    const bodySha = createHash('sha256').update(raw).digest('hex');
    expect(entries.every((entry) => entry.bodySha256 === bodySha && !entry.dryRun && entry.jobId !== null)).toBe(true);
    expect(entries[0]?.controlImageSha256).toBe(createHash('sha256').update(control).digest('hex'));
    const overHttp = (await (await fetch(`${new URL(sim.baseUrl).origin}/_simulator/log`)).json()) as { entries: unknown[] };
    expect(overHttp.entries).toHaveLength(sim.generateLog.length);
  });
});

describe('signed download URLs', () => {
  it('answer 403 once expired or when the query string is edited', async () => {
    const short = await startSimulator({ latencyMs: 0, urlTtlMs: 300 });
    try {
      const created = await api(short, 'POST', '/assets', { image: controlPng().toString('base64'), name: 'control.png' });
      expect(validateAgainst(responseSchema('PostAssetResponse'), created.body)).toBeUndefined();
      const url = (created.body.asset as { url: string }).url;
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url.replace(/expires=(\d+)/, (_m, n: string) => `expires=${Number(n) + 100000}`))).status).toBe(403);
      const { search } = new URL(url);
      const [expires = '', sig = ''] = search.slice(1).split('&');
      for (const edited of [`${url}&width=64`, url.replace(search, `?${sig}&${expires}`), url.replace(search, `${search}&`)]) {
        expect((await fetch(edited)).status, edited).toBe(403);
      }
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await fetch(url)).status).toBe(403);
      const again = await api(short, 'GET', `/assets/${(created.body.asset as { id: string }).id}`);
      expect((await fetch((again.body.asset as { url: string }).url)).status).toBe(200);
    } finally {
      await short.close();
    }
  });
});

describe('assets and uploads', () => {
  it('rejects an asset without a readable image', async () => {
    expect((await api(sim, 'POST', '/assets', { name: 'x' })).body.error).toContain('image');
    expect((await api(sim, 'POST', '/assets', { image: 'aGVsbG8=' })).body.error).toContain('name');
    expect((await api(sim, 'POST', '/assets', { image: 'aGVsbG8=', name: 'x' })).body.error).toContain('image');
    expect((await api(sim, 'POST', '/assets/get-bulk', { assetIds: Array.from({ length: 201 }, (_, i) => `asset_${i}`) })).body.error).toContain('assetIds');
  });

  it('runs the multipart flow: presigned PUTs, complete, then an asset usable as image', async () => {
    const bytes = controlPng('pose-standing-512x768.png');
    const half = Math.ceil(bytes.length / 2);
    const created = await api(sim, 'POST', '/uploads', { fileName: 'pose.png', fileSize: bytes.length, kind: 'image', parts: 2, contentType: 'image/png' });
    expect(created.status).toBe(200);
    expect(validateAgainst(responseSchema('PostUploadsResponse'), created.body)).toBeUndefined();
    const upload = created.body.upload as { id: string; parts: { number: number; url: string }[] };
    expect(upload.parts).toHaveLength(2);
    expect((await api(sim, 'POST', `/uploads/${upload.id}/action`, { action: 'complete' })).body.error).toContain('part');
    for (const part of upload.parts) {
      const chunk = part.number === 1 ? bytes.subarray(0, half) : bytes.subarray(half);
      const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(chunk) });
      expect(put.status).toBe(200);
      expect(put.headers.get('etag')).toMatch(/^".+"$/);
    }
    expect((await fetch(upload.parts[0]!.url.replace('sig=', 'sig=0'), { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await api(sim, 'POST', `/uploads/${upload.id}/action`, { action: 'finish' })).body.error).toContain('action');
    const completed = await api(sim, 'POST', `/uploads/${upload.id}/action`, { action: 'complete' });
    expect(validateAgainst(responseSchema('PostUploadsActionResponse'), completed.body)).toBeUndefined();
    let state: { status: string; entityId?: string } = { status: 'validating' };
    for (let attempt = 0; attempt < 100 && state.status === 'validating'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const polled = await api(sim, 'GET', `/uploads/${upload.id}`);
      expect(validateAgainst(responseSchema('GetUploadsByIdResponse'), polled.body)).toBeUndefined();
      state = polled.body.upload as typeof state;
    }
    expect(state.status).toBe('imported');
    expect(state.entityId).toMatch(/^asset_/);
    const asset = (await api(sim, 'GET', `/assets/${state.entityId}`)).body.asset as { url: string };
    expect(Buffer.from(await (await fetch(asset.url)).arrayBuffer()).equals(bytes)).toBe(true);
    const generated = await api(sim, 'POST', '/generate/controlnet?dryRun=true', { modelId: 'model_sd15-realistic', prompt: 'p', modality: 'pose', image: state.entityId });
    expect(generated.status).toBe(269);
  });

  it('fails an upload whose bytes are not an image, and validates the request', async () => {
    const created = await api(sim, 'POST', '/uploads', { fileName: 'x.png', fileSize: 5, kind: 'image', parts: 1 });
    const upload = created.body.upload as { id: string; parts: { url: string }[] };
    await fetch(upload.parts[0]!.url, { method: 'PUT', body: 'hello' });
    await api(sim, 'POST', `/uploads/${upload.id}/action`, { action: 'complete' });
    let status = 'validating';
    for (let attempt = 0; attempt < 100 && status === 'validating'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = String(((await api(sim, 'GET', `/uploads/${upload.id}`)).body.upload as { status: string }).status);
    }
    expect(status).toBe('failed');
    expect((await api(sim, 'POST', '/uploads', { fileName: 'x.png', kind: 'movie', parts: 1 })).body.error).toContain('kind');
    expect((await api(sim, 'POST', '/uploads', { fileName: 'x.png', kind: 'image', parts: 0 })).body.error).toContain('parts');
  });
});

describe('models', () => {
  it('pages with pageSize ≤ 500 and nextPaginationToken, and filters by privacy and status', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await api(sim, 'GET', `/models?pageSize=3${token ? `&paginationToken=${token}` : ''}`);
      seen.push(...(page.body.models as { id: string }[]).map((model) => model.id));
      token = page.body.nextPaginationToken as string | undefined;
    } while (token);
    expect(seen).toEqual(SEEDED_MODELS.map((model) => model.id));
    expect((await api(sim, 'GET', '/models?pageSize=501')).body.error).toContain('pageSize');
    const publicModels = (await api(sim, 'GET', '/models?privacy=public')).body.models as { privacy: string }[];
    expect(publicModels.length).toBeGreaterThan(0);
    expect(publicModels.every((model) => model.privacy === 'public')).toBe(true);
    const training = (await api(sim, 'GET', '/models?status=training')).body.models as { id: string }[];
    expect(training.map((model) => model.id)).toEqual(['model_sdxl-in-training']);
    const lora = (await api(sim, 'GET', '/models/model_flux-ink')).body.model as { type: string; compliantModelIds: string[]; thumbnail: { url: string } };
    expect(lora.type).toBe('flux.1-lora');
    expect(lora.compliantModelIds).toContain('flux.1-dev');
    expect((await fetch(lora.thumbnail.url)).status).toBe(200);
    expect((await api(sim, 'GET', '/models/model_nope')).status).toBe(404);
  });
});
