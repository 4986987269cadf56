/**
 * The simulator's HTTP server: routes, auth, fault injection, jobs that progress with the
 * clock, signed download URLs and the multipart upload flow, all on 127.0.0.1.
 */
import { systemClock } from '../../shared/clock';
import type { Clock } from '../../shared/clock';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestSchema, type RequestDefinition } from './contract';
import { ApiFailure, badRequest, notFound, tooManyRequestsBody } from './errors';
import { FaultInjector, type FaultSpec, type ScriptedFault } from './faults';
import { acceptCustomGenerate, type AcceptedCustom } from './custom-generate';
import { acceptDetect } from './detect';
import { acceptGenerate, decodeBase64Image, inferenceToApi, type AcceptedGenerate } from './generate';
import { readBody, parseJsonObject, sendBytes, sendJson } from './http-io';
import { inspectImage, mimeTypeOf, renderImage, renderThumbnail } from './images';
import { modelToApi, SEEDED_MODELS, thumbnailAssetId, type SimulatedModel } from './models';
import { assetSelection, readQuery, sortAssets } from './listing';
import { paginate, readPageSize } from './pagination';
import { UrlSigner } from './signing';
import { assetToApi, isTerminal, jobToApi, offersThumbnail, randomIds, seededIds, TEAM_ID, uploadToApi, viewJob, type IdSource, type StoredAsset, type StoredJob, type StoredUpload } from './state';
import { DEFAULT_OTHER_AUTHORS, PRIMARY_AUTHOR_ID, Team, type TeamHistorySpec, type TeamMember } from './team';
import { validateAgainst } from './validate';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Time from a job's creation to its success; 0 allowed. Default 1000 ms. */
  latencyMs?: number;
  /** Lifetime of signed download and upload URLs. Default 24 h. */
  urlTtlMs?: number;
  faults?: FaultSpec | string;
  faultSeed?: number;
  /**
   * Draw each fault from the request itself rather than the order of arrival (see FaultInjector).
   * Ids and URL signatures then come from `faultSeed` too: a request's key holds them.
   */
  keyedFaults?: boolean;
  /** Job latencies, URL expiry and timestamps (the seeded simulation shares a virtual one with the engine). */
  clock?: Clock;
  /** Other members of the team, each with their own key; their jobs and assets are the team's. */
  members?: TeamMember[];
}

