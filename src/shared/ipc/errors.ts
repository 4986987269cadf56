import { z } from 'zod';

/**
 * The only error shape that crosses the IPC boundary. It is plain data (structured-clone and JSON
 * safe) and carries nothing but a machine code and a sentence for a person: never a stack trace,
 * a cause chain or a request body, any of which could hold a path, a header or the API secret.
 */
export const ipcErrorSchema = z.object({
  code: z.string().min(1),
  userMessage: z.string().min(1),
});
export type IpcErrorData = z.infer<typeof ipcErrorSchema>;

/** Codes the IPC layer itself produces; the engine's own errors bring their own codes. */
export const IPC_ERROR_CODES = {
  unknownChannel: 'ipc.unknown-channel',
  untrustedSender: 'ipc.untrusted-sender',
  invalidInput: 'ipc.invalid-input',
  invalidOutput: 'ipc.invalid-output',
  invalidReply: 'ipc.invalid-reply',
  internal: 'ipc.internal',
  transport: 'ipc.transport',
} as const;

/** Thrown by the typed client when the other side answered with an error. */
export class IpcError extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(data: IpcErrorData) {
    super(data.userMessage);
    this.name = 'IpcError';
    this.code = data.code;
    this.userMessage = data.userMessage;
  }

  toData(): IpcErrorData {
    return { code: this.code, userMessage: this.userMessage };
  }
}

/**
 * Reads `{ code, userMessage }` from any thrown value that carries both as strings (every typed
 * error class in the engine does), so the boundary needs no list of the engine's error classes.
 * Anything else becomes a generic internal error: its message may hold details not meant for
 * the window.
 */
export function toIpcErrorData(error: unknown): IpcErrorData {
  if (typeof error === 'object' && error !== null) {
    const { code, userMessage } = error as { code?: unknown; userMessage?: unknown };
    if (typeof code === 'string' && code.length > 0 && typeof userMessage === 'string' && userMessage.length > 0) {
      return { code, userMessage };
    }
  }
  return {
    code: IPC_ERROR_CODES.internal,
    userMessage: 'Something went wrong inside the app. Try again; if it keeps happening, restart the app and check its log.',
  };
}

/** Every request is answered with exactly one reply of this shape. */
export const replySchema = z.discriminatedUnion('ok', [
  // JSON drops `value: undefined` (channels that answer nothing), so the key may be absent.
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: ipcErrorSchema }),
]);
export type Reply = { ok: true; value: unknown } | { ok: false; error: IpcErrorData };
