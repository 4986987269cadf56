import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseSchema } from '../../src/main/simulator/contract';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { validateAgainst } from '../../src/main/simulator/validate';
import { api, controlPng, dataUrl, waitForJob } from './helpers';

let sim: RunningSimulator;
const image = dataUrl(controlPng());

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

const custom = (modelId: string, body: Record<string, unknown>, dryRun = false) => api(sim, 'POST', `/generate/custom/${modelId}${dryRun ? '?dryRun=true' : ''}`, body);
const flux = (overrides: Record<string, unknown> = {}) => ({ prompt: 'a knight', controlImage: image, controlModality: 'pose', ...overrides });

describe('models that publish inputs', () => {
  it('GET /models/{id} lists the inputs of the three custom models, with names and types', async () => {
    for (const id of ['model_bfl-flux-1-dev', 'model_reference-painter', 'model_texture-forge']) {
      const { status, body } = await api(sim, 'GET', `/models/${id}`);
      expect(status).toBe(200);
      expect(validateAgainst(responseSchema('GetModelsByModelIdResponse'), body)).toBeUndefined();
      const inputs = (body.model as { inputs: { name: string; type: string }[] }).inputs;
      expect(inputs.length).toBeGreaterThan(3);
      for (const input of inputs) expect(typeof input.name === 'string' && typeof input.type === 'string').toBe(true);
    }
    const listed = await api(sim, 'GET', '/models?pageSize=500');
    const byId = new Map((listed.body.models as { id: string; inputs?: unknown[] }[]).map((model) => [model.id, model]));
    expect(byId.get('model_bfl-flux-1-dev')?.inputs).toBeDefined();
    expect(byId.get('model_sd15-realistic')?.inputs).toBeUndefined();
  });
});

