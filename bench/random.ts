// Deterministic pseudo-random numbers (xorshift32) so benchmark runs are comparable.

/** A generator of its own: what it draws does not depend on how much another one has drawn. */
export function seededRandom(initial: number) {
  let seed = initial;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return { random, pick };
}

export const { random, pick } = seededRandom(0x2545f491);
