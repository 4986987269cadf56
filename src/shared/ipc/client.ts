/**
 * The typed client every window uses (`window.api`), built by walking the contract: there is no
 * second list of channels to keep in step. The transport underneath is Electron IPC (preload) or
 * a WebSocket (browser bridge); both carry the same `Reply` envelope.
 */
import {
  contract,
  channelNames,
  isEventName,
  type CallInputOf,
  type ChannelName,
  type EventName,
  type EventPayload,
  type OutputOf,
} from './contract';
import { IPC_ERROR_CODES, IpcError, replySchema } from './errors';

export interface IpcTransport {
  /** Sends one request and resolves with the raw reply (`Reply`) from the other side. */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Listens to one event name; returns the function that stops listening. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

type DomainOf<C extends string> = C extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<ChannelName>;

type Method<C extends ChannelName> = undefined extends CallInputOf<C>
  ? (input?: CallInputOf<C>) => Promise<OutputOf<C>>
  : (input: CallInputOf<C>) => Promise<OutputOf<C>>;

export type DomainApi<D extends Domain> = {
  [C in ChannelName as C extends `${D}.${infer M}` ? M : never]: Method<C>;
};

/**
 * What a window may ask of its own host beyond the contract: answered in the window's process,
 * never by the engine, so it is no channel. The Electron preload implements it with `webUtils`;
 * a browser tab has no such power and uses `browserHost`.
 */
export interface HostCapabilities {
  /**
   * The absolute path on disk of a file the person dropped or picked, or null when this host
   * cannot know it: a browser never reveals paths, and files made in the page have none.
   */
  pathForFile(file: File): string | null;
}

export const browserHost: HostCapabilities = { pathForFile: () => null };

export type Api = { [D in Domain]: DomainApi<D> } & HostCapabilities & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export async function invokeChannel<C extends ChannelName>(
  transport: IpcTransport,
  channel: C,
  input: CallInputOf<C>,
): Promise<OutputOf<C>> {
  let raw: unknown;
  try {
    raw = await transport.invoke(channel, input);
  } catch {
    throw new IpcError({
      code: IPC_ERROR_CODES.transport,
      userMessage: 'The window lost its connection to the app engine. Reload the window or restart the app.',
    });
  }
  const reply = replySchema.safeParse(raw);
  if (!reply.success) {
    throw new IpcError({ code: IPC_ERROR_CODES.invalidReply, userMessage: `The app engine sent an unreadable answer to ${channel}.` });
  }
  if (!reply.data.ok) throw new IpcError(reply.data.error);
  const output = contract.channels[channel].output.safeParse(reply.data.value);
  if (!output.success) {
    throw new IpcError({ code: IPC_ERROR_CODES.invalidReply, userMessage: `The app engine's answer to ${channel} does not match the contract.` });
  }
  return output.data as OutputOf<C>;
}

export function createApi(transport: IpcTransport, host: HostCapabilities = browserHost): Api {
  const domains: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of channelNames) {
    const dot = channel.indexOf('.');
    const domain = channel.slice(0, dot);
    const method = channel.slice(dot + 1);
    domains[domain] ??= {};
    domains[domain][method] = (input?: unknown) => invokeChannel(transport, channel, input as never);
  }

  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event)}`);
    const schema = contract.events[event].payload;
    return transport.subscribe(event, (payload) => {
      const parsed = schema.safeParse(payload);
      // A payload that breaks the contract is a bug on the engine side; dropping it keeps the
      // window's state consistent, and the console says why.
      if (!parsed.success) {
        console.error(`Ignored a malformed ${event} event from the app engine.`);
        return;
      }
      listener(parsed.data as EventPayload<E>);
    });
  };

  return { ...domains, on, pathForFile: (file: File) => host.pathForFile(file) } as Api;
}
