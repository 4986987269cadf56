// Seeds travel as decimal strings (the contract types `seed` as a string). A preset without a
// seed gets a new random one per run; the run records the seed it used so it can be reproduced.

// Digits only and no leading zeros, so one seed has exactly one spelling (byte-identical requests).
// 20 digits holds any unsigned 64-bit value, the widest seed a diffusion backend takes.
const SEED_PATTERN = /^(?:0|[1-9][0-9]{0,19})$/;

export function isValidSeed(seed: string): boolean {
  return SEED_PATTERN.test(seed);
}

/** A random unsigned 32-bit integer as a decimal string (crypto.getRandomValues: browsers and Node 22). */
export function randomSeed(): string {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return String(value);
}
