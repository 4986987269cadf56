import { describe, expect, it } from 'vitest';
import { defaultsFor, validatePreset, type FieldIssue, type ModelFamily, type PresetContext } from '../../src/shared/preset';

const base = { name: 'Portrait', modelId: 'model_abc', prompt: 'a knight in armour', modality: 'canny' };

function issuesOf(input: unknown, context: PresetContext = {}): FieldIssue[] {
  const result = validatePreset(input, context);
  if (result.ok) throw new Error('expected the preset to be rejected');
  return result.issues;
}

function family(name: ModelFamily): PresetContext {
  return { family: name };
}

describe('validatePreset: contract rules', () => {
  it('accepts a minimal preset and normalizes it', () => {
    expect(validatePreset({ ...base, name: '  Portrait  ', modality: ' Depth:0.50, POSE ', negativePrompt: '  ' })).toEqual({
      ok: true,
      preset: { name: 'Portrait', modelId: 'model_abc', prompt: 'a knight in armour', modality: 'depth:0.5,pose', negativePrompt: undefined },
    });
  });

  it('accepts every field of the request', () => {
    const full = {
      ...base, negativePrompt: 'blurry', negativePromptStrength: 2, guidance: 3.5, numInferenceSteps: 28, numSamples: 2,
      width: 1024, height: 768, seed: '42', scheduler: 'EulerDiscreteScheduler', disableModalityDetection: true,
      controlStart: 0, controlEnd: 0.6, baseModelId: 'flux.1-dev', concepts: [{ modelId: 'model_lora', scale: -1.5, modelEpoch: '7' }],
      modelEpoch: '3', hideResults: false, intermediateImages: true,
    };
    expect(validatePreset(full, { family: 'flux-dev', isLora: true, compliantModelIds: ['flux.1-dev'] })).toEqual({ ok: true, preset: full });
  });

  it('names the missing required fields and what to do', () => {
    expect(issuesOf({})).toEqual([
      { field: 'name', message: 'Name is required: give the preset a name.' },
      { field: 'modelId', message: 'Model is required: choose a model.' },
      { field: 'prompt', message: 'Prompt is required: describe the image you want.' },
      { field: 'modality', message: "Modality is required: enter one, for example 'canny' or 'depth:0.5,pose:1'." },
    ]);
    expect(issuesOf(null)).toEqual([{ field: '', message: 'The preset must be an object: null is not.' }]);
  });

  it('reports several problems at once, one per field', () => {
    expect(issuesOf({
      ...base, name: 'x'.repeat(81), width: 1001, height: 2049, numSamples: 1.5, numInferenceSteps: 0, seed: '007',
      scheduler: 'Fast', controlEnd: 0.05, modality: 'canny,canny', hideResults: 'yes', concepts: [{ modelId: '', scale: 3 }], colour: 'red',
    })).toEqual([
      { field: 'name', message: 'Name is 81 characters long: shorten it to 80 or fewer.' },
      { field: 'modality', message: "Modality 'canny' appears twice: keep it once." },
      { field: 'numInferenceSteps', message: 'Steps 0 is too small: use 1 or more.' },
      { field: 'numSamples', message: 'Number of images must be a whole number: 1.5 is not.' },
      { field: 'width', message: 'Width 1001 must be a multiple of 8: use 1000 or 1008.' },
      { field: 'height', message: 'Height 2049 is too large: use 2048 or less.' },
      { field: 'seed', message: "Seed '007' must be digits only, without leading zeros (such as 42): fix it, or leave it empty for a random seed." },
      { field: 'scheduler', message: expect.stringMatching(/^Scheduler 'Fast' is not one Scenario knows: use DDIMScheduler, .* or UniPCMultistepScheduler\.$/) as string },
      { field: 'controlEnd', message: 'Control end 0.05 is too small: use 0.1 or more.' },
      { field: 'concepts.0.modelId', message: 'Concept 1 model is empty: choose a model.' },
      { field: 'concepts.0.scale', message: 'Concept 1 scale 3 is too large: use 2 or less.' },
      { field: 'hideResults', message: "Hide results must be on or off (true or false): 'yes' is not." },
      { field: 'colour', message: "Unknown field 'colour': remove it." },
    ]);
  });

  it('applies no family rule when the family is unknown', () => {
    expect(validatePreset({ ...base, width: 2048, guidance: 20, modality: 'lines,seg,sketch', controlStart: 0.5, baseModelId: 'b' }).ok).toBe(true);
  });
});

