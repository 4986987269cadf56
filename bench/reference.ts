import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * CPU ms of a fixed task (sha256 and deflate of fixed bytes, main thread only). The same code
 * runs 30% faster or slower from one run to the next on these shared VMs; this figure moves with
 * it, so two runs' figures compare only alongside it (as ratios, not absolute times).
 */
export function referenceTaskMs(): number {
  const bytes = Buffer.alloc(8 * 2 ** 20, 7);
  for (let index = 0; index < bytes.length; index += 4096) bytes[index] = index % 251;
  const before = process.cpuUsage();
  for (let round = 0; round < 4; round += 1) {
    createHash('sha256').update(bytes).digest();
    deflateSync(bytes, { level: 6 });
  }
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}
