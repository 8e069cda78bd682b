/**
 * A small seeded pseudo-random generator for the demo data. The demo must be byte-identical
 * for the same seed on every machine, so nothing in `src/demo` may call `Math.random`.
 *
 * The core is sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit state, passes
 * PractRand), seeded through the xmur3 string hash so that a numeric seed and a stream
 * label ("leavers", "staff"…) give independent sequences. Independent streams keep one
 * part of the demo stable when another part changes (adding leavers does not rename staff).
 */

const DAY_MS = 86_400_000;

/** xmur3: turns a string into a generator of well-mixed 32-bit seeds. */
function xmur3(input: string): () => number {
  let h = 1779033703 ^ input.length;
  for (let i = 0; i < input.length; i++) {
    h = Math.imul(h ^ input.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/** A deterministic random source with the helpers the demo generator needs. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  readonly #key: string;

  /**
   * @param seed any number or string; equal seeds give equal sequences.
   * @param stream optional label for an independent sequence from the same seed.
   */
  constructor(seed: number | string, stream = '') {
    this.#key = `${String(seed)}/${stream}`;
    const next = xmur3(this.#key);
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // Discard the first outputs: sfc32 mixes its state in during the first rounds.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** The next raw 32-bit unsigned integer. */
  uint32(): number {
    this.#a >>>= 0;
    this.#b >>>= 0;
    this.#c >>>= 0;
    this.#d >>>= 0;
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Random.int needs integers min <= max, got ${min}, ${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick on an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One element, with probability proportional to `weight(item)` (weights >= 0, not all 0). */
  weightedPick<T>(items: readonly T[], weight: (item: T, index: number) => number): T {
    let total = 0;
    for (let i = 0; i < items.length; i++) total += Math.max(0, weight(items[i] as T, i));
    if (!(total > 0)) throw new RangeError('Random.weightedPick needs a positive total weight');
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= Math.max(0, weight(items[i] as T, i));
      if (r < 0) return items[i] as T;
    }
    // Floating-point rest: the last element with a positive weight.
    for (let i = items.length - 1; i >= 0; i--) if (weight(items[i] as T, i) > 0) return items[i] as T;
    throw new RangeError('unreachable');
  }

  /** One value from `[value, weight]` pairs, with probability proportional to the weight. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    return this.weightedPick(entries, (e) => e[1])[0];
  }

  /** A shuffled copy (Fisher–Yates); the input is left as it is. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `k` distinct elements in random order (all of them when `k` >= length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, k));
  }

  /** A UTC midnight date between `from` and `to`, both inclusive, uniformly by day. */
  dateBetween(from: Date, to: Date): Date {
    const a = Math.floor(from.getTime() / DAY_MS);
    const b = Math.floor(to.getTime() / DAY_MS);
    if (b < a) throw new RangeError('Random.dateBetween: `to` is before `from`');
    return new Date(this.int(a, b) * DAY_MS);
  }

  /** A version-4-shaped UUID drawn from this stream (stable ids for screenshots and tests). */
  uuid(): string {
    const hex: string[] = [];
    for (let i = 0; i < 4; i++) hex.push(this.uint32().toString(16).padStart(8, '0'));
    const s = hex.join('');
    const variant = ((Number.parseInt(s[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
  }

  /** An independent generator derived from this one's seed and a label (not from its position). */
  fork(label: string): Random {
    return new Random(this.#key, label);
  }
}

/** Creates a seeded generator; see {@link Random}. */
export function createRandom(seed: number | string, stream = ''): Random {
  return new Random(seed, stream);
}
