/**
 * The client's preset rules against the simulator, whose validation comes from the contract file
 * (not from the client's schemas): a request built from a valid preset of each family is accepted,
 * and each per-family rule of NOTES.md is refused by both sides, on the same field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildControlNetRequest, canonicalJson, validatePreset, type ModelFamily } from '../../src/shared/preset/index';
import { startSimulator, type RunningSimulator } from '../../src/main/simulator/index';
import { api, controlPng, dataUrl } from '../simulator/helpers';

let sim: RunningSimulator;
const image = dataUrl(controlPng());

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

interface FamilyCase {
  family: ModelFamily;
  modelId: string;
  isLora?: boolean;
  compliantModelIds?: string[];
  preset: Record<string, unknown>;
}

const VALID: FamilyCase[] = [
  { family: 'sd-1_5', modelId: 'model_sd15-realistic', preset: { modality: 'depth:0.5,pose:1', width: 768, height: 512, guidance: 7.5 } },
  { family: 'sd-1_5', modelId: 'model_sd15-watercolor', preset: { modality: 'character', width: 512, height: 768 } },
  { family: 'sd-xl', modelId: 'model_sdxl-base', preset: { modality: 'canny:0.8,depth:0.4,seg:0.3', width: 1024, height: 1024, guidance: 6 } },
  { family: 'flux-dev', modelId: 'flux.1-dev', preset: { modality: 'canny', width: 1024, height: 768, guidance: 3.5, controlStart: 0, controlEnd: 0.5, negativePrompt: 'blurry', negativePromptStrength: 1 } },
  { family: 'flux-schnell', modelId: 'flux.1-schnell', preset: { modality: 'depth', width: 768, height: 768 } },
  { family: 'flux-dev', modelId: 'model_flux-ink', isLora: true, compliantModelIds: ['flux.1-dev', 'flux.1-schnell'], preset: { modality: 'pose', baseModelId: 'flux.1-dev', width: 512, height: 512 } },
];

/** Each rule from the NOTES.md table, broken once: [what, family case, overrides, field named by both sides]. */
const BROKEN: [string, FamilyCase, Record<string, unknown>, string][] = [
  ['SD 1.5 sizes stop at 1024', VALID[0]!, { width: 1032 }, 'width'],
  ['SDXL sizes start at 512', VALID[2]!, { height: 256 }, 'height'],
  ['sizes are multiples of 8', VALID[0]!, { width: 1001 }, 'width'],
  ['Flux dev guidance stops at 10', VALID[3]!, { guidance: 12 }, 'guidance'],
  ['SDXL has no lines modality', VALID[2]!, { modality: 'lines' }, 'modality'],
  ['SD 1.5 takes at most 3 modalities', VALID[0]!, { modality: 'canny,depth,pose,seg' }, 'modality'],
  ['Flux takes exactly one modality', VALID[3]!, { modality: 'canny,depth' }, 'modality'],
  ['Flux has no family presets', VALID[4]!, { modality: 'character' }, 'modality'],
  ['control start is for Flux dev only (SDXL)', VALID[2]!, { controlStart: 0.2 }, 'controlStart'],
  ['control end is for Flux dev only (schnell)', VALID[4]!, { controlEnd: 0.6 }, 'controlEnd'],
  ['a Flux negative prompt needs a strength', VALID[3]!, { negativePromptStrength: undefined }, 'negativePromptStrength'],
  ['base model is for Flux LoRA only', VALID[0]!, { baseModelId: 'flux.1-dev' }, 'baseModelId'],
  ['base model must be compliant', VALID[5]!, { baseModelId: 'model_sdxl-base' }, 'baseModelId'],
];

function presetOf(sample: FamilyCase, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const preset: Record<string, unknown> = { name: 'contract check', modelId: sample.modelId, prompt: 'a lighthouse on a cliff', ...sample.preset, ...overrides };
  for (const [key, value] of Object.entries(preset)) if (value === undefined) delete preset[key];
  return preset;
}

const contextOf = (sample: FamilyCase) => ({ family: sample.family, isLora: sample.isLora ?? false, ...(sample.compliantModelIds ? { compliantModelIds: sample.compliantModelIds } : {}) });

const dryRun = (json: string) => api(sim, 'POST', '/generate/controlnet?dryRun=true', JSON.parse(json));

describe('valid presets of each family', () => {
  it.each(VALID.map((sample) => [`${sample.family} ${sample.modelId}`, sample] as const))('%s: the built request is accepted (269)', async (_name, sample) => {
    const validation = validatePreset(presetOf(sample), contextOf(sample));
    expect(validation.ok, JSON.stringify(validation)).toBe(true);
    if (!validation.ok) return;
    const { json } = buildControlNetRequest(validation.preset, { image, seed: '42', family: sample.family });
    const answer = await dryRun(json);
    expect(answer.status, JSON.stringify(answer.body)).toBe(269);
    expect(answer.body.creativeUnitsCost).toBeGreaterThan(0);
  });
});

describe('per-family rules are refused by both the client and the contract-derived simulator', () => {
  it.each(BROKEN)('%s', async (_rule, sample, overrides, field) => {
    const preset = presetOf(sample, overrides);
    const validation = validatePreset(preset, contextOf(sample));
    expect(validation.ok).toBe(false);
    if (validation.ok) return;
    expect(validation.issues.map((issue) => issue.field)).toContain(field);

    // The same values sent as they are, bypassing the client's rules.
    const { name: _name, ...body } = preset;
    const answer = await dryRun(canonicalJson({ ...body, image, seed: '42' }));
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(String(answer.body.error)).toContain(field);
  });
});
