/**
 * Signed, expiring download URLs on the simulator itself, like the signed CDN URLs Scenario
 * hands out: an HMAC over the path and the expiry, so a client that edits the query string or
 * keeps a URL past its expiry gets a 403, as it would from the real CDN.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class UrlSigner {
  private readonly key = randomBytes(32);

  constructor(private ttlMs: number) {}

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

  /** 'ok', 'expired' or 'invalid' (missing or altered signature). */
  check(path: string, query: URLSearchParams, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    const expires = Number(query.get('expires'));
    const given = query.get('sig') ?? '';
    if (!Number.isSafeInteger(expires) || !/^[0-9a-f]{64}$/.test(given)) return 'invalid';
    const expected = Buffer.from(this.signature(path, expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return 'invalid';
    return now > expires ? 'expired' : 'ok';
  }
}
