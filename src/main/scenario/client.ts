import { createHash } from 'node:crypto';
import { isImageFileInput, publishedInputs } from '../../shared/model-inputs/index';
import type { Clock } from '../../shared/clock';
import type { DownloadOptions, DownloadResult, DownloadedBytes } from './download.js';
import { downloadAsset, downloadAssetBytes } from './download.js';
import { ScenarioError } from './errors.js';
import type { RetryPolicy } from './http.js';
import { DEFAULT_RETRY, ScenarioHttp } from './http.js';
import type { JobsPage, ListJobsQuery, PollInterval, WaitForJobOptions } from './jobs.js';
import { getJob, listJobs, paginate, waitForJob } from './jobs.js';
import type { ScenarioAsset, ScenarioJob, ScenarioModel } from './schemas.js';
import {
  assetResponseSchema,
  assetsResponseSchema,
  dryRunResponseSchema,
  generateResponseSchema,
  modelResponseSchema,
  modelsPageSchema,
  parseReply,
} from './schemas.js';
import type { AssetsPage, ListAssetsQuery, TeamAsset, TeamCollection } from './team.js';
import { addToCollection, createCollection, getTeamAssets, listAssets, listCollections, putAssetTags } from './team.js';
import type { ImageUpload } from './upload.js';
import { uploadImage } from './upload.js';

export interface ScenarioClientOptions {
  /** e.g. https://api.cloud.scenario.com/v1 */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  userAgent?: string;
  retry?: Partial<RetryPolicy>;
  /** Between two polls of a job; each wait is drawn at random in this range. */
  pollIntervalMs?: PollInterval;
  requestTimeoutMs?: number;
  /** Paces polls; the seeded simulation gives a virtual one. */
  clock?: Clock;
}

export interface GenerateResult {
  jobId: string;
  creativeUnitsCost?: number;
  creativeUnitsDiscount?: number;
}

export interface CostEstimate {
  creativeUnitsCost: number;
  creativeUnitsDiscount?: number;
}

export interface ListModelsOptions {
  /** Keep only the models a hot folder can feed (see isHotFolderModel). */
  hotFolderOnly?: boolean;
  privacy?: 'private' | 'public';
  signal?: AbortSignal;
}

/** Where a generate request goes: the ControlNet endpoint, or the unified one of a model that publishes its inputs. */
export type GenerateEndpoint = { kind: 'controlnet' } | { kind: 'custom'; modelId: string } | { kind: 'detect' };

export const CONTROLNET_ENDPOINT: GenerateEndpoint = { kind: 'controlnet' };

function endpointPath(endpoint: GenerateEndpoint): string {
  if (endpoint.kind === 'custom') return `/generate/custom/${encodeURIComponent(endpoint.modelId)}`;
  return endpoint.kind === 'detect' ? '/generate/detect' : '/generate/controlnet';
}

const BULK_ASSETS_MAX = 200;
const MODELS_PAGE_SIZE = 500;

export class ScenarioClient {
  readonly #http: ScenarioHttp;
  readonly #pollInterval: PollInterval;

  constructor(options: ScenarioClientOptions) {
    this.#http = new ScenarioHttp({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      userAgent: options.userAgent ?? 'scenario-hotfolder',
      retry: { ...DEFAULT_RETRY, ...options.retry },
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    this.#pollInterval = options.pollIntervalMs ?? { min: 2000, max: 3000 };
  }

  /**
   * Starts a generation with `bodyJson` sent byte for byte (the pipeline stores that string to
   * reproduce the image) to the endpoint: /generate/controlnet, or /generate/custom/{modelId} for a
   * model that publishes its inputs. Never retried: it spends credits. When the answer is lost the
   * error is 'outcome-unknown' with `submission` ({ sentAt, bodySha256 }) so the caller can look for
   * the job in `listJobs` before sending again. An HTTP error status means no job was made.
   */
  async generate(endpoint: GenerateEndpoint, bodyJson: string, options: { signal?: AbortSignal } = {}): Promise<GenerateResult> {
    const what = 'the generation request';
    const submission = { sentAt: new Date().toISOString(), bodySha256: createHash('sha256').update(bodyJson).digest('hex') };
    let answeredStatus: number | undefined;
    try {
      const reply = await this.#http.send({ method: 'POST', path: endpointPath(endpoint), body: bodyJson, what, signal: options.signal, submission });
      answeredStatus = reply.status;
      const { job, creativeUnitsCost, creativeUnitsDiscount } = parseReply(generateResponseSchema, reply.body, what);
      return { jobId: job.jobId, creativeUnitsCost, creativeUnitsDiscount };
    } catch (error) {
      // A 2xx whose body cannot be read: Scenario accepted the request, so a job exists, but its id is unknown.
      if (!(error instanceof ScenarioError) || error.code !== 'bad-response') throw error;
      throw new ScenarioError('outcome-unknown', `${error.userMessage} The job was probably started: the app will look for it in Scenario's job list.`, {
        status: error.status ?? answeredStatus,
        submission,
      });
    }
  }

