/**
 * POST /generate/custom/{modelId}: the body is checked against the inputs the model publishes
 * (custom-inputs.ts, the simulator's own reading), every file input must be an uploaded asset or
 * a readable data URL, and the run is priced from the inputs marked costImpact.
 */
import { createHash, randomInt } from 'node:crypto';
import { customBodyProblem, customCost } from './custom-inputs';
import { badRequest, notFound } from './errors';
import { resolveFileValue } from './generate';
import type { SimulatedModel } from './models';
import type { StoredAsset } from './state';

export interface AcceptedCustom {
  model: SimulatedModel;
  body: Record<string, unknown>;
  /** The first file given (what the stand-in image is shaded by), or undefined. */
  control: Buffer | undefined;
  controlSha256: string;
  /** The body with every data URL replaced by the asset it becomes, as job listings show it. */
  listedFiles: Record<string, unknown>;
  dataUrls: { field: string; bytes: Buffer }[];
  width: number;
  height: number;
  numOutputs: number;
  seed: string;
  cost: number;
}

/** What a run renders when the model has no size inputs. */
const DEFAULT_SIDE = 512;

export async function acceptCustomGenerate(modelId: string, body: Record<string, unknown>, models: ReadonlyMap<string, SimulatedModel>, assets: ReadonlyMap<string, StoredAsset>): Promise<AcceptedCustom> {
  const model = models.get(modelId);
  if (!model) throw notFound(`modelId: model ${modelId} was not found`, { field: 'modelId', modelId });
  if (model.status !== 'trained') throw badRequest(`modelId: model ${model.id} is not trained (status ${model.status})`, { field: 'modelId' });
  const inputs = model.inputs;
  if (inputs === undefined) {
    throw badRequest(`model ${model.id} does not publish inputs: use POST /generate/controlnet for it`, { field: 'modelId' });
  }
  const problem = customBodyProblem(inputs, body);
  if (problem) throw badRequest(problem.message, { field: problem.field, rule: 'inputs' });

  let control: Buffer | undefined;
  const dataUrls: { field: string; bytes: Buffer }[] = [];
  const listedFiles: Record<string, unknown> = {};
  for (const input of inputs.filter((candidate) => candidate.type === 'file' || candidate.type === 'file_array')) {
    const value = body[input.name];
    if (value === undefined || value === null || value === '') continue;
    const values = (Array.isArray(value) ? value : [value]) as string[];
    const listed: string[] = [];
    for (const item of values) {
      const bytes = await resolveFileValue(input.name, item, assets);
      control ??= bytes;
      if (item.startsWith('asset_')) listed.push(item);
      else {
        dataUrls.push({ field: input.name, bytes });
        listed.push(`asset_file-${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}`);
      }
    }
    listedFiles[input.name] = Array.isArray(value) ? listed : listed[0];
  }
  const number = (name: string): number | undefined => {
    const value = body[name] ?? inputs.find((input) => input.name === name)?.default;
    return typeof value === 'number' ? value : undefined;
  };
  return {
    model,
    body,
    control,
    controlSha256: control === undefined ? '' : createHash('sha256').update(control).digest('hex'),
    listedFiles,
    dataUrls,
    width: number('width') ?? DEFAULT_SIDE,
    height: number('height') ?? DEFAULT_SIDE,
    numOutputs: number('numOutputs') ?? 1,
    // A model without a seed input still draws one; it is not the caller's to choose.
    seed: number('seed') === undefined ? String(randomInt(0, 2 ** 31)) : String(number('seed')),
    cost: customCost(model.baseCost ?? 1, inputs, body),
  };
}
