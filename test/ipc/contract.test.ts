import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelNames, contract, eventNames, isChannelName } from '../../src/shared/ipc/contract';

// The domains and channels the app was specified with; the contract may grow, never lose one.
const REQUIRED_CHANNELS = [
  'app.info',
  ...['list', 'get', 'create', 'update', 'duplicate', 'delete', 'validate', 'dryRunCost', 'import', 'export'].map((m) => `presets.${m}`),
  ...['list', 'add', 'update', 'remove', 'pause', 'resume'].map((m) => `folders.${m}`),
  ...[
    'page', 'facets', 'detail', 'reproduce', 'vary', 'setFavourite', 'setRating', 'tag', 'untag', 'trash', 'undoTrash',
    'export', 'recallFromPng', 'generateFromFiles',
  ].map((m) => `generations.${m}`),
  ...['status', 'cancel', 'retry', 'pauseAll', 'resumeAll'].map((m) => `queue.${m}`),
  'settings.get', 'settings.update',
  ...['status', 'save', 'clear', 'testConnection'].map((m) => `credentials.${m}`),
  'models.list',
  'library.openFile', 'library.revealFile',
];
const REQUIRED_EVENTS = ['queue.changed', 'job.progress', 'generation.done', 'generation.failed', 'queue.paused', 'queue.resumed', 'library.changed'];

describe('the IPC contract', () => {
  it('has every specified channel and event', () => {
    expect(channelNames).toEqual(expect.arrayContaining(REQUIRED_CHANNELS));
    expect(eventNames).toEqual(expect.arrayContaining(REQUIRED_EVENTS));
  });

  it('gives every channel an input and an output schema, and every event a payload schema', () => {
    for (const name of channelNames) {
      const spec = contract.channels[name];
      expect(spec.input, name).toBeInstanceOf(z.ZodType);
      expect(spec.output, name).toBeInstanceOf(z.ZodType);
    }
    for (const name of eventNames) expect(contract.events[name].payload, name).toBeInstanceOf(z.ZodType);
  });

  it('names channels domain.method so the client can group them', () => {
    for (const name of [...channelNames, ...eventNames]) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
  });

  it('does not mistake Object.prototype members for channels', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(isChannelName(name)).toBe(false);
  });

  it('keeps channel inputs and outputs plain data (they must cross structured clone and JSON)', () => {
    // z.date, z.map, z.set, z.bigint... would not survive the WebSocket bridge.
    const forbidden = new Set(['date', 'map', 'set', 'bigint', 'symbol', 'function', 'promise', 'file', 'nan']);
    const walk = (schema: z.ZodType, where: string, seen: Set<z.ZodType>) => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      expect(forbidden.has(def.type), `${where} uses z.${def.type}`).toBe(false);
      for (const value of Object.values(def)) {
        const children = Array.isArray(value) ? value : value && typeof value === 'object' && !(value instanceof z.ZodType) ? Object.values(value) : [value];
        for (const child of children) if (child instanceof z.ZodType) walk(child, where, seen);
      }
    };
    for (const name of channelNames) {
      walk(contract.channels[name].input, `${name} input`, new Set());
      walk(contract.channels[name].output, `${name} output`, new Set());
    }
    for (const name of eventNames) walk(contract.events[name].payload, name, new Set());
  });
});
