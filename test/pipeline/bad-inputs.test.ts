// Reliability: a corpus of bad inputs, built here. Each gets its named outcome; nothing crashes,
// nothing the person dropped is deleted.
import { crc32 } from 'node:zlib';
import { mkdir, open, readdir, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Generation } from '../../src/main/store/index';
import type { Rig } from './helpers';
import { controlPng, startRig } from './helpers';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A complete, well-formed PNG whose header claims 30000×30000 pixels (no real pixel data). */
function giantHeaderPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(30_000, 0);
  header.writeUInt32BE(30_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function byFile(rows: Generation[], fileName: string, current: Rig): Generation[] {
  return rows.filter((row) => current.engine.store.inputs.get(row.inputId)?.fileName === fileName);
}

describe('bad inputs', () => {
  it('gives each bad input its named outcome without crashing or deleting anything', { timeout: 60_000 }, async () => {
    rig = await startRig({ folder: { recursive: true } });
    const { inbox } = rig;
    const valid = await controlPng(42);
    // Noise compresses badly: about 48 KB, so writing it 1 KB per 100 ms takes about 5 s.
    const noise = await sharp(Buffer.from(Array.from({ length: 128 * 128 * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width: 128, height: 128, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();

    await writeFile(path.join(inbox, 'zero.png'), Buffer.alloc(0));
    await writeFile(path.join(inbox, 'truncated.png'), valid.subarray(0, Math.floor(valid.length / 2)));
    await writeFile(path.join(inbox, 'text.png'), 'just some text, not a picture');
    await writeFile(path.join(inbox, 'giant-header.png'), giantHeaderPng());
    await writeFile(path.join(inbox, 'huge.png'), Buffer.alloc(60 * 1024 * 1024, 7));
    await writeFile(path.join(inbox, 'my drawing é 日本語.png'), await controlPng(43));
    await mkdir(path.join(inbox, 'sub'));
    await symlink('..', path.join(inbox, 'sub', 'loop'));
    // Deleted before its writer finished.
    const doomed = await open(path.join(inbox, 'doomed.png'), 'w');
    await doomed.write(valid.subarray(0, 100));
    await sleep(50);
    await doomed.close();
    await unlink(path.join(inbox, 'doomed.png'));
    // Written slowly: 1 KB every 100 ms.
    const slow = await open(path.join(inbox, 'slow.png'), 'w');
    for (let offset = 0; offset < noise.length; offset += 1024) {
      await slow.write(noise.subarray(offset, offset + 1024));
      await sleep(100);
    }
    await slow.close();

    const expected = ['truncated.png', 'text.png', 'giant-header.png', 'huge.png', 'my drawing é 日本語.png', 'slow.png'];
    const deadline = Date.now() + 20_000;
    let rows: Generation[] = [];
    for (;;) {
      rows = rig.engine.store.generations.listByStates(['done', 'failed']);
      if (expected.every((name) => byFile(rows, name, rig as Rig).length > 0) || Date.now() > deadline) break;
      await sleep(50);
    }
    const outcome = (name: string) => byFile(rows, name, rig as Rig).map((row) => `${row.state}: ${row.errorMessage ?? ''}`);

    expect(outcome('truncated.png')).toEqual([expect.stringMatching(/^failed: .*truncated\.png.*damaged or truncated/)]);
    expect(outcome('text.png')).toEqual([expect.stringMatching(/^failed: .*text\.png.*not an image/)]);
    expect(outcome('giant-header.png')).toEqual([expect.stringMatching(/^failed: .*giant-header\.png.*30000×30000 px.*at most 1024 px/)]);
    expect(outcome('huge.png')).toEqual([expect.stringMatching(/^failed: .*huge\.png.*is 60 MB.*limited to 50 MB/)]);
    expect(outcome('my drawing é 日本語.png')).toEqual(['done: ']);
    expect(outcome('slow.png')).toEqual(['done: ']);
    // Never complete, never taken: an empty file waits for content, a deleted one is gone.
    expect(outcome('zero.png')).toEqual([]);
    expect(outcome('doomed.png')).toEqual([]);
    // Only the two valid images were sent, each once.
    expect(rig.sim.generateLog.filter((entry) => !entry.dryRun)).toHaveLength(2);

    expect((await readdir(inbox)).sort()).toEqual(['giant-header.png', 'huge.png', 'my drawing é 日本語.png', 'slow.png', 'sub', 'text.png', 'truncated.png', 'zero.png']);
  });
});
