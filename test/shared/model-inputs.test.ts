import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCustomRequest, checkInputValues, describeInputChanges, inputsVersion, publishedInputs, validateCustomPreset,
  type ModelInput,
} from '../../src/shared/model-inputs/index';
import { customBodyProblem } from '../../src/main/simulator/custom-inputs';
import type { SimulatedInput } from '../../src/main/simulator/custom-models';
import { CUSTOM_MODELS } from '../../src/main/simulator/custom-models';

// The models as a client reads them: through the published JSON, never the simulator's types.
const inputsOf = (id: string): ModelInput[] => {
  const spec = CUSTOM_MODELS.find((model) => model.id === id);
  const inputs = publishedInputs(JSON.parse(JSON.stringify({ inputs: spec?.inputs })));
  if (inputs === undefined) throw new Error(`no inputs for ${id}`);
  return inputs;
};
const FLUX = inputsOf('model_bfl-flux-1-dev');
const PAINTER = inputsOf('model_reference-painter');
const TEXTURE = inputsOf('model_texture-forge');
const asset = 'asset_abc123';

function messageFor(inputs: ModelInput[], values: Record<string, unknown>, field: string): string | undefined {
  return checkInputValues(inputs, values).find((issue) => issue.field === field)?.message;
}

describe('the inputs interpreter over the simulator models', () => {
  it('accepts complete values and says nothing', () => {
    expect(checkInputValues(FLUX, { prompt: 'a knight', controlImage: asset, controlModality: 'pose', width: 1000, controlStrength: 0.85 })).toEqual([]);
    expect(checkInputValues(PAINTER, { prompt: 'a knight', referenceImages: [asset, asset], keywords: ['moody'] })).toEqual([]);
    expect(checkInputValues(TEXTURE, { image: asset, mode: 'tile', tileCount: 3 })).toEqual([]);
  });

  it('says how to fix a number off its step, out of range, or of the wrong type', () => {
    expect(messageFor(FLUX, { prompt: 'p', width: 1001 }, 'width')).toBe('Width 1001 must be a multiple of 8: use 1000 or 1008.');
    expect(messageFor(FLUX, { prompt: 'p', controlStrength: 0.72 }, 'controlStrength')).toBe('Control strength 0.72 must be a multiple of 0.05: use 0.7 or 0.75.');
    expect(messageFor(FLUX, { prompt: 'p', controlStrength: 1.5 }, 'controlStrength')).toBe('Control strength 1.5 is too large: use 1 or less.');
    expect(messageFor(FLUX, { prompt: 'p', controlEnd: 0.33 }, 'controlEnd')).toBe('Control end 0.33 must be a multiple of 0.05: use 0.3 or 0.35.');
    expect(messageFor([{ name: 'frames', type: 'number', min: 1, max: 9, step: 2 }], { frames: 4 }, 'frames')).toBe('frames 4 must be 1 plus a multiple of 2: use 3 or 5.');
    expect(messageFor(FLUX, { prompt: 'p', numOutputs: 0 }, 'numOutputs')).toBe('Number of images 0 is too small: use 1 or more.');
    expect(messageFor(FLUX, { prompt: 'p', guidance: 'high' }, 'guidance')).toBe("Guidance must be a number: 'high' is not.");
  });

  it('names allowed values, lengths and unknown fields', () => {
    expect(messageFor(FLUX, { prompt: 'p', controlImage: asset, controlModality: 'seg' }, 'controlModality')).toBe(
      "Control modality 'seg' is not one this model knows: use canny, tile, depth, blur, pose, gray or low-quality.",
    );
    expect(messageFor(FLUX, { prompt: 'x'.repeat(2001) }, 'prompt')).toBe('Prompt is 2001 characters long: shorten it to 2000 or fewer.');
    expect(messageFor(FLUX, { prompt: 'p', modality: 'pose' }, 'modality')).toBe("Unknown field 'modality': this model has no input of that name, so remove it.");
    expect(messageFor(PAINTER, { prompt: 'p', referenceImages: [asset], keywords: ['x'.repeat(31)] }, 'keywords')).toBe('Keywords item 1 is 31 characters long: shorten it to 30 or fewer.');
  });

  it('wants an array input as an array, even of one, and counts its items', () => {
    expect(messageFor(PAINTER, { prompt: 'p', referenceImages: asset }, 'referenceImages')).toBe("Reference images must be a list (even of one image): 'asset_abc123' is not.");
    expect(messageFor(PAINTER, { prompt: 'p', referenceImages: [asset, asset, asset, asset, asset] }, 'referenceImages')).toBe('Reference images has 5 items: give at most 4.');
    expect(messageFor(PAINTER, { prompt: 'p', referenceImages: ['not a file'] }, 'referenceImages')).toMatch(/^Reference images item 1 must be an image/);
  });

  it('applies the required rules: always, ifDefined, ifNotDefined, conditionalValues', () => {
    expect(messageFor(FLUX, {}, 'prompt')).toBe('Prompt is required: fill it in.');
    expect(messageFor(FLUX, { prompt: 'p', controlImage: asset }, 'controlModality')).toBe(
      'Control modality is required when Control image is set: fill it in, or clear Control image. (A control image needs its modality.)',
    );
    expect(messageFor(FLUX, { prompt: 'p' }, 'controlModality')).toBeUndefined();
    expect(messageFor(TEXTURE, {}, 'prompt')).toMatch(/^Prompt is required when Source image is not set/);
    expect(messageFor(TEXTURE, { image: asset }, 'prompt')).toBeUndefined();
    expect(messageFor(TEXTURE, { image: asset, mode: 'tile' }, 'tileCount')).toBe("Tile count is required when Mode is 'tile': fill it in.");
    expect(messageFor(TEXTURE, { image: asset, mode: 'decal' }, 'tileCount')).toBeUndefined();
    expect(messageFor(TEXTURE, { image: asset, mask: asset }, 'maskStrength')).toMatch(/^Mask strength is required when Mask is set/);
  });
});