describe('validatePreset: family rules', () => {
  const validPerFamily: Record<ModelFamily, object> = {
    'sd-1_5': { ...base, width: 1024, height: 64, guidance: 20, modality: 'lines:0.4,normal-map,illusion:1' },
    'sd-xl': { ...base, width: 512, height: 2048, guidance: 0, modality: 'landscape:0.8', negativePrompt: 'ugly' },
    'flux-dev': { ...base, width: 2048, height: 64, guidance: 10, modality: 'low-quality', controlStart: 0.9, controlEnd: 0.1, negativePrompt: 'ugly', negativePromptStrength: 0.5 },
    'flux-schnell': { ...base, modality: 'tile:0.7', guidance: 0 },
    'flux-pro': { ...base, modality: 'gray', guidance: 5 },
  };

  it.each(Object.entries(validPerFamily))('accepts a valid %s preset', (name, preset) => {
    expect(validatePreset(preset, family(name as ModelFamily)).ok).toBe(true);
  });

  it('holds each family to its size range', () => {
    expect(issuesOf({ ...base, width: 256 }, family('sd-xl'))).toEqual([{ field: 'width', message: 'SDXL allows widths from 512 to 2048: 256 is too small.' }]);
    expect(issuesOf({ ...base, height: 1032 }, family('sd-1_5'))).toEqual([{ field: 'height', message: 'SD 1.5 allows heights from 64 to 1024: 1032 is too large.' }]);
    // The family's range wins over the contract's wider one: one message per field.
    expect(issuesOf({ ...base, width: 2056 }, family('sd-1_5'))).toEqual([{ field: 'width', message: 'SD 1.5 allows widths from 64 to 1024: 2056 is too large.' }]);
  });

  it('holds each family to its guidance range', () => {
    expect(issuesOf({ ...base, guidance: 12 }, family('flux-dev'))).toEqual([{ field: 'guidance', message: 'Flux dev allows guidance from 0 to 10: 12 is too high.' }]);
    expect(issuesOf({ ...base, guidance: 1.5 }, family('flux-pro'))).toEqual([{ field: 'guidance', message: 'Flux pro allows guidance from 2 to 5: 1.5 is too low.' }]);
    expect(validatePreset({ ...base, guidance: 12 }, family('sd-xl')).ok).toBe(true);
  });

  it('holds each family to its modalities and presets', () => {
    expect(issuesOf({ ...base, modality: 'canny,pose' }, family('flux-dev'))).toEqual([{ field: 'modality', message: "Flux dev takes exactly one modality: remove 'pose'." }]);
    expect(issuesOf({ ...base, modality: 'canny,pose:0.5,depth' }, family('flux-schnell'))).toEqual([{ field: 'modality', message: "Flux schnell takes exactly one modality: remove 'pose' and 'depth'." }]);
    expect(issuesOf({ ...base, modality: 'lines' }, family('sd-xl'))).toEqual([{ field: 'modality', message: "SDXL does not support the modality 'lines': use canny, pose, depth, seg, illusion or scribble." }]);
    expect(issuesOf({ ...base, modality: 'tile' }, family('sd-1_5'))).toEqual([{ field: 'modality', message: "SD 1.5 does not support the modality 'tile': use canny, pose, depth, lines, seg, scribble, lineart, normal-map or illusion." }]);
    expect(issuesOf({ ...base, modality: 'city' }, family('sd-xl'))).toEqual([{ field: 'modality', message: "SDXL has no preset 'city': use character or landscape, or modalities." }]);
    expect(issuesOf({ ...base, modality: 'character' }, family('flux-pro'))).toEqual([{ field: 'modality', message: "Flux pro has no presets like 'character': use one modality from canny, tile, depth, blur, pose, gray or low-quality." }]);
  });

  it('keeps control start and end for Flux dev', () => {
    expect(issuesOf({ ...base, controlStart: 0.2, controlEnd: 0.8 }, family('flux-schnell'))).toEqual([
      { field: 'controlStart', message: 'Control start is only for Flux dev models: remove it.' },
      { field: 'controlEnd', message: 'Control end is only for Flux dev models: remove it.' },
    ]);
    expect(issuesOf({ ...base, controlStart: 0.2 }, family('sd-xl'))).toEqual([{ field: 'controlStart', message: 'Control start is only for Flux dev models: remove it.' }]);
  });

  it('asks for a negative prompt strength on Flux', () => {
    const message = 'A negative prompt on Flux needs a negative prompt strength above 0: set one (for example 1) or clear the negative prompt.';
    expect(issuesOf({ ...base, negativePrompt: 'blurry' }, family('flux-dev'))).toEqual([{ field: 'negativePromptStrength', message }]);
    expect(issuesOf({ ...base, negativePrompt: 'blurry', negativePromptStrength: 0 }, family('flux-pro'))).toEqual([{ field: 'negativePromptStrength', message }]);
    expect(validatePreset({ ...base, negativePrompt: 'blurry' }, family('sd-1_5')).ok).toBe(true);
  });

  it('allows a base model only for Flux LoRA models, from their compliant list', () => {
    const withBase = { ...base, baseModelId: 'flux.1-krea' };
    const notForThisModel = [{ field: 'baseModelId', message: 'Base model is only for Flux LoRA models: remove it.' }];
    expect(issuesOf(withBase, { family: 'sd-xl' })).toEqual(notForThisModel);
    expect(issuesOf(withBase, { family: 'flux-dev', isLora: false })).toEqual(notForThisModel);
    expect(issuesOf(withBase, { family: 'flux-dev', isLora: true, compliantModelIds: ['flux.1-dev', 'flux.1-schnell'] })).toEqual([
      { field: 'baseModelId', message: "Base model flux.1-krea is not one of this model's compliant models: flux.1-dev, flux.1-schnell." },
    ]);
    expect(validatePreset(withBase, { family: 'flux-dev', isLora: true, compliantModelIds: ['flux.1-krea'] }).ok).toBe(true);
  });
});

describe('defaultsFor', () => {
  it('gives the family guidance and the builder defaults', () => {
    expect(defaultsFor('sd-1_5')).toEqual({ guidance: 7.5, width: 512, height: 512, numSamples: 4, numInferenceSteps: 30 });
    expect(defaultsFor('flux-pro').guidance).toBe(3);
  });
});
