import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_UPLOAD_MAX_BYTES, ScenarioClient, ScenarioError } from '../../src/main/scenario/index.js';
import { makeRedactor } from '../../src/main/scenario/errors.js';
import { readRetryAfterMs } from '../../src/main/scenario/http.js';
import type { RunningSimulator } from '../../src/main/simulator/index.js';
import {
  FAST,
  TEST_KEY,
  TEST_SECRET,
  clientFor,
  credentialForms,
  generateBody,
  makeTempDir,
  sendJson,
  startOddServer,
  startTestSimulator,
} from './helpers.js';

let simulator: RunningSimulator;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let odd: Awaited<ReturnType<typeof startOddServer>>;
let unknownStatusPolls = 0;

const JOB = { jobId: 'job_odd', status: 'queued', progress: 0, metadata: {} };

/** Answers the simulator never gives. Echoes the Authorization header where a careless server might. */
function oddRoute(url: string, authorization: string): { status: number; body: unknown } | 'truncate' {
  if (url === '/v1/jobs/job_missing_id') return { status: 200, body: { job: { status: 'success' } } };
  if (url === '/v1/jobs/job_new_status') {
    unknownStatusPolls += 1;
    return { status: 200, body: { job: { ...JOB, jobId: 'job_new_status', status: unknownStatusPolls < 3 ? 'upscaling-somewhere' : 'success', extra: { newField: true } } } };
  }
  if (url === '/v1/generate/controlnet') return { status: 200, body: { creativeUnitsCost: 5, job: { status: 'queued' } } };
  if (url === '/v1/generate/controlnet?dryRun=true') return { status: 200, body: { creativeUnitsCost: 5 } };
  if (url.startsWith('/v1/models')) return { status: 200, body: { models: [], nextPaginationToken: 'same-token' } };
  if (url === '/v1/assets/asset_echo') return { status: 403, body: { reason: `Forbidden for ${authorization}`, detail: 'plan' } };
  if (url === '/v1/assets/asset_truncated') return { status: 200, body: { asset: { id: 'asset_truncated', url: url.replace('/v1/assets/', '/cdn/') } } };
  if (url === '/cdn/asset_truncated') return 'truncate';
  return { status: 404, body: { apiError: 'notFound', error: `No route ${url} (auth was ${authorization})` } };
}

beforeAll(async () => {
  simulator = await startTestSimulator();
  temp = await makeTempDir();
  odd = await startOddServer((request, response) => {
    const answer = oddRoute(request.url ?? '', request.headers.authorization ?? '');
    if (answer === 'truncate') {
      // Declares 1000 bytes, sends 300, then breaks the connection.
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000' });
      response.write(Buffer.alloc(300, 1), () => response.destroy());
      return;
    }
    sendJson(response, answer.status, answer.body);
  });
});
afterAll(async () => {
  await simulator.close();
  await odd.close();
  await temp.cleanup();
});

