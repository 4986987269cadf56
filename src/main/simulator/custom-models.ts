/**
 * Models that describe their own inputs (GET /models/{modelId} `inputs`) and generate through
 * POST /generate/custom/{modelId}: a Flux-dev-like model with the control block, a model that
 * takes reference images as a list, and one with conditional requirements whose inputs change
 * its cost. Their inputs are the simulator's data; the client reads them only over HTTP.
 */
export interface SimulatedInput {
  name: string;
  type: 'boolean' | 'file' | 'file_array' | 'model' | 'model_array' | 'number' | 'number_array' | 'string' | 'string_array';
  kind?: 'image';
  label?: string;
  description?: string;
  group?: string;
  allowedValues?: (string | number)[];
  min?: number;
  max?: number;
  step?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  required?: {
    always?: boolean;
    ifDefined?: Record<string, string>;
    ifNotDefined?: Record<string, string>;
    conditionalValues?: Record<string, (string | number)[]>;
  };
  costImpact?: boolean;
  prompt?: boolean;
}

export interface CustomModelSpec {
  id: string;
  name: string;
  type: string;
  capabilities: string[];
  createdAt: string;
  inputs: SimulatedInput[];
  /** Creative units of one run at every costImpact input's default. */
  baseCost: number;
}

const SEED: SimulatedInput = { name: 'seed', type: 'number', label: 'Seed', min: 0, max: 2147483647, step: 1, group: 'Advanced', description: 'Same seed and inputs, same image.' };

export const CUSTOM_MODELS: readonly CustomModelSpec[] = [
  {
    id: 'model_bfl-flux-1-dev',
    name: 'Flux.1 dev (unified)',
    type: 'custom',
    capabilities: ['txt2img', 'img2img', 'controlnet'],
    createdAt: '2026-01-15T10:00:00.000Z',
    baseCost: 2,
    inputs: [
      { name: 'prompt', type: 'string', label: 'Prompt', prompt: true, minLength: 1, maxLength: 2000, required: { always: true } },
      { name: 'controlImage', type: 'file', kind: 'image', label: 'Control image', group: 'Control', description: 'The control map the image follows.' },
      { name: 'controlModality', type: 'string', label: 'Control modality', group: 'Control', allowedValues: ['canny', 'tile', 'depth', 'blur', 'pose', 'gray', 'low-quality'], required: { ifDefined: { controlImage: 'A control image needs its modality.' } } },
      { name: 'controlStrength', type: 'number', label: 'Control strength', group: 'Control', min: 0, max: 1, step: 0.05, default: 0.7, description: '0.3-0.8 follows the map loosely; above 0.9 it is rigid.' },
      { name: 'controlStart', type: 'number', label: 'Control start', group: 'Control', min: 0, max: 0.9, step: 0.05, default: 0 },
      { name: 'controlEnd', type: 'number', label: 'Control end', group: 'Control', min: 0.1, max: 1, step: 0.05, default: 0.6 },
      { name: 'width', type: 'number', label: 'Width', group: 'Size', min: 256, max: 2048, step: 8, default: 1024, costImpact: true },
      { name: 'height', type: 'number', label: 'Height', group: 'Size', min: 256, max: 2048, step: 8, default: 1024, costImpact: true },
      { name: 'guidance', type: 'number', label: 'Guidance', min: 0, max: 10, step: 0.1, default: 3.5 },
      { name: 'numInferenceSteps', type: 'number', label: 'Steps', min: 1, max: 50, step: 1, default: 28, costImpact: true },
      { name: 'numOutputs', type: 'number', label: 'Number of images', min: 1, max: 4, step: 1, default: 1, costImpact: true },
      SEED,
    ],
  },
  {
    id: 'model_reference-painter',
    name: 'Reference painter',
    type: 'custom',
    capabilities: ['txt2img', 'img2img'],
    createdAt: '2026-02-02T10:00:00.000Z',
    baseCost: 3,
    inputs: [
      { name: 'prompt', type: 'string', label: 'Prompt', prompt: true, maxLength: 1500, required: { always: true } },
      { name: 'referenceImages', type: 'file_array', kind: 'image', label: 'Reference images', min: 1, max: 4, required: { always: true }, description: 'Pictures whose look the result takes.' },
      { name: 'style', type: 'string', label: 'Style', allowedValues: ['painterly', 'flat', 'ink'], default: 'painterly' },
      { name: 'referenceStrength', type: 'number', label: 'Reference strength', min: 0, max: 1, step: 0.05, default: 0.5 },
      { name: 'keywords', type: 'string_array', label: 'Keywords', max: 8, maxLength: 30, group: 'Advanced' },
      { name: 'numOutputs', type: 'number', label: 'Number of images', min: 1, max: 4, step: 1, default: 2, costImpact: true },
      SEED,
    ],
  },
  {
    id: 'model_texture-forge',
    name: 'Texture forge',
    type: 'custom',
    capabilities: ['img2img'],
    createdAt: '2026-03-03T10:00:00.000Z',
    baseCost: 1,
    inputs: [
      { name: 'image', type: 'file', kind: 'image', label: 'Source image' },
      { name: 'prompt', type: 'string', label: 'Prompt', prompt: true, maxLength: 1000, required: { ifNotDefined: { image: 'Describe the texture, or give a source image.' } } },
      { name: 'mode', type: 'string', label: 'Mode', allowedValues: ['seamless', 'tile', 'decal'], default: 'seamless' },
      { name: 'tileCount', type: 'number', label: 'Tile count', min: 2, max: 8, step: 1, required: { conditionalValues: { mode: ['tile'] } } },
      { name: 'mask', type: 'file', kind: 'image', label: 'Mask', group: 'Mask' },
      { name: 'maskStrength', type: 'number', label: 'Mask strength', group: 'Mask', min: 0, max: 1, step: 0.1, required: { ifDefined: { mask: 'A mask needs its strength.' } } },
      { name: 'resolution', type: 'string', label: 'Resolution', allowedValues: ['1k', '2k', '4k'], default: '1k', costImpact: true },
      { name: 'pbrMaps', type: 'boolean', label: 'PBR maps', default: false, costImpact: true, description: 'Also makes normal and roughness maps.' },
    ],
  },
];
