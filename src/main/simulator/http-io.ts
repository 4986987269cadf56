/** Reading bodies and writing JSON answers for the simulator's node:http server. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiFailure, badRequest } from './errors';

/** Scenario's API gateway refuses bodies above about 10 MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      throw new ApiFailure(413, 'payloadTooLarge', `The request body is larger than ${limit} bytes: upload the image first (POST /uploads) and send its asset id`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('The request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendBytes(response: ServerResponse, status: number, contentType: string, bytes: Buffer): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(bytes);
}
