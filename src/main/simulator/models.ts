import { CUSTOM_MODELS, type SimulatedInput } from './custom-models';

/**
 * The models the simulator knows: a few of each family, plus the awkward cases a client must
 * handle (no controlnet capability, not trained, a Flux LoRA with compliantModelIds).
 */
export interface SimulatedModel {
  id: string;
  name: string;
  type: string;
  capabilities: string[];
  status: 'trained' | 'training' | 'new' | 'failed' | 'copying' | 'training-canceled';
  privacy: 'private' | 'public' | 'unlisted';
  compliantModelIds: string[];
  createdAt: string;
  /** Published by models that generate through POST /generate/custom/{modelId}. */
  inputs?: SimulatedInput[];
  /** What a custom run costs at its inputs' defaults. */
  baseCost?: number;
}

const CONTROLNET_CAPABILITIES = ['txt2img', 'img2img', 'controlnet', 'controlnet_img2img'];

export const SEEDED_MODELS: readonly SimulatedModel[] = [
  { id: 'model_sd15-realistic', name: 'Realistic (SD 1.5)', type: 'sd-1_5', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'public', compliantModelIds: [], createdAt: '2024-01-10T10:00:00.000Z' },
  { id: 'model_sd15-watercolor', name: 'Watercolor (SD 1.5 LoRA)', type: 'sd-1_5-lora', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'private', compliantModelIds: [], createdAt: '2024-02-11T10:00:00.000Z' },
  { id: 'model_sdxl-base', name: 'SDXL Base', type: 'sd-xl', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'public', compliantModelIds: [], createdAt: '2024-03-12T10:00:00.000Z' },
  { id: 'model_sdxl-props', name: 'Game props (SDXL LoRA)', type: 'sd-xl-lora', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'private', compliantModelIds: [], createdAt: '2024-04-13T10:00:00.000Z' },
  { id: 'flux.1-dev', name: 'Flux.1 [dev]', type: 'flux.1', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'public', compliantModelIds: [], createdAt: '2024-08-01T10:00:00.000Z' },
  { id: 'flux.1-schnell', name: 'Flux.1 [schnell]', type: 'flux.1', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'public', compliantModelIds: [], createdAt: '2024-08-02T10:00:00.000Z' },
  { id: 'model_flux-ink', name: 'Ink illustrations (Flux LoRA)', type: 'flux.1-lora', capabilities: CONTROLNET_CAPABILITIES, status: 'trained', privacy: 'private', compliantModelIds: ['flux.1-dev', 'flux.1-schnell'], createdAt: '2024-09-03T10:00:00.000Z' },
  { id: 'model_gpt-image', name: 'GPT Image', type: 'gpt-image-1', capabilities: ['txt2img', 'img2img'], status: 'trained', privacy: 'public', compliantModelIds: [], createdAt: '2025-04-04T10:00:00.000Z' },
  { id: 'model_sdxl-in-training', name: 'Characters (training)', type: 'sd-xl-lora', capabilities: CONTROLNET_CAPABILITIES, status: 'training', privacy: 'private', compliantModelIds: [], createdAt: '2025-05-05T10:00:00.000Z' },
  ...CUSTOM_MODELS.map((spec): SimulatedModel => ({ ...spec, status: 'trained', privacy: 'public', compliantModelIds: [] })),
];

export const DEFAULT_MODEL_ID = 'model_sd15-realistic';

export function thumbnailAssetId(model: SimulatedModel): string {
  return `asset_thumb-${model.id.replace(/[^a-zA-Z0-9-]/g, '-')}`;
}

/** The model as GET /models answers it (fields the contract requires plus what clients read). */
export function modelToApi(model: SimulatedModel, thumbnailUrl: string): Record<string, unknown> {
  return {
    id: model.id,
    name: model.name,
    type: model.type,
    capabilities: model.capabilities,
    status: model.status,
    privacy: model.privacy,
    compliantModelIds: model.compliantModelIds,
    collectionIds: [],
    createdAt: model.createdAt,
    updatedAt: model.createdAt,
    custom: !model.id.startsWith('flux.1-'),
    exampleAssetIds: [],
    source: 'scenario',
    tags: [],
    trainingImagesNumber: 0,
    ownerId: 'team_simulator',
    authorId: 'user_simulator',
    thumbnail: { assetId: thumbnailAssetId(model), url: thumbnailUrl },
    ...(model.inputs === undefined ? {} : { inputs: model.inputs }),
  };
}
