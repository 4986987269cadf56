/**
 * Scenario-shaped error answers. Most 4xx/5xx bodies are `{apiError, error, id, infos}`;
 * 429 bodies are `{reason, name, details}` (NOTES.md). Route handlers throw an ApiFailure and
 * the server turns it into the right body, so every error path has one shape.
 */
import { randomUUID } from 'node:crypto';

export type ApiErrorCode =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'methodNotAllowed'
  | 'payloadTooLarge'
  | 'internalServerError'
  | 'badGateway'
  | 'serviceUnavailable';

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly userMessage: string,
    readonly infos: Record<string, unknown> = {},
  ) {
    super(userMessage);
  }

  body(): Record<string, unknown> {
    return { apiError: this.code, error: this.userMessage, id: randomUUID(), infos: this.infos };
  }
}

export const badRequest = (message: string, infos: Record<string, unknown> = {}): ApiFailure => new ApiFailure(400, 'badRequest', message, infos);
export const notFound = (message: string, infos: Record<string, unknown> = {}): ApiFailure => new ApiFailure(404, 'notFound', message, infos);

export function tooManyRequestsBody(remainingSeconds: number): Record<string, unknown> {
  return {
    reason: `Too many requests: retry in ${remainingSeconds} seconds`,
    name: 'TooManyRequestsError',
    details: { action: 'generate', remainingSeconds },
    remainingSeconds,
  };
}