  generateControlNet(bodyJson: string, options: { signal?: AbortSignal } = {}): Promise<GenerateResult> {
    return this.generate(CONTROLNET_ENDPOINT, bodyJson, options);
  }

  /** Asks what `bodyJson` would cost at the endpoint; nothing runs and nothing is charged (HTTP 269). */
  async dryRun(endpoint: GenerateEndpoint, bodyJson: string, options: { signal?: AbortSignal } = {}): Promise<CostEstimate> {
    const what = 'the cost estimate';
    const reply = await this.#http.send({ method: 'POST', path: endpointPath(endpoint), query: { dryRun: 'true' }, body: bodyJson, what, signal: options.signal });
    if (reply.status !== 269) {
      throw new ScenarioError('bad-response', `Scenario answered ${what} with HTTP ${reply.status} instead of 269. Update the app, or report this if it persists.`, {
        status: reply.status,
      });
    }
    const { creativeUnitsCost, creativeUnitsDiscount } = parseReply(dryRunResponseSchema, reply.body, what);
    return { creativeUnitsCost, creativeUnitsDiscount };
  }

  dryRunControlNet(bodyJson: string, options: { signal?: AbortSignal } = {}): Promise<CostEstimate> {
    return this.dryRun(CONTROLNET_ENDPOINT, bodyJson, options);
  }

  getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<ScenarioJob> {
    return getJob(this.#http, jobId, options.signal);
  }

  /** Polls until the job ends; a failed or canceled job is returned, not thrown. */
  waitForJob(jobId: string, options: WaitForJobOptions = {}): Promise<ScenarioJob> {
    return waitForJob(this.#http, this.#pollInterval, jobId, options);
  }

  /** Asks Scenario to cancel; false when it refuses (many job types cannot be canceled). Keep polling after. */
  async cancelJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.#http.send({
        method: 'POST',
        path: `/jobs/${encodeURIComponent(jobId)}/action`,
        body: JSON.stringify({ action: 'cancel' }),
        what: `the cancellation of job ${jobId}`,
        signal: options.signal,
      });
      return true;
    } catch (error) {
      if (error instanceof ScenarioError && error.status === 400) return false;
      throw error;
    }
  }

  listJobs(query: ListJobsQuery = {}, options: { signal?: AbortSignal } = {}): Promise<JobsPage> {
    return listJobs(this.#http, query, options.signal);
  }

  /** Every page of jobs matching `query`, newest first, for reconciling lost submissions. */
  jobPages(query: Omit<ListJobsQuery, 'paginationToken'> = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<JobsPage> {
    return paginate((paginationToken) => listJobs(this.#http, { ...query, paginationToken }, options.signal), 'jobs');
  }

  async getAsset(assetId: string, options: { signal?: AbortSignal } = {}): Promise<ScenarioAsset> {
    const what = `the asset ${assetId}`;
    const reply = await this.#http.send({ method: 'GET', path: `/assets/${encodeURIComponent(assetId)}`, what, signal: options.signal });
    return parseReply(assetResponseSchema, reply.body, what).asset;
  }

  /** Assets by id, in chunks of at most 200 per request. Ids Scenario does not know are left out. */
  async getAssets(assetIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ScenarioAsset[]> {
    const assets: ScenarioAsset[] = [];
    for (let start = 0; start < assetIds.length; start += BULK_ASSETS_MAX) {
      const what = 'a list of assets';
      const chunk = assetIds.slice(start, start + BULK_ASSETS_MAX);
      const reply = await this.#http.send({ method: 'POST', path: '/assets/get-bulk', body: JSON.stringify({ assetIds: chunk }), what, signal: options.signal });
      assets.push(...parseReply(assetsResponseSchema, reply.body, what).assets);
    }
    return assets;
  }

  /** One page of the team's assets (every member's), with the contract's filters. */
  listAssets(query: ListAssetsQuery, options: { signal?: AbortSignal } = {}): Promise<AssetsPage> {
    return listAssets(this.#http, query, options.signal);
  }

  /** Assets by id with tags, collections, author and lineage. */
  getTeamAssets(assetIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<TeamAsset[]> {
    return getTeamAssets(this.#http, assetIds, options.signal);
  }

  putAssetTags(assetId: string, change: { add?: string[]; delete?: string[] }, options: { signal?: AbortSignal } = {}): Promise<void> {
    return putAssetTags(this.#http, assetId, change, options.signal);
  }

  listCollections(options: { signal?: AbortSignal } = {}): Promise<TeamCollection[]> {
    return listCollections(this.#http, options.signal);
  }

  createCollection(name: string, options: { signal?: AbortSignal } = {}): Promise<TeamCollection> {
    return createCollection(this.#http, name, options.signal);
  }

  addToCollection(collectionId: string, assetIds: readonly string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    return addToCollection(this.#http, collectionId, assetIds, options.signal);
  }

  /** Uploads an image (inline when small, multipart when large) and returns its asset id. */
  uploadImage(image: ImageUpload, options: { signal?: AbortSignal } = {}): Promise<string> {
    return uploadImage(this.#http, image, { signal: options.signal, pollInterval: this.#pollInterval });
  }

  async listModels(options: ListModelsOptions = {}): Promise<ScenarioModel[]> {
    const what = 'the model list';
    const fetchPage = async (paginationToken: string | undefined) => {
      const reply = await this.#http.send({
        method: 'GET',
        path: '/models',
        query: { pageSize: MODELS_PAGE_SIZE, privacy: options.privacy, paginationToken },
        what,
        signal: options.signal,
      });
      return parseReply(modelsPageSchema, reply.body, what);
    };
    const models: ScenarioModel[] = [];
    for await (const page of paginate(fetchPage, 'models')) models.push(...page.models);
    return options.hotFolderOnly === true ? models.filter(isHotFolderModel) : models;
  }

  async getModel(modelId: string, options: { signal?: AbortSignal } = {}): Promise<ScenarioModel> {
    const what = `the model ${modelId}`;
    const reply = await this.#http.send({ method: 'GET', path: `/models/${encodeURIComponent(modelId)}`, what, signal: options.signal });
    return parseReply(modelResponseSchema, reply.body, what).model;
  }

  /** Downloads the asset's file to `destPath` atomically; see download.ts. */
  downloadAsset(assetId: string, destPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadAsset(this.#http, this.#urlResolver(assetId), assetId, destPath, options);
  }

  /** Downloads the asset's file into memory (checked against Content-Length); see download.ts. */
  downloadAssetBytes(assetId: string, options: DownloadOptions = {}): Promise<DownloadedBytes> {
    return downloadAssetBytes(this.#http, this.#urlResolver(assetId), assetId, options);
  }

  /**
   * Downloads the thumbnail Scenario offers for the asset into memory, from `url` (its signed URL
   * as listed); an expired URL is replaced by the one the asset gives now.
   */
  downloadThumbnailBytes(assetId: string, url: string, options: { signal?: AbortSignal } = {}): Promise<DownloadedBytes> {
    const resolveUrl = async (signal?: AbortSignal) => {
      const { thumbnail } = await this.getAsset(assetId, { signal });
      if (thumbnail === undefined) throw new ScenarioError('not-found', `Scenario no longer offers a thumbnail of the asset ${assetId}: its full image is downloaded instead.`);
      return thumbnail.url;
    };
    return downloadAssetBytes(this.#http, resolveUrl, `${assetId} (thumbnail)`, { ...options, expectedUrl: url });
  }

  #urlResolver(assetId: string): (signal?: AbortSignal) => Promise<string> {
    return async (signal) => (await this.getAsset(assetId, { signal })).url;
  }
}

export function isControlNetModel(model: ScenarioModel): boolean {
  return model.status === 'trained' && model.capabilities.includes('controlnet');
}

/** Trained, and either ControlNet-capable or publishing inputs with an image input (the unified endpoint). */
export function isHotFolderModel(model: ScenarioModel): boolean {
  return isControlNetModel(model) || (model.status === 'trained' && publishedInputs(model)?.some(isImageFileInput) === true);
}
