import { describe, expect, it } from 'vitest';
import { isValidSeed, randomSeed } from '../../src/shared/preset';

describe('seeds', () => {
  it('accepts one spelling per number', () => {
    expect(['0', '42', '4294967295', '18446744073709551615'].map(isValidSeed)).toEqual([true, true, true, true]);
    expect(['', '007', '-1', '1.5', ' 42', '1e3', '123456789012345678901'].map(isValidSeed)).toEqual([
      false, false, false, false, false, false, false,
    ]);
  });

  it('draws unsigned 32-bit integers as decimal strings', () => {
    const seeds = Array.from({ length: 200 }, randomSeed);
    for (const seed of seeds) {
      expect(isValidSeed(seed)).toBe(true);
      expect(Number(seed)).toBeLessThanOrEqual(0xffffffff);
    }
    // 200 draws from 2^32 values: a repeat means the source is not random.
    expect(new Set(seeds).size).toBe(200);
  });
});
