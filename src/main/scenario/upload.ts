import { ScenarioError, abortedError, describeCause, errorForStatus } from './errors.js';
import type { ScenarioHttp } from './http.js';
import { abortScope, withRetry } from './http.js';
import { exchange, readText } from './transport.js';
import type { PollInterval } from './jobs.js';
import { pausePoll } from './jobs.js';
import type { ScenarioUpload } from './schemas.js';
import { assetResponseSchema, parseReply, uploadResponseSchema } from './schemas.js';

/**
 * Images up to this size go inline to `POST /assets` (base64 grows them by a third, which keeps
 * the body under the API gateway's ~10 MB limit); larger ones take the multipart `/uploads` flow.
 */
export const INLINE_UPLOAD_MAX_BYTES = 6_000_000;

/** Storage services refuse multipart parts under 5 MiB (except the last), so parts are exactly that. */
export const UPLOAD_PART_BYTES = 5 * 1024 * 1024;

export interface ImageUpload {
  bytes: Buffer;
  fileName: string;
  contentType: string;
}

export interface UploadOptions {
  signal?: AbortSignal;
  pollInterval: PollInterval;
  /** How long Scenario may take to import a multipart upload before giving up. */
  importTimeoutMs?: number;
}

// Uploading twice only leaves an unused asset behind (no credits spent), so these POSTs are
// retried like reads: a flaky connection should not stop the pipeline.

/** Uploads an image and returns its asset id, to send as `image` instead of a data URL. */
export async function uploadImage(http: ScenarioHttp, image: ImageUpload, options: UploadOptions): Promise<string> {
  if (image.bytes.length <= INLINE_UPLOAD_MAX_BYTES) return uploadInline(http, image, options.signal);
  return uploadMultipart(http, image, options);
}

async function uploadInline(http: ScenarioHttp, image: ImageUpload, signal?: AbortSignal): Promise<string> {
  const what = `the upload of ${image.fileName}`;
  const body = JSON.stringify({ image: `data:${image.contentType};base64,${image.bytes.toString('base64')}`, name: image.fileName });
  const reply = await http.send({ method: 'POST', path: '/assets', body, what, signal });
  return parseReply(assetResponseSchema, reply.body, what).asset.id;
}

async function uploadMultipart(http: ScenarioHttp, image: ImageUpload, options: UploadOptions): Promise<string> {
  const { signal } = options;
  const what = `the upload of ${image.fileName}`;
  const partsCount = Math.ceil(image.bytes.length / UPLOAD_PART_BYTES);
  const created = await http.send({
    method: 'POST',
    path: '/uploads',
    body: JSON.stringify({ fileName: image.fileName, fileSize: image.bytes.length, contentType: image.contentType, kind: 'image', parts: partsCount }),
    what,
    signal,
  });
  const upload = parseReply(uploadResponseSchema, created.body, what).upload;
  const parts = upload.parts ?? [];
  if (parts.length !== partsCount) {
    throw new ScenarioError('bad-response', `Scenario prepared ${parts.length} parts for ${what} instead of ${partsCount}. Try again; update the app if it persists.`);
  }
  for (const part of parts) {
    const start = (part.number - 1) * UPLOAD_PART_BYTES;
    await putPart(http, part.url, image.bytes.subarray(start, start + UPLOAD_PART_BYTES), what, signal);
  }
  const uploadPath = `/uploads/${encodeURIComponent(upload.id)}`;
  try {
    await http.send({ method: 'POST', path: `${uploadPath}/action`, body: JSON.stringify({ action: 'complete' }), what, signal });
  } catch (error) {
    // When the first answer was lost, the retry is refused because the upload is no longer
    // pending: it was completed after all, and the import wait below gives the outcome.
    if (!(error instanceof ScenarioError) || error.code !== 'invalid-request' || (await uploadStatus(http, uploadPath, what, signal)) === PENDING) throw error;
  }
  return waitForImport(http, uploadPath, what, options);
}

async function uploadStatus(http: ScenarioHttp, uploadPath: string, what: string, signal?: AbortSignal): Promise<string> {
  const reply = await http.send({ method: 'GET', path: uploadPath, what, signal });
  return parseReply(uploadResponseSchema, reply.body, what).upload.status;
}

/**
 * Part URLs are pre-signed storage URLs: they carry their own authorization, so the API's
 * Authorization header must never be sent there.
 */
async function putPart(http: ScenarioHttp, url: string, bytes: Uint8Array, what: string, signal?: AbortSignal): Promise<void> {
  await withRetry(
    http.retry,
    async () => {
      let status: number;
      const scope = abortScope(signal, http.requestTimeoutMs);
      try {
        const response = await exchange(url, { method: 'PUT', headers: { 'User-Agent': http.userAgent }, body: bytes, signal: scope.signal });
        status = response.status;
        await readText(response);
      } catch (error) {
        if (signal?.aborted) throw abortedError();
        throw new ScenarioError('network', `The connection broke during ${what}. Check your connection; the app retries by itself.`, { cause: describeCause(error, http.redact) });
      } finally {
        scope.release();
      }
      if (status < 200 || status >= 300) throw errorForStatus(status, { what });
    },
    { signal, clock: http.clock },
  );
}

const PENDING = 'pending';
const IMPORTED = 'imported';
const FAILED = 'failed';

async function waitForImport(http: ScenarioHttp, uploadPath: string, what: string, options: UploadOptions): Promise<string> {
  const deadline = Date.now() + (options.importTimeoutMs ?? 120_000);
  for (;;) {
    const reply = await http.send({ method: 'GET', path: uploadPath, what, signal: options.signal });
    const upload: ScenarioUpload = parseReply(uploadResponseSchema, reply.body, what).upload;
    if (upload.status === FAILED) {
      const serverMessage = upload.errorMessage === undefined ? undefined : http.redact(upload.errorMessage);
      const said = serverMessage === undefined ? '' : ` Scenario said: "${serverMessage}".`;
      throw new ScenarioError('invalid-request', `Scenario could not import ${what}.${said} Check that the file is a valid image.`, { serverMessage });
    }
    if (upload.status === IMPORTED) {
      if (upload.entityId === undefined || upload.entityId === '') {
        throw new ScenarioError('bad-response', `Scenario's answer to ${what} could not be read: \`upload.entityId\` is missing. Update the app, or report this if it persists.`);
      }
      return upload.entityId;
    }
    if (Date.now() > deadline) {
      throw new ScenarioError('timeout', `Scenario took too long to import ${what}. Try again later.`);
    }
    await pausePoll(options.pollInterval, http.clock, options.signal);
  }
}
