import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { api, controlPng, dataUrl } from './helpers';

let sim: RunningSimulator;
// Built at load time: the it.each tables below are evaluated before beforeAll runs.
const image = dataUrl(controlPng());

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

const dryRun = (body: Record<string, unknown>) => api(sim, 'POST', '/generate/controlnet?dryRun=true', body);
const base = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ modelId: 'model_sd15-realistic', prompt: 'a house', modality: 'canny', image, width: 512, height: 512, ...overrides });

async function expectRejected(body: Record<string, unknown>, field: string, status = 400): Promise<void> {
  const answer = await dryRun(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.apiError).toBe(status === 404 ? 'notFound' : 'badRequest');
  expect(String(answer.body.error)).toContain(field);
  expect(typeof answer.body.id).toBe('string');
  expect(typeof answer.body.infos).toBe('object');
}

describe('auth', () => {
  it('answers 401 with a Scenario-shaped body without or with wrong credentials', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('sim-key:wrong').toString('base64')}`]) {
      const response = await fetch(`${sim.baseUrl}/models`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.apiError).toBe('unauthorized');
      expect(JSON.stringify(body)).not.toContain('sim-secret');
    }
  });
});

describe('contract rules (from contract-data.json)', () => {
  it.each([
    ['modelId', { modelId: undefined }],
    ['prompt', { prompt: undefined }],
    ['modality', { modality: undefined }],
  ])('requires %s', async (field, overrides) => {
    await expectRejected(base(overrides), field);
  });

  it.each([
    ['prompt', { prompt: 12 }],
    ['numSamples', { numSamples: '2' }],
    ['seed', { seed: 42 }],
    ['imageHide', { imageHide: 'yes' }],
    ['scheduler', { scheduler: 'FastScheduler' }],
    ['numSamples', { numSamples: 0 }],
    ['numSamples', { numSamples: 129 }],
    ['numInferenceSteps', { numInferenceSteps: 151 }],
    ['negativePromptStrength', { negativePromptStrength: 11 }],
    ['concepts[0].scale', { concepts: [{ modelId: 'model_x', scale: 3 }] }],
    ['concepts[0].scale', { concepts: [{ modelId: 'model_x' }] }],
    ['width', { width: 4096 }],
  ])('rejects a bad %s', async (field, overrides) => {
    await expectRejected(base(overrides), field);
  });

  it('accepts unknown fields, as the real gateway does', async () => {
    expect((await dryRun(base({ somethingNew: true }))).status).toBe(269);
  });

  it('rejects a body that is not a JSON object', async () => {
    const response = await fetch(`${sim.baseUrl}/generate/controlnet`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}` }, body: '[1,2' });
    expect(response.status).toBe(400);
  });
});

describe('control image', () => {
  it('needs an image', async () => {
    await expectRejected(base({ image: undefined }), 'image');
  });
  it('rejects something that is neither a data URL nor an asset id', async () => {
    await expectRejected(base({ image: 'https://example.com/x.png' }), 'image');
  });
  it('rejects a data URL that is not an image', async () => {
    await expectRejected(base({ image: `data:image/png;base64,${Buffer.from('not a png').toString('base64')}` }), 'image');
  });
  it('answers 404 for an unknown asset id', async () => {
    await expectRejected(base({ image: 'asset_doesnotexist' }), 'image', 404);
  });
});

describe('models', () => {
  it('answers 404 for an unknown model', async () => {
    await expectRejected(base({ modelId: 'model_nope' }), 'modelId', 404);
  });
  it('refuses a model without controlnet and one not trained', async () => {
    await expectRejected(base({ modelId: 'model_gpt-image' }), 'modelId');
    await expectRejected(base({ modelId: 'model_sdxl-in-training', width: 1024, height: 1024 }), 'modelId');
  });
});

describe('family rules', () => {
  const sd15 = (o: Record<string, unknown>) => base(o);
  const sdxl = (o: Record<string, unknown>) => base({ modelId: 'model_sdxl-base', width: 1024, height: 1024, ...o });
  const dev = (o: Record<string, unknown>) => base({ modelId: 'flux.1-dev', width: 1024, height: 1024, ...o });
  const schnell = (o: Record<string, unknown>) => base({ modelId: 'flux.1-schnell', width: 1024, height: 1024, ...o });
  const lora = (o: Record<string, unknown>) => base({ modelId: 'model_flux-ink', width: 1024, height: 1024, ...o });

  it.each([
    ['sd 1.5 width above 1024', sd15({ width: 1536 }), 'width'],
    ['sdxl height below 512', sdxl({ height: 256 }), 'height'],
    ['width not a multiple of 8', sd15({ width: 516 }), 'width'],
    ['flux dev guidance above 10', dev({ guidance: 12 }), 'guidance'],
    ['modality not in the family', sdxl({ modality: 'lineart' }), 'modality'],
    ['flux modality of sd', dev({ modality: 'seg' }), 'modality'],
    ['flux with two modalities', dev({ modality: 'canny,depth' }), 'modality'],
    ['sd with four modalities', sd15({ modality: 'canny,depth,pose,seg' }), 'modality'],
    ['weight above 1', sd15({ modality: 'depth:1.5' }), 'modality'],
    ['weight of 0', sd15({ modality: 'depth:0' }), 'modality'],
    ['malformed modality', sd15({ modality: 'depth;pose' }), 'modality'],
    ['preset of another family', sdxl({ modality: 'city' }), 'modality'],
    ['preset combined with a modality', sd15({ modality: 'character,depth' }), 'modality'],
    ['controlStart on sd', sd15({ controlStart: 0.2 }), 'controlStart'],
    ['controlEnd on flux schnell', schnell({ controlEnd: 0.6 }), 'controlEnd'],
    ['controlStart above 0.9', dev({ controlStart: 0.95 }), 'controlStart'],
    ['flux negativePrompt without strength', dev({ negativePrompt: 'blurry' }), 'negativePromptStrength'],
    ['baseModelId on a non-LoRA', dev({ baseModelId: 'flux.1-schnell' }), 'baseModelId'],
    ['baseModelId not compliant', lora({ baseModelId: 'model_sdxl-base' }), 'baseModelId'],
  ])('rejects %s', async (_name, body, field) => {
    await expectRejected(body, field);
  });

  it.each([
    ['combined sd modalities with weights', sd15({ modality: 'depth:0.5,pose:1' })],
    ['an sd preset', sd15({ modality: 'interior' })],
    ['an sdxl preset', sdxl({ modality: 'landscape' })],
    ['controlStart/End on flux dev', dev({ controlStart: 0.1, controlEnd: 0.6 })],
    ['flux negativePrompt with strength', dev({ negativePrompt: 'blurry', negativePromptStrength: 2 })],
    ['flux LoRA on a compliant base', lora({ baseModelId: 'flux.1-dev', controlEnd: 0.5 })],
    ['sd guidance 15', sd15({ guidance: 15 })],
  ])('accepts %s', async (_name, body) => {
    const answer = await dryRun(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(269);
  });

  it('refuses controlStart on a LoRA that runs on schnell', async () => {
    await expectRejected(lora({ baseModelId: 'flux.1-schnell', controlStart: 0.2 }), 'controlStart');
  });
});
