/**
 * A small in-memory engine for the window's component tests: real contract handlers behind the
 * real dispatcher and the real typed client, joined by an in-memory transport. Channels a test
 * does not provide answer with a typed "not in this fixture" error; every call is recorded so a
 * test can check what the window asked the engine to do.
 */
import { createApi, type Api, type IpcTransport } from '../../src/shared/ipc/client';
import {
  channelNames, type ChannelName, type ContractEvent, type ContractHandlers, type GenerationDetail, type GenerationSummary,
  type InputOf,
} from '../../src/shared/ipc/contract';
import { createDispatcher } from '../../src/shared/ipc/server';
import { channelsNotInFixture } from '../ipc/fake-engine';


export interface Call {
  channel: ChannelName;
  input: unknown;
}

export interface FakeEngine {
  api: Api;
  calls: Call[];
  callsTo<C extends ChannelName>(channel: C): InputOf<C>[];
  emit(event: ContractEvent): void;
}

/**
 * What a whole window asks as it opens, for a library past its first run (no first-run screen over
 * the one under test), empty: tests of the App shell add the channels they are about.
 */
export const SETTLED_WINDOW: Partial<ContractHandlers> = {
  'models.list': async () => ({ models: [], fetchedAt: null, fromCache: false }),
  'settings.get': async () => ({ concurrency: 2, dailyBudget: null, monthlyBudget: null, libraryLocation: '/tmp/library', defaultProcessedAction: 'leave' }),
  'credentials.status': async () => ({ stored: true, backendOk: true, backendMessage: null, apiKeyHint: '1234', source: 'keychain' }),
  'folders.list': async () => [],
  'generations.page': async () => ({ items: [], nextCursor: null }),
  'generations.facets': async () => ({ total: 0, presets: [], models: [], families: [], modalities: [], folders: [], states: [], tags: [], favourites: 0 }),
};

export function createFakeEngine(handlers: Partial<ContractHandlers>): FakeEngine {
  const calls: Call[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const notInFixture = channelsNotInFixture();
  // Every window asks these as it starts: an engine with no notices unless the test says otherwise.
  const all: ContractHandlers = { ...notInFixture, 'app.info': async () => APP_INFO, 'queue.notices': async () => [], ...handlers };
  const recorded = Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      (input: unknown) => {
        calls.push({ channel, input });
        return (all[channel] as (input: unknown) => Promise<unknown>)(input);
      },
    ]),
  ) as unknown as ContractHandlers;
  const dispatch = createDispatcher<null>(recorded, { isTrustedSender: () => true });

  const transport: IpcTransport = {
    invoke: (channel, payload) => dispatch(channel, payload, null),
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };

  return {
    api: createApi(transport),
    calls,
    callsTo: <C extends ChannelName>(channel: C) => calls.filter((call) => call.channel === channel).map((call) => call.input as InputOf<C>),
    emit(event) {
      for (const listener of listeners.get(event.name) ?? []) listener(event.payload);
    },
  };
}

export const APP_INFO = {
  version: '0.0.0-test',
  platform: 'test',
  libraryUrlBase: 'http://127.0.0.1:1/library/',
  usingSimulator: true,
  dataFolder: '/tmp/fake',
};

export function generation(id: string, overrides: Partial<GenerationSummary> = {}): GenerationSummary {
  return {
    id,
    kind: 'hotfolder',
    state: 'done',
    presetId: 'preset-1',
    presetName: 'Hero poses',
    folderId: null,
    inputName: `${id}.png`,
    prompt: 'a knight in armour',
    modelId: 'model_sdxl',
    modelName: 'Armour XL',
    family: 'sd-xl',
    modality: 'pose',
    cover: { id: `${id}-image-0`, relPath: `outputs/${id}-0.png`, thumbRelPath: `thumbs/${id}-0.webp`, width: 1024, height: 1024, assetId: `asset_${id}`, missing: false },
    imageCount: 1,
    favourite: false,
    rating: 0,
    tags: [],
    creativeUnitsCost: 5,
    simulated: true,
    origin: null,
    author: null,
    createdAt: '2025-06-01T10:00:00.000Z',
    ...overrides,
  };
}

export function generationDetail(id: string, overrides: Partial<GenerationDetail> = {}): GenerationDetail {
  const summary = generation(id);
  return {
    ...summary,
    presetVersion: 1,
    preset: { name: 'Hero poses', modelId: 'model_sdxl', prompt: 'a knight in armour', modality: 'pose' },
    request: { modelId: 'model_sdxl', prompt: 'a knight in armour', modality: 'pose', seed: '42', image: 'asset_control' },
    seed: '42',
    negativePrompt: null,
    images: summary.cover ? [summary.cover] : [],
    tags: [],
    input: { relPath: `inputs/${id}.png`, missing: false, name: `${id}.png`, originalPath: `/renders/${id}.png`, sha256: 'ab'.repeat(32), width: 512, height: 512 },
    jobId: `job_${id}`,
    imageAssetId: 'asset_control',
    submittedAt: '2025-06-01T10:00:01.000Z',
    finishedAt: '2025-06-01T10:00:20.000Z',
    error: null,
    parent: null,
    children: [],
    notReproducible: null,
    ...overrides,
  };
}