describe('custom presets', () => {
  it('default the dropped file to controlImage, or else the first image input, and stamp the inputs version', () => {
    const flux = validateCustomPreset({ name: 'Knights', modelId: 'model_bfl-flux-1-dev', prompt: 'a knight', controlModality: 'pose' }, FLUX);
    expect(flux).toEqual({ ok: true, preset: { name: 'Knights', modelId: 'model_bfl-flux-1-dev', inputsVersion: inputsVersion(FLUX), prompt: 'a knight', controlModality: 'pose' } });
    const texture = validateCustomPreset({ name: 'Moss', modelId: 'model_texture-forge' }, TEXTURE);
    expect(texture.ok).toBe(true);
    if (!texture.ok) return;
    expect(JSON.parse(buildCustomRequest(texture.preset, TEXTURE, { file: asset, seed: null }).json)).toEqual({ image: asset });
  });

  it('refuses a value for the input that receives the file, a file input that is not an image input, and a model without an image input', () => {
    const withFile = validateCustomPreset({ name: 'n', modelId: 'm', prompt: 'p', controlImage: asset, controlModality: 'pose' }, FLUX);
    expect(withFile.ok ? [] : withFile.issues).toContainEqual({ field: 'controlImage', message: 'Control image receives the dropped file: remove its value from the preset.' });
    const wrongInput = validateCustomPreset({ name: 'n', modelId: 'm', prompt: 'p', fileInput: 'prompt' }, FLUX);
    expect(wrongInput.ok ? [] : wrongInput.issues.map((issue) => issue.field)).toContain('fileInput');
    const noImage = validateCustomPreset({ name: 'n', modelId: 'm', prompt: 'p' }, [{ name: 'prompt', type: 'string' }]);
    expect(noImage.ok ? [] : noImage.issues.map((issue) => issue.field)).toEqual(['modelId']);
  });

  it('build the body with the file as a list for an array input and the seed as the model types it', () => {
    const painter = validateCustomPreset({ name: 'p', modelId: 'model_reference-painter', prompt: 'a castle', style: 'ink' }, PAINTER);
    if (!painter.ok) throw new Error(JSON.stringify(painter.issues));
    const request = buildCustomRequest(painter.preset, PAINTER, { file: asset, seed: '7' });
    expect(request.json).toBe('{"prompt":"a castle","referenceImages":["asset_abc123"],"seed":7,"style":"ink"}');
    expect(customBodyProblem(PAINTER as SimulatedInput[], request.body)).toBeUndefined();
  });

  it('say what changed when the model changes its inputs', () => {
    const changed = FLUX.map((input) => (input.name === 'numOutputs' ? { ...input, max: 8 } : input)).filter((input) => input.name !== 'guidance');
    changed.push({ name: 'style', type: 'string', label: 'Style', required: { always: true } });
    expect(inputsVersion(changed)).not.toBe(inputsVersion(FLUX));
    expect(describeInputChanges(FLUX, changed)).toEqual([
      'Number of images (numOutputs) changed: max 4 → 8.',
      'Style (style) is new and required.',
      'Guidance (guidance) was removed.',
    ]);
  });
});

