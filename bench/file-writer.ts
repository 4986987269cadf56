// The artist's application in bench/hotfolder.ts: a child process that writes control images
// into the watched folder, so that making and writing them is not counted as the engine's CPU
// (the simulator runs in a process of its own for the same reason).
// Messages: WriteOrder in, 'written' out once every file of the order is closed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32, deflateSync } from 'node:zlib';

export interface WriteOrder {
  folder: string;
  /** Files are named `${prefix}-${index}.png`, index from 0. */
  prefix: string;
  count: number;
  /** Distinct images: file `index` shows colour number `firstColour + index`. */
  firstColour: number;
  /** Files per second, paced against the start; 0 writes them all at once. */
  rate: number;
}

const WRITES_AT_ONCE = 32;

/** A 64×64 PNG of one colour, distinct for each n, encoded by hand: no image library in this process. */
export function controlImage(n: number): Buffer {
  const side = 64;
  const row = Buffer.alloc(1 + side * 3);
  for (let x = 0; x < side; x += 1) row.set([n % 256, Math.floor(n / 256) % 256, Math.floor(n / 65536) % 256], 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(12 + data.length);
    framed.writeUInt32BE(data.length, 0);
    typeAndData.copy(framed, 4);
    framed.writeUInt32BE(crc32(typeAndData), 8 + data.length);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: side }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function write(order: WriteOrder): Promise<void> {
  const fileOf = (index: number) => path.join(order.folder, `${order.prefix}-${index}.png`);
  if (order.rate <= 0) {
    const images = Array.from({ length: order.count }, (_, index) => controlImage(order.firstColour + index));
    // As fast as the disk takes them, but a bounded number open at once: a shell's default limit
    // of open files (256 on macOS) would otherwise fail the writer, not the engine.
    let next = 0;
    const writeNext = async (): Promise<void> => {
      for (let index = next++; index < images.length; index = next++) await writeFile(fileOf(index), images[index] as Buffer);
    };
    await Promise.all(Array.from({ length: WRITES_AT_ONCE }, writeNext));
    return;
  }
  const startedAt = performance.now();
  for (let index = 0; index < order.count; index += 1) {
    await writeFile(fileOf(index), controlImage(order.firstColour + index));
    await sleep(Math.max(0, startedAt + ((index + 1) * 1000) / order.rate - performance.now()));
  }
}

if (process.send !== undefined) {
  process.on('message', (order: WriteOrder) => {
    void write(order).then(() => process.send?.('written'));
  });
}
