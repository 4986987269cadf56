import { describe, expect, it } from 'vitest';
import {
  buildControlNetRequest, canonicalJson, PresetError, validatePreset, type Preset,
} from '../../src/shared/preset';

function preset(input: object): Preset {
  const result = validatePreset(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.preset;
}

const minimal = preset({ name: 'Portrait', modelId: 'model_abc', prompt: 'a knight', modality: 'Depth:0.50' });

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, e: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
    expect(canonicalJson({ 'é': 1, Z: 2, a: 3 })).toBe('{"Z":2,"a":3,"é":1}');
    expect(canonicalJson([undefined, 'q"uote'])).toBe('[null,"q\\"uote"]');
  });
});

describe('buildControlNetRequest', () => {
  it('fills the defaults so the body describes the whole run, and drops the name', () => {
    const { body, json } = buildControlNetRequest(minimal, { image: 'asset_1', seed: '42', family: 'sd-xl' });
    expect(body).toEqual({
      modelId: 'model_abc', prompt: 'a knight', modality: 'depth:0.5', image: 'asset_1', seed: '42',
      numSamples: 4, width: 512, height: 512, numInferenceSteps: 30, guidance: 6,
    });
    expect(json).toBe(
      '{"guidance":6,"height":512,"image":"asset_1","modality":"depth:0.5","modelId":"model_abc","numInferenceSteps":30,"numSamples":4,"prompt":"a knight","seed":"42","width":512}',
    );
  });

  it('uses the family guidance default and leaves guidance to Scenario when the family is unknown', () => {
    expect(buildControlNetRequest(minimal, { image: 'asset_1', seed: '1', family: 'flux-dev' }).body.guidance).toBe(3.5);
    const unknown = buildControlNetRequest(minimal, { image: 'asset_1', seed: '1' });
    expect('guidance' in unknown.body).toBe(false);
    expect(unknown.json).not.toContain('guidance');
  });

  it('keeps the preset values over the defaults and omits unset fields', () => {
    const full = preset({
      name: 'Full', modelId: 'm', prompt: 'p', modality: 'canny', negativePrompt: 'blurry', negativePromptStrength: 1,
      guidance: 2.5, numInferenceSteps: 20, numSamples: 1, width: 768, height: 1024, seed: '7', scheduler: 'LCMScheduler',
      controlStart: 0.1, controlEnd: 0.5, baseModelId: 'flux.1-dev', concepts: [{ modelId: 'lora', scale: 0.8 }], hideResults: true,
    });
    const { body, json } = buildControlNetRequest(full, { image: 'data:image/png;base64,AAAA', seed: '7', family: 'flux-dev' });
    expect(body).toEqual({
      modelId: 'm', prompt: 'p', modality: 'canny', negativePrompt: 'blurry', negativePromptStrength: 1, guidance: 2.5,
      numInferenceSteps: 20, numSamples: 1, width: 768, height: 1024, seed: '7', scheduler: 'LCMScheduler', controlStart: 0.1,
      controlEnd: 0.5, baseModelId: 'flux.1-dev', concepts: [{ modelId: 'lora', scale: 0.8 }], hideResults: true,
      image: 'data:image/png;base64,AAAA',
    });
    expect(Object.values(body)).not.toContain(undefined);
    expect(JSON.parse(json)).toEqual(body);
  });

  it('gives byte-identical json whatever the order of the input keys', () => {
    const fields = {
      name: 'Same', modelId: 'm', prompt: 'p', modality: 'pose:1,canny:0.3', width: 640, guidance: 4,
      concepts: [{ scale: 1, modelId: 'a', modelEpoch: '2' }],
    };
    const reversed = Object.fromEntries(Object.entries(fields).reverse());
    const first = buildControlNetRequest(preset(fields), { image: 'asset_x', seed: '99' });
    const second = buildControlNetRequest(preset(reversed), { image: 'asset_x', seed: '99' });
    expect(second.json).toBe(first.json);
    expect(first.json).toBe(
      '{"concepts":[{"modelEpoch":"2","modelId":"a","scale":1}],"guidance":4,"height":512,"image":"asset_x","modality":"pose:1,canny:0.3","modelId":"m","numInferenceSteps":30,"numSamples":4,"prompt":"p","seed":"99","width":640}',
    );
  });

  it('refuses a bad seed or a missing image with a typed error', () => {
    const badSeed = () => buildControlNetRequest(minimal, { image: 'asset_1', seed: '-3' });
    expect(badSeed).toThrow(PresetError);
    expect(badSeed).toThrow(expect.objectContaining({ code: 'invalid-seed' }) as Error);
    expect(() => buildControlNetRequest(minimal, { image: ' ', seed: '3' })).toThrow(
      expect.objectContaining({ code: 'missing-image', userMessage: 'No control image was given: add an image to generate from.' }) as Error,
    );
  });
});
