/**
 * Signed, expiring download URLs on the simulator itself, like the signed CDN URLs Scenario
 * hands out: an HMAC over the path and the expiry, so a client that edits the query string or
 * keeps a URL past its expiry gets a 403, as it would from the real CDN.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class UrlSigner {
  /** `key`: a fixed signing key (a seeded run's URLs are then the same each run); random by default. */
  constructor(
    private ttlMs: number,
    private readonly key: Buffer = randomBytes(32),
  ) {}

  setTtl(ttlMs: number): void {
    this.ttlMs = ttlMs;
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${expires}`).digest('hex');
  }

  /** `origin` is `http://127.0.0.1:PORT`; path starts with a slash. */
  sign(origin: string, path: string, now = Date.now()): { url: string; expires: number } {
    const expires = now + this.ttlMs;
    return { url: `${origin}${path}?expires=${expires}&sig=${this.signature(path, expires)}`, expires };
  }

  /**
   * 'ok', 'expired' or 'invalid'. `search` is the raw query string, which must be exactly the one
   * signed: like a real CDN, any edit (a parameter added, reordered or re-encoded) is refused.
   */
  check(path: string, search: string, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    const match = /^\?expires=(\d{1,16})&sig=([0-9a-f]{64})$/.exec(search);
    if (!match) return 'invalid';
    const expires = Number(match[1]);
    const given = match[2] ?? '';
    if (!Number.isSafeInteger(expires)) return 'invalid';
    const expected = Buffer.from(this.signature(path, expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return 'invalid';
    // A URL is good until its expiry instant, not at it: one signed with a time to live of 0 is
    // never good, even when it is fetched within the millisecond it was signed.
    return now >= expires ? 'expired' : 'ok';
  }
}
