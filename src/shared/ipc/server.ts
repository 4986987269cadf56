/**
 * The engine-side half of the contract: one dispatcher that Electron's ipcMain and the WebSocket
 * bridge both call, so trust, validation and error shaping are decided in one place.
 *
 * Pure (no Node, no Electron) so it can be tested with any sender type and any payload.
 */
import type { z } from 'zod';
import { contract, isChannelName, type ChannelName, type ContractHandlers } from './contract';
import { IPC_ERROR_CODES, toIpcErrorData, type Reply } from './errors';

export interface DispatcherOptions<Sender> {
  /** Decides per request whether the sender is our own window; every other sender is refused. */
  isTrustedSender(sender: Sender): boolean;
  /**
   * Told about every failure the window sees as an error, with the original thrown value, so the
   * host can log it. The host must not log the raw value where secrets could leak.
   */
  onFailure?(failure: { channel: string; code: string; error: unknown }): void;
}

export type Dispatch<Sender> = (channel: unknown, payload: unknown, sender: Sender) => Promise<Reply>;

const MAX_ISSUES_IN_MESSAGE = 3;

/** "id: Invalid input: expected string, received number" — names the field, never echoes values. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - parts.length;
  return parts.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

function failure(code: string, userMessage: string): Reply {
  return { ok: false, error: { code, userMessage } };
}

export function createDispatcher<Sender>(handlers: ContractHandlers, options: DispatcherOptions<Sender>): Dispatch<Sender> {
  const report = (channel: string, code: string, error: unknown) => {
    try {
      options.onFailure?.({ channel, code, error });
    } catch {
      // A broken logger must not turn a reply into a crash.
    }
  };

  return async (channel, payload, sender) => {
    const channelLabel = typeof channel === 'string' ? channel.slice(0, 100) : typeof channel;
    try {
      if (!options.isTrustedSender(sender)) {
        report(channelLabel, IPC_ERROR_CODES.untrustedSender, null);
        return failure(IPC_ERROR_CODES.untrustedSender, 'This request did not come from the app window, so it was refused.');
      }
      if (typeof channel !== 'string' || !isChannelName(channel)) {
        report(channelLabel, IPC_ERROR_CODES.unknownChannel, null);
        return failure(IPC_ERROR_CODES.unknownChannel, `The app engine has no channel named "${channelLabel}". Update or restart the app.`);
      }
      return await run(channel, payload);
    } catch (error) {
      report(channelLabel, IPC_ERROR_CODES.internal, error);
      return { ok: false, error: toIpcErrorData(null) };
    }
  };

  async function run<C extends ChannelName>(channel: C, payload: unknown): Promise<Reply> {
    const spec = contract.channels[channel];
    const input = spec.input.safeParse(payload);
    if (!input.success) {
      report(channel, IPC_ERROR_CODES.invalidInput, input.error);
      return failure(IPC_ERROR_CODES.invalidInput, `The request ${channel} was not valid: ${describeIssues(input.error)}.`);
    }

    let value: unknown;
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      value = await handler(input.data);
    } catch (error) {
      const data = toIpcErrorData(error);
      report(channel, data.code, error);
      return { ok: false, error: data };
    }

    const output = spec.output.safeParse(value);
    if (!output.success) {
      // The engine broke its own promise: the window gets a generic error, the log gets the field.
      report(channel, IPC_ERROR_CODES.invalidOutput, output.error);
      return failure(IPC_ERROR_CODES.invalidOutput, `The app engine gave an answer to ${channel} that it should not have. Restart the app; if it keeps happening, report it.`);
    }
    return { ok: true, value: output.data };
  }
}