interface StoredCollection {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface GenerateLogEntry {
  /** ISO time the request was accepted. */
  time: string;
  /** The path it was POSTed to, after /v1 (`/generate/controlnet`, `/generate/custom/model_x`). */
  endpoint: string;
  /** sha256 of the exact raw request body. */
  bodySha256: string;
  /** sha256 of the decoded control image bytes (data URL payload or the uploaded asset's bytes). */
  controlImageSha256: string;
  /** The created job, or null for a dry run. */
  jobId: string | null;
  dryRun: boolean;
  /** True when a `drop` fault destroyed the response of this (created) job. */
  responseDropped: boolean;
  /** The team member whose key sent it. */
  authorId: string;
  /** What the request costs: charged when a job was made, the estimate of a dry run. */
  creativeUnitsCost: number;
}

const RENDER_CACHE_SIZE = 64;

/** What one accepted generate request makes, whichever endpoint it came through. */
interface JobPlan {
  jobType: StoredJob['jobType'];
  modelId: string;
  prompt: string;
  control: Buffer | undefined;
  controlSha256: string;
  width: number;
  height: number;
  outputs: number;
  seed: string;
  cost: number;
  /** The job's `metadata.input` (made when the job is, as it may store the given files as assets). */
  input: () => Record<string, unknown>;
  /** Copied into each output asset's metadata. */
  parameters: Record<string, unknown>;
  /** A detection job's one output, made when the request was accepted (instead of a rendered image). */
  map?: Buffer;
  /** The control image's asset id, which the outputs name as their parent (lineage). */
  controlAssetId?: () => string;
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (context: RouteContext) => Promise<void>;
}

interface RouteContext {
  /** The team member whose key the request carries (none for the CDN and the simulator's own routes). */
  authorId: string;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: string[];
}

function contractBody(raw: Buffer, definition: RequestDefinition): Record<string, unknown> {
  const body = parseJsonObject(raw);
  const issue = validateAgainst(requestSchema(definition), body);
  if (issue) throw badRequest(issue.message, { field: issue.field, rule: issue.rule });
  return body;
}

export class SimulatorServer {
  readonly generateLog: GenerateLogEntry[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly signer: UrlSigner;
  private readonly faults: FaultInjector;
  private readonly models = new Map<string, SimulatedModel>(SEEDED_MODELS.map((model) => [model.id, model]));
  private readonly modelThumbnailIds = new Set(SEEDED_MODELS.map(thumbnailAssetId));
  private readonly assets = new Map<string, StoredAsset>();
  private readonly jobs = new Map<string, StoredJob>();
  /** Newest first, as GET /jobs lists them. */
  private readonly jobOrder: StoredJob[] = [];
  private readonly uploads = new Map<string, StoredUpload>();
  private readonly rendered = new Map<string, Buffer>();
  private readonly stopped = new AbortController();
  /** Requests received, and those not yet answered (the seeded simulation waits for these to settle). */
  readonly traffic = { received: 0, open: 0 };
  private readonly clock: Clock;
  private readonly newId: IdSource;
  private readonly team: Team;
  private readonly collections = new Map<string, StoredCollection>();
  /** Seeded team jobs so far: their ids are numbered. */
  private teamJobs = 0;
  private latencyMs: number;
  private keyRefused = false;
  private port: number;
  private readonly routes: Route[];

  constructor(private readonly options: SimulatorOptions = {}) {
    this.port = options.port ?? 0;
    this.latencyMs = options.latencyMs ?? 1000;
    this.clock = options.clock ?? systemClock;
    const keyed = options.keyedFaults === true;
    const seed = options.faultSeed ?? 1;
    this.newId = keyed ? seededIds(seed) : randomIds;
    this.signer = new UrlSigner(options.urlTtlMs ?? 24 * 60 * 60 * 1000, keyed ? createHash('sha256').update(`url-signing|${seed}`).digest() : undefined);
    this.faults = new FaultInjector(options.faults, seed, keyed);
    this.team = new Team([{ authorId: PRIMARY_AUTHOR_ID, apiKey: this.apiKey, apiSecret: this.apiSecret }, ...(options.members ?? [])]);
    this.server = createServer((request, response) => {
      this.traffic.received += 1;
      this.traffic.open += 1;
      response.once('close', () => (this.traffic.open -= 1));
      void this.dispatch(request, response);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    for (const model of SEEDED_MODELS) this.addThumbnail(model);
    this.routes = [
      { method: 'POST', pattern: /^\/v1\/generate\/controlnet$/, auth: true, handle: (c) => this.generate(c) },
      { method: 'POST', pattern: /^\/v1\/generate\/custom\/([^/]+)$/, auth: true, handle: (c) => this.generateCustom(c) },
      { method: 'POST', pattern: /^\/v1\/generate\/detect$/, auth: true, handle: (c) => this.detect(c) },
      { method: 'GET', pattern: /^\/v1\/jobs$/, auth: true, handle: (c) => this.listJobs(c) },
      { method: 'GET', pattern: /^\/v1\/jobs\/([^/]+)$/, auth: true, handle: (c) => this.getJob(c) },
      { method: 'POST', pattern: /^\/v1\/jobs\/([^/]+)\/action$/, auth: true, handle: (c) => this.jobAction(c) },
      { method: 'POST', pattern: /^\/v1\/assets$/, auth: true, handle: (c) => this.postAsset(c) },
      { method: 'POST', pattern: /^\/v1\/assets\/get-bulk$/, auth: true, handle: (c) => this.getAssetsBulk(c) },
      { method: 'GET', pattern: /^\/v1\/assets$/, auth: true, handle: (c) => this.listAssets(c) },
      { method: 'GET', pattern: /^\/v1\/assets\/([^/]+)$/, auth: true, handle: (c) => this.getAsset(c) },
      { method: 'PUT', pattern: /^\/v1\/assets\/([^/]+)\/tags$/, auth: true, handle: (c) => this.putAssetTags(c) },
      { method: 'GET', pattern: /^\/v1\/collections$/, auth: true, handle: (c) => this.listCollections(c) },
      { method: 'POST', pattern: /^\/v1\/collections$/, auth: true, handle: (c) => this.postCollection(c) },
      { method: 'GET', pattern: /^\/v1\/collections\/([^/]+)$/, auth: true, handle: (c) => this.getCollection(c) },
      { method: 'PUT', pattern: /^\/v1\/collections\/([^/]+)$/, auth: true, handle: (c) => this.renameCollection(c) },
      { method: 'DELETE', pattern: /^\/v1\/collections\/([^/]+)$/, auth: true, handle: (c) => this.deleteCollection(c) },
      { method: 'PUT', pattern: /^\/v1\/collections\/([^/]+)\/assets$/, auth: true, handle: (c) => this.collectionAssets(c, 'add') },
      { method: 'DELETE', pattern: /^\/v1\/collections\/([^/]+)\/assets$/, auth: true, handle: (c) => this.collectionAssets(c, 'remove') },
      { method: 'POST', pattern: /^\/v1\/uploads$/, auth: true, handle: (c) => this.postUpload(c) },
      { method: 'GET', pattern: /^\/v1\/uploads\/([^/]+)$/, auth: true, handle: (c) => this.getUpload(c) },
      { method: 'POST', pattern: /^\/v1\/uploads\/([^/]+)\/action$/, auth: true, handle: (c) => this.uploadAction(c) },
      { method: 'GET', pattern: /^\/v1\/models$/, auth: true, handle: (c) => this.listModels(c) },
      { method: 'GET', pattern: /^\/v1\/models\/([^/]+)$/, auth: true, handle: (c) => this.getModel(c) },
      { method: 'GET', pattern: /^\/cdn\/([^/]+)\.(png|jpeg|webp|gif|bin)$/, auth: false, handle: (c) => this.download(c) },
      { method: 'GET', pattern: /^\/cdn\/thumbnails\/([^/]+)\.webp$/, auth: false, handle: (c) => this.downloadThumbnail(c) },
      { method: 'PUT', pattern: /^\/_uploads\/([^/]+)\/(\d+)$/, auth: false, handle: (c) => this.putPart(c) },
      { method: 'GET', pattern: /^\/_simulator\/log$/, auth: false, handle: async (c) => sendJson(c.response, 200, { entries: this.generateLog }) },
      { method: 'POST', pattern: /^\/_simulator\/team\/history$/, auth: false, handle: (c) => this.postTeamHistory(c) },
      { method: 'POST', pattern: /^\/_simulator\/team\/delete$/, auth: false, handle: (c) => this.postTeamDelete(c) },
    ];
  }

  get apiKey(): string {
    return this.options.apiKey ?? 'sim-key';
  }

  get apiSecret(): string {
    return this.options.apiSecret ?? 'sim-secret';
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  /** Stops listening and drops every connection; state and running jobs are kept. */
  async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    this.stopped.abort();
    if (this.server.listening) await this.stopListening();
  }

  setFaults(spec: FaultSpec | string): void {
    this.faults.set(spec);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  setUrlTtl(ms: number): void {
    this.signer.setTtl(ms);
  }

  scriptGenerateFaults(faults: readonly ScriptedFault[]): void {
    this.faults.scriptGenerateFaults(faults);
  }

  setKeyRefused(refused: boolean): void {
    this.keyRefused = refused;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', this.origin);
      const matched = this.routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((entry) => entry.match !== null);
      const found = matched.find((entry) => entry.route.method === request.method);
      const isApi = url.pathname.startsWith('/v1/');
      // A refused key is refused whoever's it is (a key disabled in Scenario, then enabled again).
      const authorId = this.keyRefused ? undefined : this.team.authorOf(request.headers.authorization);
      if (isApi && authorId === undefined) {
        throw new ApiFailure(401, 'unauthorized', 'Missing or invalid credentials: send Authorization: Basic base64(API_KEY:API_SECRET)');
      }
      if (isApi || url.pathname.startsWith('/cdn/')) {
        const requestKey = `${request.method ?? ''} ${url.pathname}${url.search}`;
        const delay = this.faults.delayMs(requestKey);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const fault = this.faults.forRequest(requestKey);
        if (fault.kind === 'reset') {
          request.socket.destroy();
          return;
        }
        if (fault.kind === '429') return sendJson(response, 429, tooManyRequestsBody(fault.remainingSeconds));
        if (fault.kind === '5xx') {
          const code = fault.status === 500 ? 'internalServerError' : fault.status === 502 ? 'badGateway' : 'serviceUnavailable';
          throw new ApiFailure(fault.status, code, 'The service failed to answer (injected fault): try again later');
        }
      }
      if (!found || !found.match) {
        if (matched.length > 0) throw new ApiFailure(405, 'methodNotAllowed', `${request.method} is not allowed on ${url.pathname}`);
        throw notFound(`No route for ${request.method} ${url.pathname}`);
      }
      await found.route.handle({ authorId: authorId ?? PRIMARY_AUTHOR_ID, request, response, url, params: found.match.slice(1).map((part) => decodeURIComponent(part)) });
    } catch (error) {
      if (response.headersSent || request.socket.destroyed) return;
      if (error instanceof ApiFailure) return sendJson(response, error.status, error.body());
      const failure = new ApiFailure(500, 'internalServerError', 'The simulator failed unexpectedly', { cause: error instanceof Error ? error.message : String(error) });
      sendJson(response, 500, failure.body());
    }
  }

  private later(ms: number, action: () => Promise<void> | void): void {
    this.clock.sleep(ms, this.stopped.signal).then(() => void action(), () => undefined);
  }

  private assetUrl(asset: StoredAsset): string {
    const extension = asset.mimeType.startsWith('image/') ? asset.mimeType.slice('image/'.length) : 'bin';
    return this.signer.sign(this.origin, `/cdn/${asset.id}.${extension}`, this.clock.now()).url;
  }

  /** An asset as the API gives it, its file's and thumbnail's URLs freshly signed. */
  private assetToApi(asset: StoredAsset): Record<string, unknown> {
    const thumbnailUrl = offersThumbnail(asset) ? this.signer.sign(this.origin, `/cdn/thumbnails/${asset.id}.webp`, this.clock.now()).url : undefined;
    return assetToApi(asset, this.assetUrl(asset), thumbnailUrl);
  }

  private addThumbnail(model: SimulatedModel): void {
    const id = thumbnailAssetId(model);
    this.assets.set(id, {
      id,
      name: `${model.name} thumbnail`,
      createdAt: model.createdAt,
      mimeType: 'image/png',
      width: 128,
      height: 128,
      size: 0,
      type: 'uploaded',
      content: { recipe: { control: undefined, prompt: model.name, modelId: model.id, seed: '0', sampleIndex: 0, width: 128, height: 128 } },
      authorId: PRIMARY_AUTHOR_ID,
      updatedAt: model.createdAt,
      tags: [],
      collectionIds: [],
    });
  }

  // ---- generate -------------------------------------------------------------------------

  private async generate({ authorId, request, response, url }: RouteContext): Promise<void> {
    const raw = await readBody(request);
    const accepted = await acceptGenerate(parseJsonObject(raw), this.models, this.assets);
    const { body } = accepted;
    const { image: _image, controlImage: _controlImage, ...input } = body;
    const plan: JobPlan = {
      jobType: 'inference',
      modelId: body.modelId,
      prompt: body.prompt,
      control: accepted.control,
      controlSha256: accepted.controlSha256,
      width: accepted.width,
      height: accepted.height,
      outputs: accepted.numSamples,
      seed: accepted.seed,
      cost: accepted.cost,
      // The control image is listed by asset id (never a data URL), as a job listing stays small.
      input: () => ({ ...input, image: this.controlAssetId(accepted, authorId), seed: accepted.seed, width: accepted.width, height: accepted.height, numSamples: accepted.numSamples, type: 'controlnet' }),
      parameters: { prompt: body.prompt, seed: accepted.seed, ...(body.negativePrompt !== undefined ? { negativePrompt: body.negativePrompt } : {}) },
      controlAssetId: () => this.controlAssetId(accepted, authorId),
    };
    await this.answerGenerate(raw, url, response, request, authorId, plan, (job) => ({ inference: inferenceToApi(accepted, job.inferenceId, this.controlAssetId(accepted, authorId)) }));
  }

  private async generateCustom({ authorId, request, response, url, params }: RouteContext): Promise<void> {
    const raw = await readBody(request);
    const accepted = await acceptCustomGenerate(params[0] ?? '', parseJsonObject(raw), this.models, this.assets);
    const prompt = typeof accepted.body.prompt === 'string' ? accepted.body.prompt : '';
    const plan: JobPlan = {
      jobType: 'custom',
      modelId: accepted.model.id,
      prompt,
      control: accepted.control,
      controlSha256: accepted.controlSha256,
      width: accepted.width,
      height: accepted.height,
      outputs: accepted.numOutputs,
      seed: accepted.seed,
      cost: accepted.cost,
      input: () => this.customJobInput(accepted, authorId),
      parameters: { ...(prompt === '' ? {} : { prompt }), seed: accepted.seed },
    };
    await this.answerGenerate(raw, url, response, request, authorId, plan, () => ({}));
  }

  private async detect({ authorId, request, response, url }: RouteContext): Promise<void> {
    const raw = await readBody(request);
    const body = parseJsonObject(raw);
    const accepted = await acceptDetect(body, this.assets);
    const plan: JobPlan = {
      jobType: 'detection',
      modelId: 'detection',
      prompt: '',
      control: accepted.picture,
      controlSha256: accepted.pictureSha256,
      width: accepted.width,
      height: accepted.height,
      outputs: 1,
      seed: '0',
      cost: accepted.cost,
      input: () => ({ ...body, ...(typeof body.image === 'string' && body.image.startsWith('asset_') ? {} : { image: '(data URL)' }), type: 'detection' }),
      parameters: { modality: accepted.modality },
      map: accepted.map,
    };
    await this.answerGenerate(raw, url, response, request, authorId, plan, () => ({}));
  }

  /** What GET /jobs lists as a custom job's input: its body, files by asset id, the model and the seed used. */
  private customJobInput(accepted: AcceptedCustom, authorId: string): Record<string, unknown> {
    for (const { bytes } of accepted.dataUrls) {
      const id = `asset_file-${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}`;
      if (!this.assets.has(id)) this.storeUploadedAsset(id, 'input file', bytes, 'image/png', accepted.width, accepted.height, authorId);
    }
    const seeded = accepted.model.inputs?.some((input) => input.name === 'seed') === true;
    return { ...accepted.body, ...accepted.listedFiles, modelId: accepted.model.id, ...(seeded ? { seed: Number(accepted.seed) } : {}), type: 'custom' };
  }

  /** The dry run (269) or the job, for either generate endpoint; a `drop` fault loses the answer of a created job. */
  private async answerGenerate(raw: Buffer, url: URL, response: ServerResponse, request: IncomingMessage, authorId: string, plan: JobPlan, extra: (job: StoredJob) => Record<string, unknown>): Promise<void> {
    const bodySha256 = createHash('sha256').update(raw).digest('hex');
    if (url.searchParams.get('dryRun') === 'true') {
      this.generateLog.push({ time: new Date(this.clock.now()).toISOString(), authorId, endpoint: url.pathname.replace(/^\/v1/, ''), bodySha256, controlImageSha256: plan.controlSha256, jobId: null, dryRun: true, responseDropped: false, creativeUnitsCost: plan.cost });
      return sendJson(response, 269, { creativeUnitsCost: plan.cost, creativeUnitsDiscount: 0 });
    }
    const fault = this.faults.forGenerate(bodySha256);
    const job = this.createJob(plan, authorId, fault === 'fail' ? 'The generation failed on the GPU worker (injected fault)' : undefined);
    this.generateLog.push({ time: new Date(this.clock.now()).toISOString(), authorId, endpoint: url.pathname.replace(/^\/v1/, ''), bodySha256, controlImageSha256: plan.controlSha256, jobId: job.jobId, dryRun: false, responseDropped: fault === 'drop', creativeUnitsCost: plan.cost });
    if (fault === 'drop') {
      request.socket.destroy();
      return;
    }
    sendJson(response, 200, {
      creativeUnitsCost: plan.cost,
      creativeUnitsDiscount: 0,
      ...extra(job),
      job: jobToApi(job, this.clock.now()),
    });
  }

  /** The id the inference reports for its control image: the given asset, or a new one. */
  private controlAssetId(accepted: AcceptedGenerate, authorId: string): string {
    const given = accepted.body.image ?? accepted.body.controlImage;
    if (given?.startsWith('asset_')) return given;
    const id = `asset_control-${accepted.controlSha256.slice(0, 24)}`;
    if (!this.assets.has(id)) this.storeUploadedAsset(id, 'control map', accepted.control, 'image/png', accepted.width, accepted.height, authorId);
    return id;
  }

  private storeUploadedAsset(id: string, name: string, bytes: Buffer, mimeType: string, width: number, height: number, authorId: string): StoredAsset {
    const createdAt = new Date(this.clock.now()).toISOString();
    const asset: StoredAsset = { id, name, createdAt, updatedAt: createdAt, mimeType, width, height, size: bytes.length, type: 'uploaded', content: { bytes }, authorId, tags: [], collectionIds: [] };
    this.assets.set(id, asset);
    return asset;
  }

  private createJob(plan: JobPlan, authorId: string, failReason: string | undefined): StoredJob {
    const job: StoredJob = {
      jobId: this.newId('job'),
      jobType: plan.jobType,
      authorId,
      inferenceId: this.newId('inf'),
      createdAtMs: this.clock.now(),
      latencyMs: this.latencyMs,
      input: plan.input(),
      failReason,
      canceledAtMs: undefined,
      finishedAtMs: undefined,
      assetIds: [],
    };
    this.jobs.set(job.jobId, job);
    this.jobOrder.unshift(job);
    if (failReason === undefined) this.later(this.latencyMs, () => this.finishJob(job, plan));
    return job;
  }

  private async finishJob(job: StoredJob, plan: JobPlan): Promise<void> {
    if (job.canceledAtMs !== undefined) return;
    const assetIds: string[] = [];
    for (let index = 0; index < plan.outputs; index++) {
      const recipe = { control: plan.control, prompt: plan.prompt, modelId: plan.modelId, seed: plan.seed, sampleIndex: index, width: plan.width, height: plan.height };
      const bytes = plan.map ?? (await renderImage(recipe));
      const id = this.newId('asset');
      this.remember(id, bytes);
      const createdAt = new Date(this.clock.now()).toISOString();
      this.assets.set(id, {
        id,
        name: `${(plan.prompt || plan.modelId).slice(0, 60)} #${index + 1}`,
        createdAt,
        updatedAt: createdAt,
        authorId: job.authorId,
        tags: [],
        collectionIds: [],
        mimeType: 'image/png',
        width: plan.width,
        height: plan.height,
        size: bytes.length,
        type: 'inference-controlnet',
        content: plan.map === undefined ? { recipe } : { bytes: plan.map },
        jobId: job.jobId,
        inferenceId: job.inferenceId,
        modelId: plan.modelId,
        outputIndex: index,
        parameters: plan.parameters,
        ...this.lineageFrom(plan.controlAssetId?.()),
      });
      assetIds.push(id);
    }
    if (job.canceledAtMs !== undefined) return;
    job.assetIds = assetIds;
    job.finishedAtMs = Math.max(this.clock.now(), job.createdAtMs + job.latencyMs);
  }

  /** Renders are deterministic, so only the latest few are kept; older ones render again. */
  private remember(assetId: string, bytes: Buffer): void {
    this.rendered.set(assetId, bytes);
    if (this.rendered.size > RENDER_CACHE_SIZE) {
      const oldest = this.rendered.keys().next().value;
      if (oldest !== undefined) this.rendered.delete(oldest);
    }
  }

  // ---- jobs -----------------------------------------------------------------------------

  private findJob(jobId: string): StoredJob {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`Job ${jobId} was not found`, { jobId });
    return job;
  }

  private async listJobs({ response, url }: RouteContext): Promise<void> {
    const query = url.searchParams;
    readQuery('GetJobs', query);
    const pageSize = readPageSize(query, 50, 200);
    const now = this.clock.now();
    const statuses = query.get('status')?.split(',').filter((item) => item !== '');
    // The contract: when `types` is given, `type` is ignored.
    const types = (query.has('types') ? query.getAll('types').flatMap((item) => item.split(',')) : (query.get('type')?.split(',') ?? [])).filter((item) => item !== '');
    const authorId = query.get('authorId') || undefined;
    const filtered = statuses !== undefined && statuses.length > 0 || types.length > 0 || authorId !== undefined;
    const matching = !filtered ? this.jobOrder : this.jobOrder.filter((job) => {
      if (authorId !== undefined && job.authorId !== authorId) return false;
      if (statuses && statuses.length > 0 && !statuses.includes(viewJob(job, now).status)) return false;
      if (types.length > 0 && !types.includes(job.jobType)) return false;
      return true;
    });
    const { page, nextPaginationToken } = paginate(matching, (job) => job.jobId, query, pageSize);
    sendJson(response, 200, { jobs: page.map((job) => jobToApi(job, now)), ...(nextPaginationToken ? { nextPaginationToken } : {}) });
  }

  private async getJob({ response, params }: RouteContext): Promise<void> {
    sendJson(response, 200, { job: jobToApi(this.findJob(params[0] ?? ''), this.clock.now()) });
  }

  private async jobAction({ request, response, params }: RouteContext): Promise<void> {
    const job = this.findJob(params[0] ?? '');
    const body = contractBody(await readBody(request), 'PostJobActionByJobIdRequest');
    if (body.action !== 'cancel') throw badRequest('action is required and must be cancel', { field: 'action' });
    const now = this.clock.now();
    const status = viewJob(job, now).status;
    if (isTerminal(status)) throw badRequest(`Job ${job.jobId} is ${status} and cannot be canceled`, { jobId: job.jobId, status });
    job.canceledAtMs = now;
    sendJson(response, 200, { job: jobToApi(job, now) });
  }

  // ---- assets ---------------------------------------------------------------------------

  private findAsset(assetId: string): StoredAsset {
    const asset = this.assets.get(assetId);
    if (!asset) throw notFound(`Asset ${assetId} was not found`, { assetId });
    return asset;
  }

  private async postAsset({ authorId, request, response }: RouteContext): Promise<void> {
    const body = contractBody(await readBody(request), 'PostAssetRequest');
    if (typeof body.image !== 'string' || body.image === '') throw badRequest('image is required: send the image as base64 or a data URL', { field: 'image' });
    const bytes = decodeBase64Image(body.image);
    const info = await inspectImage(bytes);
    if (!info) throw badRequest('image is not a readable image', { field: 'image' });
    const asset = this.storeUploadedAsset(this.newId('asset'), String(body.name), bytes, mimeTypeOf(info.format), info.width, info.height, authorId);
    sendJson(response, 200, { asset: this.assetToApi(asset) });
  }

  private async getAsset({ response, params }: RouteContext): Promise<void> {
    const asset = this.findAsset(params[0] ?? '');
    sendJson(response, 200, { asset: this.assetToApi(asset) });
  }

  private async getAssetsBulk({ request, response }: RouteContext): Promise<void> {
    const body = contractBody(await readBody(request), 'PostAssetGetBulkRequest');
    const ids = (body.assetIds as string[] | undefined) ?? [];
    if (ids.length > 200) throw badRequest('assetIds must list at most 200 ids', { field: 'assetIds' });
    // Like the real endpoint, ids that do not exist are simply absent from the answer.
    const assets = ids.flatMap((id) => {
      const asset = this.assets.get(id);
      return asset ? [this.assetToApi(asset)] : [];
    });
    sendJson(response, 200, { assets });
  }

  private async download({ response, url, params }: RouteContext): Promise<void> {
    if (!this.signedUrlAccepted(url, response)) return;
    const asset = this.findAsset(params[0] ?? '');
    sendBytes(response, 200, asset.mimeType, await this.bytesOf(asset));
  }

  /** The thumbnail-size copy of a generated image: the image itself, at most 256 px a side, as WebP. */
  private async downloadThumbnail({ response, url, params }: RouteContext): Promise<void> {
    if (!this.signedUrlAccepted(url, response)) return;
    const asset = this.findAsset(params[0] ?? '');
    if (!offersThumbnail(asset)) throw notFound(`Asset ${asset.id} has no thumbnail`, { assetId: asset.id });
    const key = `${asset.id}#thumbnail`;
    const bytes = this.rendered.get(key) ?? (await renderThumbnail(await this.bytesOf(asset)));
    this.remember(key, bytes);
    sendBytes(response, 200, 'image/webp', bytes);
  }

  /** A signed CDN URL is good until it expires; otherwise the storage service's 403, as the real CDN answers. */
  private signedUrlAccepted(url: URL, response: ServerResponse): boolean {
    const verdict = this.signer.check(url.pathname, url.search, this.clock.now());
    if (verdict === 'ok') return true;
    const message = verdict === 'expired' ? 'Request has expired' : 'Invalid signature';
    sendBytes(response, 403, 'application/xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`));
    return false;
  }

  private async bytesOf(asset: StoredAsset): Promise<Buffer> {
    if ('bytes' in asset.content) return asset.content.bytes;
    const cached = this.rendered.get(asset.id);
    if (cached) return cached;
    const bytes = await renderImage(asset.content.recipe);
    this.remember(asset.id, bytes);
    return bytes;
  }

  /** An output made from `controlId` descends from it (and from its root). */
  private lineageFrom(controlId: string | undefined): Pick<StoredAsset, 'parentId' | 'rootParentId'> {
    const parent = controlId === undefined ? undefined : this.assets.get(controlId);
    return parent === undefined ? {} : { parentId: parent.id, rootParentId: parent.rootParentId ?? parent.id };
  }

  private async listAssets({ response, url }: RouteContext): Promise<void> {
    const query = readQuery('GetAssets', url.searchParams);
    const pageSize = readPageSize(url.searchParams, 50, 100);
    const { matches, order } = assetSelection(query);
    const matching = sortAssets([...this.assets.values()].filter((asset) => matches(asset) && !this.isModelThumbnail(asset)), order);
    const { page, nextPaginationToken } = paginate(matching, (asset) => asset.id, url.searchParams, pageSize);
    sendJson(response, 200, { assets: page.map((asset) => this.assetToApi(asset)), ...(nextPaginationToken ? { nextPaginationToken } : {}) });
  }

  /** A model's thumbnail is Scenario's, not the team's: listings leave it out. */
  private isModelThumbnail(asset: StoredAsset): boolean {
    return this.modelThumbnailIds.has(asset.id);
  }

  private touch(asset: StoredAsset): void {
    // Strictly after its previous update, so `updatedAfter` (exclusive) never misses a change.
    const previous = Date.parse(asset.updatedAt);
    asset.updatedAt = new Date(Math.max(this.clock.now(), previous + 1)).toISOString();
  }

  private async putAssetTags({ request, response, params }: RouteContext): Promise<void> {
    const asset = this.findAsset(params[0] ?? '');
    const body = contractBody(await readBody(request), 'PutAssetsTagsByAssetIdRequest');
    const add = (body.add as string[] | undefined) ?? [];
    const remove = (body.delete as string[] | undefined) ?? [];
    if (body.strict !== false) {
      const present = add.filter((tag) => asset.tags.includes(tag));
      if (present.length > 0) throw badRequest(`Asset ${asset.id} already has the tag(s) ${present.join(', ')}`, { field: 'add', tags: present });
      const absent = remove.filter((tag) => !asset.tags.includes(tag));
      if (absent.length > 0) throw badRequest(`Asset ${asset.id} has no tag(s) ${absent.join(', ')}`, { field: 'delete', tags: absent });
    }
    const added = [...new Set(add)].filter((tag) => !asset.tags.includes(tag));
    const deleted = [...new Set(remove)].filter((tag) => asset.tags.includes(tag) && !added.includes(tag));
    asset.tags = [...asset.tags.filter((tag) => !deleted.includes(tag)), ...added];
    if (added.length > 0 || deleted.length > 0) this.touch(asset);
    sendJson(response, 200, { added, deleted });
  }

  // ---- collections ----------------------------------------------------------------------

  private findCollection(collectionId: string): StoredCollection {
    const collection = this.collections.get(collectionId);
    if (!collection) throw notFound(`Collection ${collectionId} was not found`, { collectionId });
    return collection;
  }

  private collectionToApi(collection: StoredCollection): Record<string, unknown> {
    const assetCount = [...this.assets.values()].filter((asset) => asset.collectionIds.includes(collection.id)).length;
    return { id: collection.id, name: collection.name, ownerId: TEAM_ID, createdAt: collection.createdAt, updatedAt: collection.updatedAt, assetCount, modelCount: 0, itemCount: assetCount };
  }

  private async listCollections({ response, url }: RouteContext): Promise<void> {
    readQuery('GetCollections', url.searchParams);
    const pageSize = readPageSize(url.searchParams, 10, 100);
    const { page, nextPaginationToken } = paginate([...this.collections.values()], (collection) => collection.id, url.searchParams, pageSize);
    sendJson(response, 200, { collections: page.map((collection) => this.collectionToApi(collection)), ...(nextPaginationToken ? { nextPaginationToken } : {}) });
  }

  private async postCollection({ request, response }: RouteContext): Promise<void> {
    const body = contractBody(await readBody(request), 'PostCollectionRequest');
    const now = new Date(this.clock.now()).toISOString();
    const collection: StoredCollection = { id: this.newId('collection'), name: String(body.name), createdAt: now, updatedAt: now };
    this.collections.set(collection.id, collection);
    sendJson(response, 200, { collection: this.collectionToApi(collection) });
  }

  private async getCollection({ response, params }: RouteContext): Promise<void> {
    sendJson(response, 200, { collection: this.collectionToApi(this.findCollection(params[0] ?? '')) });
  }

  private async renameCollection({ request, response, params }: RouteContext): Promise<void> {
    const collection = this.findCollection(params[0] ?? '');
    const body = contractBody(await readBody(request), 'PutCollectionsByCollectionIdRequest');
    collection.name = String(body.name);
    collection.updatedAt = new Date(this.clock.now()).toISOString();
    sendJson(response, 200, { collection: this.collectionToApi(collection) });
  }

  private async deleteCollection({ response, params }: RouteContext): Promise<void> {
    const collection = this.findCollection(params[0] ?? '');
    this.collections.delete(collection.id);
    for (const asset of this.assets.values()) {
      if (!asset.collectionIds.includes(collection.id)) continue;
      asset.collectionIds = asset.collectionIds.filter((id) => id !== collection.id);
      this.touch(asset);
    }
    sendJson(response, 200, {});
  }

  private async collectionAssets({ request, response, params }: RouteContext, change: 'add' | 'remove'): Promise<void> {
    const collection = this.findCollection(params[0] ?? '');
    const body = contractBody(await readBody(request), change === 'add' ? 'PutAssetsByCollectionIdRequest' : 'DeleteAssetsByCollectionIdRequest');
    const assets = (body.assetIds as string[]).map((id) => this.findAsset(id));
    for (const asset of assets) {
      const has = asset.collectionIds.includes(collection.id);
      if (change === 'add' && !has) asset.collectionIds = [...asset.collectionIds, collection.id];
      else if (change === 'remove' && has) asset.collectionIds = asset.collectionIds.filter((id) => id !== collection.id);
      else continue;
      this.touch(asset);
    }
    collection.updatedAt = new Date(this.clock.now()).toISOString();
    sendJson(response, 200, { collection: this.collectionToApi(collection) });
  }

  // ---- the team's history ---------------------------------------------------------------

  private async postTeamHistory({ request, response }: RouteContext): Promise<void> {
    const made = await this.seedTeamHistory(parseJsonObject(await readBody(request)) as unknown as TeamHistorySpec);
    sendJson(response, 200, made);
  }

  private async postTeamDelete({ request, response }: RouteContext): Promise<void> {
    const body = parseJsonObject(await readBody(request));
    const ids = (name: string): string[] => (Array.isArray(body[name]) ? (body[name] as unknown[]).filter((id): id is string => typeof id === 'string') : []);
    sendJson(response, 200, this.deleteForTeam({ jobIds: ids('jobIds'), assetIds: ids('assetIds') }));
  }

  /**
   * A member deleted these in Scenario's web app (the contract has no DELETE for jobs or assets):
   * a job goes with its outputs, an asset alone. Gone from every listing and lookup (404), as
   * deleted things are on Scenario; a job's `metadata.assetIds` keeps naming a deleted output.
   */
  deleteForTeam(what: { jobIds?: readonly string[]; assetIds?: readonly string[] }): { jobIds: string[]; assetIds: string[] } {
    const jobIds = (what.jobIds ?? []).filter((jobId) => this.jobs.has(jobId));
    const assetIds = new Set((what.assetIds ?? []).filter((assetId) => this.assets.has(assetId)));
    for (const jobId of jobIds) {
      for (const assetId of (this.jobs.get(jobId) as StoredJob).assetIds) if (this.assets.has(assetId)) assetIds.add(assetId);
      this.jobs.delete(jobId);
    }
    const deletedJobs = new Set(jobIds);
    const kept = this.jobOrder.filter((job) => !deletedJobs.has(job.jobId));
    this.jobOrder.length = 0;
    for (const job of kept) this.jobOrder.push(job);
    for (const assetId of assetIds) {
      this.assets.delete(assetId);
      this.rendered.delete(assetId);
      this.rendered.delete(`${assetId}#thumbnail`);
    }
    return { jobIds, assetIds: [...assetIds] };
  }

  /**
   * Finished generations by other members, as if made earlier from the web app or their own
   * machines: every third is sent as the web app sends it (defaults left to Scenario), the rest
   * as a complete body. Outputs render on download only, so a large history costs memory, not time.
   */
  async seedTeamHistory(spec: TeamHistorySpec): Promise<{ jobIds: string[]; controlAssetIds: string[] }> {
    const count = Math.max(0, Math.floor(spec.jobs));
    const authors = spec.authorIds && spec.authorIds.length > 0 ? spec.authorIds : DEFAULT_OTHER_AUTHORS;
    const samples = spec.samplesPerJob ?? 4;
    const webAppEvery = spec.webAppEvery ?? 3;
    const now = this.clock.now();
    const span = spec.spanMs ?? 30 * 24 * 60 * 60 * 1000;
    const controls: StoredAsset[] = [];
    for (let index = 0; index < Math.max(1, spec.controlImages ?? 4); index++) {
      const existing = this.assets.get(`asset_team-control-${index}`);
      if (existing) {
        controls.push(existing);
        continue;
      }
      const bytes = await renderImage({ control: undefined, prompt: `control ${index}`, modelId: 'control', seed: String(index), sampleIndex: 0, width: 64, height: 64 });
      controls.push(this.storeUploadedAsset(`asset_team-control-${index}`, `pose ${index}.png`, bytes, 'image/png', 64, 64, authors[index % authors.length] ?? PRIMARY_AUTHOR_ID));
    }
    const made: StoredJob[] = [];
    for (let index = 0; index < count; index++) {
      const createdAtMs = Math.round(now - span + (span * (index + 1)) / Math.max(1, count)) - 1;
      const createdAt = new Date(createdAtMs).toISOString();
      const control = controls[index % controls.length] as StoredAsset;
      const authorId = authors[index % authors.length] ?? PRIMARY_AUTHOR_ID;
      const prompt = `team render ${index}: a knight in ${['armor', 'robes', 'furs', 'silk'][index % 4]}`;
      const seed = String(1000 + index);
      const complete = webAppEvery <= 0 || index % webAppEvery !== 0;
      const input: Record<string, unknown> = { modelId: 'model_sd15-realistic', prompt, modality: 'pose', image: control.id, seed, numSamples: samples, width: 512, height: 512, type: 'controlnet', ...(complete ? { numInferenceSteps: 30, guidance: 7.5 } : {}) };
      const job: StoredJob = { jobId: `job_team-${this.teamJobs}`, jobType: 'inference', authorId, inferenceId: `inf_team-${this.teamJobs}`, createdAtMs, latencyMs: 0, input, failReason: undefined, canceledAtMs: undefined, finishedAtMs: createdAtMs, assetIds: [] };
      this.teamJobs += 1;
      for (let sample = 0; sample < samples; sample++) {
        const id = `asset_${job.jobId.slice('job_'.length)}-${sample}`;
        const tagged = spec.tags !== undefined && spec.tagEvery !== undefined && spec.tagEvery > 0 && index % spec.tagEvery === 0 && sample === 0;
        this.assets.set(id, {
          id, name: `${prompt.slice(0, 60)} #${sample + 1}`, createdAt, updatedAt: createdAt, mimeType: 'image/png', width: 512, height: 512, size: 0,
          type: 'inference-controlnet', content: { recipe: { control: 'bytes' in control.content ? control.content.bytes : undefined, prompt, modelId: 'model_sd15-realistic', seed, sampleIndex: sample, width: 512, height: 512 } },
          jobId: job.jobId, inferenceId: job.inferenceId, modelId: 'model_sd15-realistic', outputIndex: sample, parameters: { prompt, seed, modality: 'pose' },
          authorId, tags: tagged ? [...(spec.tags ?? [])] : [], collectionIds: [], parentId: control.id, rootParentId: control.id,
          ...(spec.thumbnails === false ? { withoutThumbnail: true } : {}),
        });
        job.assetIds.push(id);
      }
      this.jobs.set(job.jobId, job);
      made.push(job);
    }
    // Newest first, and older than anything made meanwhile; one concat, not 100,000 unshifts.
    const merged = [...this.jobOrder, ...[...made].reverse()].sort((a, b) => b.createdAtMs - a.createdAtMs);
    this.jobOrder.length = 0;
    for (const job of merged) this.jobOrder.push(job);
    return { jobIds: made.map((job) => job.jobId), controlAssetIds: controls.map((control) => control.id) };
  }

  // ---- uploads --------------------------------------------------------------------------

  private findUpload(uploadId: string): StoredUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw notFound(`Upload ${uploadId} was not found`, { uploadId });
    return upload;
  }

  private partUrls(upload: StoredUpload): { number: number; url: string; expires: string }[] {
    return Array.from({ length: upload.partsCount }, (_, index) => {
      const signed = this.signer.sign(this.origin, `/_uploads/${upload.id}/${index + 1}`, this.clock.now());
      return { number: index + 1, url: signed.url, expires: new Date(signed.expires).toISOString() };
    });
  }

  private async postUpload({ authorId, request, response }: RouteContext): Promise<void> {
    const body = contractBody(await readBody(request), 'PostUploadsRequest');
    if (typeof body.fileName !== 'string' || body.fileName === '') throw badRequest('fileName is required', { field: 'fileName' });
    if (body.kind !== 'image' && body.kind !== 'asset') throw badRequest('kind must be image (or asset) for a control map', { field: 'kind' });
    const partsCount = (body.parts as number | undefined) ?? 1;
    if (!Number.isInteger(partsCount)) throw badRequest('parts must be an integer', { field: 'parts' });
    const now = new Date(this.clock.now()).toISOString();
    const upload: StoredUpload = {
      id: this.newId('upload'),
      authorId,
      fileName: body.fileName,
      fileSize: body.fileSize as number | undefined,
      kind: body.kind,
      contentType: body.contentType as string | undefined,
      partsCount,
      parts: new Map(),
      status: 'pending',
      assetId: undefined,
      errorMessage: undefined,
      createdAt: now,
      updatedAt: now,
    };
    this.uploads.set(upload.id, upload);
    sendJson(response, 200, { upload: uploadToApi(upload, this.partUrls(upload)) });
  }

  private async putPart({ request, response, url, params }: RouteContext): Promise<void> {
    const verdict = this.signer.check(url.pathname, url.search, this.clock.now());
    if (verdict !== 'ok') return sendBytes(response, 403, 'application/xml', Buffer.from(`<Error><Code>AccessDenied</Code><Message>${verdict}</Message></Error>`));
    const upload = this.findUpload(params[0] ?? '');
    const partNumber = Number(params[1]);
    if (partNumber < 1 || partNumber > upload.partsCount) throw badRequest(`Part ${partNumber} is outside 1..${upload.partsCount}`);
    if (upload.status !== 'pending') throw badRequest(`Upload ${upload.id} is already ${upload.status}`);
    const bytes = await readBody(request, 100 * 1024 * 1024);
    upload.parts.set(partNumber, bytes);
    response.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"`, 'content-length': 0 });
    response.end();
  }

  private async getUpload({ response, params }: RouteContext): Promise<void> {
    const upload = this.findUpload(params[0] ?? '');
    sendJson(response, 200, { upload: uploadToApi(upload, undefined) });
  }

  private async uploadAction({ request, response, params }: RouteContext): Promise<void> {
    const upload = this.findUpload(params[0] ?? '');
    contractBody(await readBody(request), 'PostUploadsActionRequest');
    if (upload.status !== 'pending') throw badRequest(`Upload ${upload.id} is already ${upload.status}`, { uploadId: upload.id });
    const missing = Array.from({ length: upload.partsCount }, (_, index) => index + 1).filter((part) => !upload.parts.has(part));
    if (missing.length > 0) throw badRequest(`Upload ${upload.id} is missing part(s) ${missing.join(', ')}`, { uploadId: upload.id, missingParts: missing });
    upload.status = 'validating';
    upload.updatedAt = new Date(this.clock.now()).toISOString();
    sendJson(response, 200, { upload: uploadToApi(upload, undefined) });
    // Scenario validates and imports asynchronously: the client polls GET /uploads/{id}.
    this.later(Math.min(this.latencyMs, 50), () => this.importUpload(upload));
  }

  private async importUpload(upload: StoredUpload): Promise<void> {
    const bytes = Buffer.concat([...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part));
    const info = await inspectImage(bytes);
    upload.updatedAt = new Date(this.clock.now()).toISOString();
    if (upload.fileSize !== undefined && upload.fileSize !== bytes.length) {
      upload.status = 'failed';
      upload.errorMessage = `Received ${bytes.length} bytes but fileSize said ${upload.fileSize}`;
    } else if (!info) {
      upload.status = 'failed';
      upload.errorMessage = 'The uploaded file is not a readable image';
    } else {
      const asset = this.storeUploadedAsset(this.newId('asset'), upload.fileName, bytes, mimeTypeOf(info.format), info.width, info.height, upload.authorId);
      upload.assetId = asset.id;
      upload.status = 'imported';
    }
    upload.parts.clear();
  }

  // ---- models ---------------------------------------------------------------------------

  private modelToApi(model: SimulatedModel): Record<string, unknown> {
    const thumbnail = this.assets.get(thumbnailAssetId(model));
    return modelToApi(model, thumbnail ? this.assetUrl(thumbnail) : '');
  }

  private async listModels({ response, url }: RouteContext): Promise<void> {
    const query = url.searchParams;
    const pageSize = readPageSize(query, 50, 500);
    const privacy = query.get('privacy');
    const status = query.get('status');
    const matching = [...this.models.values()].filter((model) => (!privacy || model.privacy === privacy) && (!status || model.status === status));
    const { page, nextPaginationToken } = paginate(matching, (model) => model.id, query, pageSize);
    sendJson(response, 200, { models: page.map((model) => this.modelToApi(model)), ...(nextPaginationToken ? { nextPaginationToken } : {}) });
  }

  private async getModel({ response, params }: RouteContext): Promise<void> {
    const model = this.models.get(params[0] ?? '');
    if (!model) throw notFound(`Model ${params[0]} was not found`, { modelId: params[0] });
    sendJson(response, 200, { model: this.modelToApi(model) });
  }
}
