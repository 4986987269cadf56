import { describe, expect, it } from 'vitest';
import { FAMILY_RULES, familyOfModel, isFluxLora } from '../../src/shared/preset';

describe('familyOfModel', () => {
  it('maps every model type of the contract', () => {
    const families = Object.fromEntries(
      [
        'sd-1_5', 'sd-1_5-composition', 'sd-1_5-lora', 'sd-xl', 'sd-xl-composition', 'sd-xl-lora',
        'flux.1', 'flux.1-lora', 'flux.1-composition', 'flux.1-krea-dev', 'flux.1-krea-lora',
        'flux.1-kontext-dev', 'flux.1-kontext-lora', 'flux.1-pro', 'flux1.1-pro', 'flux.1.1-pro-ultra',
        'custom', 'gpt-image-1',
      ].map((type) => [type, familyOfModel({ type })]),
    );
    expect(families).toEqual({
      'sd-1_5': 'sd-1_5', 'sd-1_5-composition': 'sd-1_5', 'sd-1_5-lora': 'sd-1_5',
      'sd-xl': 'sd-xl', 'sd-xl-composition': 'sd-xl', 'sd-xl-lora': 'sd-xl',
      'flux.1': 'flux-dev', 'flux.1-lora': 'flux-dev', 'flux.1-composition': 'flux-dev',
      'flux.1-krea-dev': 'flux-dev', 'flux.1-krea-lora': 'flux-dev',
      'flux.1-kontext-dev': 'flux-dev', 'flux.1-kontext-lora': 'flux-dev',
      'flux.1-pro': 'flux-pro', 'flux1.1-pro': 'flux-pro', 'flux.1.1-pro-ultra': 'flux-pro',
      custom: undefined, 'gpt-image-1': undefined,
    });
  });

  it('takes a Flux model that names schnell as schnell', () => {
    expect(familyOfModel({ type: 'flux.1', name: 'Flux.1 [Schnell]' })).toBe('flux-schnell');
    expect(familyOfModel({ type: 'flux.1', modelId: 'flux.1-schnell' })).toBe('flux-schnell');
    expect(familyOfModel({ type: 'flux.1', name: 'Flux.1 [dev]', modelId: 'flux.1-dev' })).toBe('flux-dev');
    // Only Flux types can be schnell: an SDXL model with the word in its name stays SDXL.
    expect(familyOfModel({ type: 'sd-xl', name: 'schnell style' })).toBe('sd-xl');
  });
});

describe('isFluxLora', () => {
  it('is true only for Flux LoRA types', () => {
    expect(['flux.1-lora', 'flux.1-krea-lora', 'flux.1-kontext-lora', 'flux.1', 'sd-xl-lora', 'sd-1_5-lora'].map(isFluxLora))
      .toEqual([true, true, true, false, false, false]);
  });
});

describe('FAMILY_RULES', () => {
  it('carries the NOTES table', () => {
    expect(FAMILY_RULES['sd-1_5']).toMatchObject({ label: 'SD 1.5', size: { min: 64, max: 1024 }, guidance: { min: 0, max: 20, default: 7.5 }, maxModalities: 3 });
    expect(FAMILY_RULES['sd-xl']).toMatchObject({ label: 'SDXL', size: { min: 512, max: 2048 }, guidance: { min: 0, max: 20, default: 6 }, maxModalities: 3 });
    expect(FAMILY_RULES['flux-dev']).toMatchObject({ label: 'Flux dev', size: { min: 64, max: 2048 }, guidance: { min: 0, max: 10, default: 3.5 }, maxModalities: 1, allowsControlWindow: true });
    expect(FAMILY_RULES['flux-pro']).toMatchObject({ label: 'Flux pro', guidance: { min: 2, max: 5, default: 3 }, allowsControlWindow: false });
    expect(FAMILY_RULES['flux-schnell'].allowsControlWindow).toBe(false);
    expect(FAMILY_RULES['sd-xl'].presets).toEqual(['character', 'landscape']);
    expect(FAMILY_RULES['sd-1_5'].presets).toEqual(['character', 'landscape', 'city', 'interior']);
    expect(FAMILY_RULES['flux-dev'].modalities).toEqual(['canny', 'tile', 'depth', 'blur', 'pose', 'gray', 'low-quality']);
  });
});