// ---- property: the interpreter and the simulator's own check agree ----

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'eps'];

const inputArb: fc.Arbitrary<SimulatedInput> = fc
  .record({
    type: fc.constantFrom('boolean', 'number', 'string', 'file', 'number_array', 'string_array', 'file_array') as fc.Arbitrary<SimulatedInput['type']>,
    withChoices: fc.boolean(),
    min: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    span: fc.integer({ min: 0, max: 6 }),
    step: fc.option(fc.constantFrom(1, 2, 0.5, 0.05), { nil: undefined }),
    minLength: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    maxLength: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    withDefault: fc.boolean(),
    required: fc.option(
      fc.oneof(
        fc.constant({ always: true }),
        fc.record({ ifDefined: fc.dictionary(fc.constantFrom(...NAMES), fc.constant('needed'), { maxKeys: 1 }) }),
        fc.record({ ifNotDefined: fc.dictionary(fc.constantFrom(...NAMES), fc.constant('needed'), { maxKeys: 1 }) }),
        fc.record({ conditionalValues: fc.dictionary(fc.constantFrom(...NAMES), fc.array(fc.constantFrom('a', 'b', 1, 2), { minLength: 1, maxLength: 2 }), { maxKeys: 1 }) }),
      ),
      { nil: undefined },
    ),
  })
  .map(({ type, withChoices, min, span, step, minLength, maxLength, withDefault, required }) => {
    const input: SimulatedInput = { name: '', type };
    const scalar = type.replace('_array', '');
    if (withChoices && (scalar === 'string' || scalar === 'number')) input.allowedValues = scalar === 'string' ? ['a', 'b', 'c'] : [1, 2, 3];
    if (scalar === 'number' || type.endsWith('_array')) {
      if (min !== undefined) input.min = min;
      if (min !== undefined) input.max = min + span;
    }
    if (scalar === 'number' && step !== undefined) input.step = step;
    if (scalar === 'string') {
      if (minLength !== undefined) input.minLength = minLength;
      if (maxLength !== undefined) input.maxLength = maxLength;
    }
    if (withDefault) input.default = scalar === 'number' ? 1 : scalar === 'boolean' ? false : 'a';
    if (required !== undefined) input.required = required as SimulatedInput['required'];
    return input;
  });

const schemaArb = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 5 }).chain((names) =>
  fc.tuple(...names.map(() => inputArb)).map((inputs) => inputs.map((input, index) => ({ ...input, name: names[index] as string }))),
);

const scalarArb = fc.oneof(
  fc.constantFrom('a', 'b', 'zz', '', 'abcdefgh', 'asset_x1', 'data:image/png;base64,AAAA', 'not a file'),
  fc.constantFrom(0, 1, 2, 3, 1.5, 2.25, 7, -1, 0.05, 0.15),
  fc.boolean(),
);
const valueArb = fc.oneof(scalarArb, fc.array(scalarArb, { maxLength: 5 }));

const bodyArb = schemaArb.chain((inputs) =>
  fc.tuple(fc.constant(inputs), fc.dictionary(fc.constantFrom(...NAMES, 'unknownField'), valueArb, { maxKeys: 6 })),
);

describe('property: what the interpreter accepts, the simulator accepts; what it refuses is refused naming the field', () => {
  it('holds over generated input schemas and values', () => {
    fc.assert(
      fc.property(bodyArb, ([simulated, body]) => {
        const inputs = publishedInputs(JSON.parse(JSON.stringify({ inputs: simulated })));
        expect(inputs).toBeDefined();
        const issues = checkInputValues(inputs as ModelInput[], body);
        const serverProblem = customBodyProblem(simulated, body);
        if (issues.length === 0) {
          expect(serverProblem, JSON.stringify({ simulated, body })).toBeUndefined();
        } else {
          expect(serverProblem, JSON.stringify({ simulated, body, issues })).toBeDefined();
          for (const issue of issues) {
            expect(Object.keys(body).concat(simulated.map((input) => input.name))).toContain(issue.field);
            const input = simulated.find((candidate) => candidate.name === issue.field);
            // The message names the field by its label (here the name: the generated inputs have none).
            expect(issue.message).toContain(input === undefined ? `'${issue.field}'` : issue.field);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
