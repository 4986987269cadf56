/**
 * Fault injection, reproducible from a seed: every decision draws from one seeded PRNG, so the
 * same seed and the same sequence of requests inject the same faults.
 *
 * Rates are probabilities per request (0..1):
 * - `429`    answer 429 with `{reason, name, details, remainingSeconds}`
 * - `5xx`    answer 500, 502 or 503 with a Scenario-shaped body
 * - `reset`  destroy the socket without answering
 * - `drop`   generate only: the job IS created, then the socket is destroyed (lost response)
 * - `fail`   generate only: the job is created and later ends in `failure` with a reason
 * - `slow`   answer after `slowMs` more milliseconds (independent of the others)
 */
export interface FaultSpec {
  '429'?: number;
  '5xx'?: number;
  reset?: number;
  drop?: number;
  fail?: number;
  slow?: number;
  /** Delay of a slow answer; 1500 ms unless set. */
  slowMs?: number;
  /** remainingSeconds carried by an injected 429; 1 unless set. */
  retryAfterSeconds?: number;
}

const RATE_KEYS = ['429', '5xx', 'reset', 'drop', 'fail', 'slow'] as const;
const NUMBER_KEYS = ['slowMs', 'retryAfterSeconds'] as const;
type FaultKey = (typeof RATE_KEYS)[number] | (typeof NUMBER_KEYS)[number];

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
  readonly code = 'invalid-fault-spec';

  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

/** Parses `429=0.05,5xx=0.1,reset=0.02,drop=0.02,fail=0.05,slow=0.1,slowMs=800`. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const [key, raw, extra] = part.split('=');
    if (key === undefined || raw === undefined || extra !== undefined) {
      throw new FaultSpecError(`Fault "${part}" is not of the form name=value (e.g. 429=0.05).`);
    }
    const value = Number(raw.trim());
    const name = key.trim();
    if ((RATE_KEYS as readonly string[]).includes(name)) {
      if (!(value >= 0 && value <= 1)) throw new FaultSpecError(`Fault rate ${name}=${raw} must be a number between 0 and 1.`);
    } else if ((NUMBER_KEYS as readonly string[]).includes(name)) {
      if (!(value >= 0) || !Number.isFinite(value)) throw new FaultSpecError(`Fault setting ${name}=${raw} must be a number of at least 0.`);
    } else {
      throw new FaultSpecError(`Unknown fault "${name}": use ${[...RATE_KEYS, ...NUMBER_KEYS].join(', ')}.`);
    }
    spec[name as FaultKey] = value;
  }
  return spec;
}

/** mulberry32: tiny, fast and good enough for reproducible fault draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type RequestFault =
  | { kind: 'none' }
  | { kind: '429'; remainingSeconds: number }
  | { kind: '5xx'; status: 500 | 502 | 503 }
  | { kind: 'reset' };

export type GenerateFault = 'none' | 'drop' | 'fail';

export type ScriptedFault = '429' | '5xx';

/** A request key (`METHOD path?query`) of a generate POST that is not a dry run. */
const GENERATE_POST = /^POST \/v1\/generate\/(controlnet|custom\/[^?]+)(\?(?!.*dryRun=true).*)?$/;

export class FaultInjector {
  private spec: FaultSpec;
  private readonly random: () => number;
  private readonly seed: number;
  /** How often each request key was seen, when draws are keyed. */
  private readonly seen = new Map<string, number>();
  /** Faults the next generate POSTs meet in order, before any drawn one (a test's exact sequence). */
  private readonly scriptedForGenerate: ScriptedFault[] = [];

  /**
   * `keyed`: each draw comes from the seed and the request itself (its key and how often that key
   * was seen) instead of the order requests arrive in, so concurrent requests racing each other
   * meet the same faults in every run (the seeded simulation needs this).
   */
  constructor(spec: FaultSpec | string | undefined, seed: number, private readonly keyed = false) {
    this.spec = normalise(spec);
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  /** The random source for one request: the shared sequence, or one of its own when keyed. */
  private drawsFor(key: string): () => number {
    if (!this.keyed) return this.random;
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    return seededRandom(hashOf(`${this.seed}|${key}|${count}`));
  }

  set(spec: FaultSpec | string): void {
    this.spec = normalise(spec);
  }

  /** Extra delay before answering (0 when not slow). */
  delayMs(key = ''): number {
    const rate = this.spec.slow ?? 0;
    return rate > 0 && this.drawsFor(`slow ${key}`)() < rate ? (this.spec.slowMs ?? 1500) : 0;
  }

  /** The next generate POSTs (either generate endpoint, dry runs aside) meet these faults, in order. */
  scriptGenerateFaults(faults: readonly ScriptedFault[]): void {
    this.scriptedForGenerate.push(...faults);
  }

  /** The fault for any /v1 request or download, decided before it is handled. */
  forRequest(key = ''): RequestFault {
    if (this.scriptedForGenerate.length > 0 && GENERATE_POST.test(key)) {
      const scripted = this.scriptedForGenerate.shift() as ScriptedFault;
      return scripted === '429' ? { kind: '429', remainingSeconds: this.spec.retryAfterSeconds ?? 1 } : { kind: '5xx', status: 503 };
    }
    const random = this.drawsFor(key);
    const tooMany = this.spec['429'] ?? 0;
    const serverError = this.spec['5xx'] ?? 0;
    const reset = this.spec.reset ?? 0;
    if (tooMany + serverError + reset === 0) return { kind: 'none' };
    const draw = random();
    if (draw < tooMany) return { kind: '429', remainingSeconds: this.spec.retryAfterSeconds ?? 1 };
    if (draw < tooMany + serverError) {
      const statuses = [500, 502, 503] as const;
      return { kind: '5xx', status: statuses[Math.floor(random() * statuses.length)] ?? 500 };
    }
    if (draw < tooMany + serverError + reset) return { kind: 'reset' };
    return { kind: 'none' };
  }

  /** For an accepted generate: is its response dropped, or does its job fail later? */
  forGenerate(key = ''): GenerateFault {
    const drop = this.spec.drop ?? 0;
    const fail = this.spec.fail ?? 0;
    if (drop + fail === 0) return 'none';
    const draw = this.drawsFor(`generate ${key}`)();
    if (draw < drop) return 'drop';
    if (draw < drop + fail) return 'fail';
    return 'none';
  }
}

/** FNV-1a: a 32-bit seed from text. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function normalise(spec: FaultSpec | string | undefined): FaultSpec {
  if (spec === undefined) return {};
  return typeof spec === 'string' ? parseFaultSpec(spec) : { ...spec };
}