describe('POST /generate/custom/{modelId}', () => {
  it('makes a custom job whose listing carries the model, the seed and the files by asset id', async () => {
    const answer = await custom('model_bfl-flux-1-dev', flux({ seed: 42, numOutputs: 2, width: 512, height: 512 }));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const job = answer.body.job as Record<string, unknown>;
    expect(job.jobType).toBe('custom');
    const done = await waitForJob(sim, String(job.jobId));
    expect(done.status).toBe('success');
    const metadata = done.metadata as { input: Record<string, unknown>; assetIds: string[] };
    expect(metadata.assetIds).toHaveLength(2);
    expect(metadata.input).toMatchObject({ modelId: 'model_bfl-flux-1-dev', prompt: 'a knight', seed: 42, controlModality: 'pose' });
    expect(String(metadata.input.controlImage)).toMatch(/^asset_/);
    const listed = await api(sim, 'GET', '/jobs?type=custom');
    expect((listed.body.jobs as { jobId: string }[]).map((item) => item.jobId)).toContain(job.jobId);
    const inferenceOnly = await api(sim, 'GET', '/jobs?type=inference');
    expect((inferenceOnly.body.jobs as { jobId: string }[]).map((item) => item.jobId)).not.toContain(job.jobId);
  });

  it('answers a dry run with 269 and a cost that follows the costImpact inputs', async () => {
    const one = await custom('model_bfl-flux-1-dev', flux({ numOutputs: 1 }), true);
    const four = await custom('model_bfl-flux-1-dev', flux({ numOutputs: 4 }), true);
    expect(one.status).toBe(269);
    expect(four.body.creativeUnitsCost).toBe(4 * Number(one.body.creativeUnitsCost));
    // Guidance has no cost impact.
    const guided = await custom('model_bfl-flux-1-dev', flux({ numOutputs: 1, guidance: 7 }), true);
    expect(guided.body.creativeUnitsCost).toBe(one.body.creativeUnitsCost);
    const texture = (resolution: string) => custom('model_texture-forge', { image, resolution }, true);
    const [k1, k4] = [await texture('1k'), await texture('4k')];
    expect(Number(k4.body.creativeUnitsCost)).toBeGreaterThan(Number(k1.body.creativeUnitsCost));
  });

  it.each([
    ['unknown input', 'model_bfl-flux-1-dev', flux({ modality: 'pose' }), 'modality'],
    ['always required', 'model_bfl-flux-1-dev', flux({ prompt: undefined }), 'prompt'],
    ['ifDefined', 'model_bfl-flux-1-dev', flux({ controlModality: undefined }), 'controlModality'],
    ['allowedValues', 'model_bfl-flux-1-dev', flux({ controlModality: 'seg' }), 'controlModality'],
    ['step', 'model_bfl-flux-1-dev', flux({ width: 1001 }), 'width'],
    ['max', 'model_bfl-flux-1-dev', flux({ controlStrength: 1.5 }), 'controlStrength'],
    ['maxLength', 'model_bfl-flux-1-dev', flux({ prompt: 'x'.repeat(2001) }), 'prompt'],
    ['an array as a bare string', 'model_reference-painter', { prompt: 'p', referenceImages: image }, 'referenceImages'],
    ['too many array items', 'model_reference-painter', { prompt: 'p', referenceImages: [image, image, image, image, image] }, 'referenceImages'],
    ['ifNotDefined', 'model_texture-forge', { mode: 'seamless' }, 'prompt'],
    ['conditionalValues', 'model_texture-forge', { image, mode: 'tile' }, 'tileCount'],
    ['a file that is no image', 'model_texture-forge', { image: 'data:image/png;base64,AAAA' }, 'image'],
    ['an asset that does not exist', 'model_texture-forge', { image: 'asset_nowhere' }, 'image'],
  ])('refuses %s naming the field', async (_case, modelId, body, field) => {
    const answer = await custom(modelId, body, true);
    expect([400, 404]).toContain(answer.status);
    expect(String(answer.body.error)).toContain(field);
  });

  it('accepts the conditional inputs once their condition is met', async () => {
    expect((await custom('model_texture-forge', { image, mode: 'tile', tileCount: 4 }, true)).status).toBe(269);
    expect((await custom('model_texture-forge', { prompt: 'moss', mode: 'decal' }, true)).status).toBe(269);
    expect((await custom('model_reference-painter', { prompt: 'p', referenceImages: [image] }, true)).status).toBe(269);
  });

  it('refuses a model that publishes no inputs, and one that does not exist', async () => {
    expect((await custom('model_sd15-realistic', { prompt: 'p' }, true)).status).toBe(400);
    expect((await custom('model_nowhere', { prompt: 'p' }, true)).status).toBe(404);
  });
});

describe('POST /generate/detect', () => {
  it('makes a map of the picture as a detection job, checks the modality against the contract, and prices a dry run', async () => {
    const refused = await api(sim, 'POST', '/generate/detect', { image, modality: 'tile' });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error)).toContain('modality');
    expect((await api(sim, 'POST', '/generate/detect?dryRun=true', { image, modality: 'canny' })).status).toBe(269);

    const answer = await api(sim, 'POST', '/generate/detect', { image, modality: 'grayscale' });
    expect(answer.status).toBe(200);
    const job = await waitForJob(sim, String((answer.body.job as { jobId: string }).jobId));
    expect(job.jobType).toBe('detection');
    const [assetId] = (job.metadata as { assetIds: string[] }).assetIds;
    const asset = (await api(sim, 'GET', `/assets/${assetId}`)).body.asset as { url: string };
    const map = Buffer.from(await (await fetch(asset.url)).arrayBuffer());
    expect(map.subarray(1, 4).toString()).toBe('PNG');
    // The same picture gives the same map.
    const again = await waitForJob(sim, String(((await api(sim, 'POST', '/generate/detect', { image, modality: 'grayscale' })).body.job as { jobId: string }).jobId));
    const againAsset = (await api(sim, 'GET', `/assets/${(again.metadata as { assetIds: string[] }).assetIds[0]}`)).body.asset as { url: string };
    expect(Buffer.from(await (await fetch(againAsset.url)).arrayBuffer()).equals(map)).toBe(true);
  });
});