const oddClient = () => new ScenarioClient({ baseUrl: odd.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST });
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('answers the client must read carefully', () => {
  it('a missing required field is a bad-response naming the field', async () => {
    const error = await caught(oddClient().getJob('job_missing_id'));
    expect(error).toMatchObject({ code: 'bad-response' });
    expect((error as ScenarioError).userMessage).toContain('`job.jobId` is missing');
  });

  it('a generate accepted with an unreadable answer is outcome-unknown (the job exists)', async () => {
    const error = await caught(oddClient().generateControlNet('{"prompt":"x"}'));
    expect(error).toMatchObject({ code: 'outcome-unknown', status: 200 });
    expect((error as ScenarioError).submission?.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a dry run answered 200 instead of 269 is not mistaken for a price', async () => {
    await expect(oddClient().dryRunControlNet('{}')).rejects.toMatchObject({ code: 'bad-response', status: 200 });
  });

  it('unknown job statuses and unknown fields keep the poll going', async () => {
    const seen: string[] = [];
    const job = await oddClient().waitForJob('job_new_status', { onProgress: (update) => seen.push(update.status) });
    expect(job.status).toBe('success');
    expect(seen).toEqual(['upscaling-somewhere', 'upscaling-somewhere', 'success']);
    expect(job).toMatchObject({ extra: { newField: true } });
  });

  it('a repeated pagination token is an error, not an endless loop', async () => {
    await expect(oddClient().listModels()).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('a download cut short fails and leaves no .part file', async () => {
    const destPath = path.join(temp.dir, 'cut.png');
    const client = new ScenarioClient({ baseUrl: odd.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await caught(client.downloadAsset('asset_truncated', destPath, { expectedUrl: `${odd.baseUrl.replace('/v1', '')}/cdn/asset_truncated` }));
    expect(error).toMatchObject({ code: 'network' });
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('a download into memory cut short fails the same way', async () => {
    const client = new ScenarioClient({ baseUrl: odd.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await caught(client.downloadAssetBytes('asset_truncated', { expectedUrl: `${odd.baseUrl.replace('/v1', '')}/cdn/asset_truncated` }));
    expect(error).toMatchObject({ code: 'network' });
  });

  it('a 403 says the plan may be too low', async () => {
    const error = await caught(oddClient().getAsset('asset_echo'));
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((error as ScenarioError).userMessage).toMatch(/plan/);
  });
});

describe('redirects', () => {
  it('a GET follows one to another origin without the Authorization header; a POST is never sent on', async () => {
    const seenByOther: string[] = [];
    const other = await startOddServer((request, response) => {
      seenByOther.push(`${request.method} ${request.url} auth=${request.headers.authorization ?? 'none'}`);
      sendJson(response, 200, { job: { ...JOB, jobId: 'job_moved', status: 'success' } });
    });
    const moving = await startOddServer((request, response) => {
      response.writeHead(request.method === 'GET' ? 302 : 307, { location: `${other.baseUrl}${(request.url ?? '').replace('/v1', '')}` });
      response.end();
    });
    try {
      const client = new ScenarioClient({ baseUrl: moving.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST });
      expect((await client.getJob('job_moved')).status).toBe('success');
      expect(seenByOther).toEqual(['GET /v1/jobs/job_moved auth=none']);
      const error = await caught(client.generateControlNet(await generateBody()));
      expect(error).toMatchObject({ code: 'invalid-request', status: 307 });
      expect(seenByOther).toHaveLength(1);
    } finally {
      await moving.close();
      await other.close();
    }
  });
});

describe('a multipart upload whose "complete" answer is lost', () => {
  it('finds the upload completed after all instead of failing on the refused retry', async () => {
    let status = 'pending';
    let completeCalls = 0;
    const server = await startOddServer((request, response) => {
      const url = request.url ?? '';
      request.resume();
      if (request.method === 'PUT') return sendJson(response, 200, {});
      const parts = [1, 2].map((number) => ({ number, url: `${server.baseUrl.replace('/v1', '')}/part/${number}` }));
      if (url === '/v1/uploads') return sendJson(response, 200, { upload: { id: 'upload_1', status, parts } });
      if (url === '/v1/uploads/upload_1/action') {
        completeCalls += 1;
        if (status !== 'pending') return sendJson(response, 400, { reason: 'Upload upload_1 is already validating' });
        // Completed, but the answer never arrives.
        status = 'validating';
        return request.socket.destroy();
      }
      if (url === '/v1/uploads/upload_1') {
        const answer = { upload: { id: 'upload_1', status, entityId: status === 'imported' ? 'asset_done' : undefined } };
        status = 'imported';
        return sendJson(response, 200, answer);
      }
      sendJson(response, 404, { reason: url });
    });
    try {
      const client = new ScenarioClient({ baseUrl: server.baseUrl, apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST });
      const assetId = await client.uploadImage({ bytes: Buffer.alloc(INLINE_UPLOAD_MAX_BYTES + 1), fileName: 'big.png', contentType: 'image/png' });
      expect(assetId).toBe('asset_done');
      expect(completeCalls).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe("the server's own wait", () => {
  it('comes from Retry-After (seconds or a date) or remainingSeconds, at the top or in details', () => {
    expect(readRetryAfterMs(new Headers({ 'retry-after': '3' }), undefined)).toBe(3000);
    expect(readRetryAfterMs(new Headers({ 'retry-after': new Date(Date.now() - 5000).toUTCString() }), undefined)).toBe(0);
    expect(readRetryAfterMs(new Headers(), { remainingSeconds: 2 })).toBe(2000);
    expect(readRetryAfterMs(new Headers(), { details: { remainingSeconds: '1.5' } })).toBe(1500);
  });

  it('is unknown, not "retry at once", when the value is null, empty, a boolean or negative', () => {
    for (const remainingSeconds of [null, '', ' ', true, false, -1, 'soon', [], {}]) {
      expect(readRetryAfterMs(new Headers(), { remainingSeconds }), String(remainingSeconds)).toBeUndefined();
    }
  });
});

describe('configuration', () => {
  it('a base URL that is not http(s) is refused at once', () => {
    expect(() => new ScenarioClient({ baseUrl: 'api.cloud.scenario.com/v1', apiKey: TEST_KEY, apiSecret: TEST_SECRET })).toThrow(
      expect.objectContaining({ code: 'invalid-request' }),
    );
  });
});

describe('authentication', () => {
  it('a wrong secret is an auth error that says what to do', async () => {
    const client = new ScenarioClient({ baseUrl: simulator.baseUrl, apiKey: TEST_KEY, apiSecret: 'wrong-Secret-51x', ...FAST });
    const error = await caught(client.listModels());
    expect(error).toMatchObject({ code: 'auth', status: 401 });
    expect((error as ScenarioError).userMessage).toMatch(/API key/);
    expect(inspect(error, { depth: 10 })).not.toContain('wrong-Secret-51x');
  });
});

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

describe('the secret never leaks', () => {
  it('in any error kind: message, stack, cause, JSON or inspect output', async () => {
    const client = clientFor(simulator);
    const fastFail = { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };
    const errors: unknown[] = [];
    const collect = async (promise: Promise<unknown>) => errors.push(await caught(promise));

    await collect(new ScenarioClient({ baseUrl: simulator.baseUrl, apiKey: TEST_KEY, apiSecret: `${TEST_SECRET}-bad`, ...FAST }).getJob('x')); // auth
    await collect(oddClient().getAsset('asset_echo')); // forbidden, server echoes the header
    await collect(oddClient().getJob('job_unknown_route')); // not-found, server echoes the header
    await collect(client.generateControlNet(await generateBody({ width: 13 }))); // invalid-request
    await collect(oddClient().getJob('job_missing_id')); // bad-response
    await collect(oddClient().generateControlNet('{}')); // outcome-unknown (unreadable 200)
    await collect(new ScenarioClient({ baseUrl: await closedPortUrl(), apiKey: TEST_KEY, apiSecret: TEST_SECRET, ...FAST, ...fastFail }).getJob('x')); // network
    const aborted = new AbortController();
    aborted.abort();
    await collect(client.getJob('x', { signal: aborted.signal })); // aborted
    simulator.setFaults('429=1');
    await collect(clientFor(simulator, fastFail).getJob('x')); // rate-limited
    simulator.setFaults('5xx=1');
    await collect(clientFor(simulator, fastFail).getJob('x')); // server
    simulator.setFaults('drop=1');
    await collect(client.generateControlNet(await generateBody())); // outcome-unknown (lost answer)
    simulator.setFaults('slow=1,slowMs=300');
    await collect(clientFor(simulator, { ...fastFail, requestTimeoutMs: 50 }).getJob('x')); // timeout
    simulator.setFaults('');

    const codes = errors.map((error) => (error as ScenarioError).code);
    expect(new Set(codes)).toEqual(
      new Set(['auth', 'forbidden', 'not-found', 'invalid-request', 'bad-response', 'outcome-unknown', 'network', 'aborted', 'rate-limited', 'server', 'timeout']),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(ScenarioError);
      const scenarioError = error as ScenarioError;
      const texts = [scenarioError.message, scenarioError.userMessage, String(scenarioError.stack), JSON.stringify(scenarioError), inspect(scenarioError, { depth: 10, showHidden: true })];
      for (const text of texts) {
        for (const form of [...credentialForms(), ...credentialForms(TEST_KEY, `${TEST_SECRET}-bad`)]) expect(text).not.toContain(form);
      }
    }
    // The client object itself keeps the credentials out of sight too.
    for (const form of credentialForms()) expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(form);
    for (const form of credentialForms()) expect(JSON.stringify(client)).not.toContain(form);
  });
});

describe('makeRedactor', () => {
  it('removes a long secret, the key:secret pair and its base64 wherever they appear', () => {
    const redact = makeRedactor('key-1234', 'Zx9-long-secret');
    const base64 = Buffer.from('key-1234:Zx9-long-secret').toString('base64');
    expect(redact(`a${base64}b key-1234:Zx9-long-secret prefixZx9-long-secretsuffix`)).toBe('a[redacted]b [redacted] prefix[redacted]suffix');
  });

  it('removes a short secret only where it stands alone, so messages stay readable', () => {
    const redact = makeRedactor('k', 's');
    expect(redact('Missing or invalid credentials: send s as the secret')).toBe('Missing or invalid credentials: send [redacted] as the secret');
    expect(redact('secret="s"')).toBe('secret="[redacted]"');
  });
});
