// Deterministic pseudo-random numbers (xorshift32) so benchmark runs are comparable.
let seed = 0x2545f491;

export function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
}

export const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
