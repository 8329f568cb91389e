/**
 * Mergeable latency histogram in the OpenTelemetry base-2 exponential layout at scale 5:
 * bucket i holds values in (base^i, base^(i+1)] with base = 2^(1/32), so any quantile read from it
 * is within about 1.08 % of the true value. Values are recorded in microseconds; values below 1 µs
 * share the zero bucket. Merging is adding counts per index, which is why rollups can be summed.
 */

export const HISTOGRAM_SCALE = 5;
const SCALE_FACTOR = 2 ** HISTOGRAM_SCALE;
const LOG2_BASE = 1 / SCALE_FACTOR;

/** Sparse buckets: index → count. Index `ZERO_BUCKET` holds values under 1 µs. */
export type Buckets = Map<number, number>;
export const ZERO_BUCKET = -100_000;

export function bucketIndex(micros: number): number {
  if (!(micros >= 1)) return ZERO_BUCKET;
  return Math.ceil(Math.log2(micros) * SCALE_FACTOR) - 1;
}

/** Upper bound of a bucket in microseconds. */
export function bucketUpper(index: number): number {
  return index === ZERO_BUCKET ? 1 : 2 ** ((index + 1) * LOG2_BASE);
}

/** Lower bound of a bucket in microseconds. */
export function bucketLower(index: number): number {
  return index === ZERO_BUCKET ? 0 : 2 ** (index * LOG2_BASE);
}

/** A representative value for a bucket: the midpoint that bounds the relative error on both sides. */
export function bucketValue(index: number): number {
  if (index === ZERO_BUCKET) return 0.5;
  const lo = bucketLower(index);
  const hi = bucketUpper(index);
  return (2 * lo * hi) / (lo + hi);
}

export function record(buckets: Buckets, micros: number, count = 1): void {
  const i = bucketIndex(micros);
  buckets.set(i, (buckets.get(i) ?? 0) + count);
}

export function mergeInto(target: Buckets, source: ReadonlyMap<number, number>): Buckets {
  for (const [i, c] of source) target.set(i, (target.get(i) ?? 0) + c);
  return target;
}

export function totalCount(buckets: ReadonlyMap<number, number>): number {
  let n = 0;
  for (const c of buckets.values()) n += c;
  return n;
}

/** Sorted [index, count] pairs, ascending by value. */
export function sortedBuckets(buckets: ReadonlyMap<number, number>): Array<[number, number]> {
  return [...buckets.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
}

/** The q-quantile (0..1) in microseconds, or null for an empty histogram. */
export function quantile(buckets: ReadonlyMap<number, number>, q: number): number | null {
  const index = quantileIndex(buckets, q);
  return index === null ? null : bucketValue(index);
}

/**
 * Compact binary form for SQLite: pairs of (index delta, count) as zig-zag varints, indexes
 * ascending. Typical per-minute rollups take a few dozen bytes.
 */
export function encodeBuckets(buckets: ReadonlyMap<number, number>): Uint8Array {
  const out: number[] = [];
  let prev = 0;
  for (const [i, c] of sortedBuckets(buckets)) {
    writeVarint(out, zigzag(i - prev));
    writeVarint(out, c);
    prev = i;
  }
  return Uint8Array.from(out);
}

export class HistogramDecodeError extends Error {
  override name = 'HistogramDecodeError';
}

export function decodeBuckets(bytes: Uint8Array): Buckets {
  const buckets: Buckets = new Map();
  let pos = 0;
  let prev = 0;
  const read = (): number => {
    let result = 0;
    let mult = 1;
    for (;;) {
      if (pos >= bytes.length) throw new HistogramDecodeError(`histogram blob truncated at byte ${pos} of ${bytes.length}`);
      const b = bytes[pos++]!;
      result += (b & 0x7f) * mult;
      if (b < 0x80) return result;
      mult *= 128;
      if (mult > 2 ** 49) throw new HistogramDecodeError(`histogram blob has an over-long varint at byte ${pos}`);
    }
  };
  while (pos < bytes.length) {
    const d = read();
    const index = prev + (d % 2 === 0 ? d / 2 : -(d + 1) / 2);
    const count = read();
    buckets.set(index, (buckets.get(index) ?? 0) + count);
    prev = index;
  }
  return buckets;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function writeVarint(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * The histogram with every value multiplied by 2^(delta/32): on a log-bucket layout a multiplicative
 * shift is an index shift, which is how the deploy diff removes a service-wide latency shift.
 */
export function shiftBuckets(buckets: ReadonlyMap<number, number>, delta: number): Buckets {
  const out: Buckets = new Map();
  for (const [i, c] of buckets) {
    const j = i === ZERO_BUCKET ? ZERO_BUCKET : i + delta;
    out.set(j, (out.get(j) ?? 0) + c);
  }
  return out;
}

/** How many index steps a multiplicative factor is (rounded to the nearest bucket). */
export function factorToIndexShift(factor: number): number {
  return Math.round(Math.log2(factor) * SCALE_FACTOR);
}

/** The count in buckets strictly above bucket `index`. */
export function countAbove(buckets: ReadonlyMap<number, number>, index: number): number {
  let n = 0;
  for (const [i, c] of buckets) if (i > index) n += c;
  return n;
}

/** The value (µs) of the sample at 1-based `rank` in ascending order, given sorted buckets. */
export function valueAtRank(sorted: ReadonlyArray<readonly [number, number]>, rank: number): number | null {
  let seen = 0;
  for (const [i, c] of sorted) {
    seen += c;
    if (seen >= rank) return bucketValue(i);
  }
  const last = sorted[sorted.length - 1];
  return last ? bucketValue(last[0]) : null;
}

/** The bucket index holding the q-quantile, or null for an empty histogram. */
export function quantileIndex(buckets: ReadonlyMap<number, number>, q: number): number | null {
  const sorted = sortedBuckets(buckets);
  const n = sorted.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [i, c] of sorted) {
    seen += c;
    if (seen >= rank) return i;
  }
  return sorted[sorted.length - 1]![0];
}

/**
 * A histogram sorted once with running totals, for code that reads several quantiles or ranks of
 * the same histogram: each read is then a binary search instead of a sort.
 */
export interface Cumulative {
  indexes: number[];
  /** cum[k] = count of buckets 0..k. */
  cum: number[];
  total: number;
}

export function cumulative(buckets: ReadonlyMap<number, number>): Cumulative {
  const indexes: number[] = [];
  for (const [i, c] of buckets) if (c > 0) indexes.push(i);
  indexes.sort((a, b) => a - b);
  const cum = new Array<number>(indexes.length);
  let total = 0;
  for (let k = 0; k < indexes.length; k++) {
    total += buckets.get(indexes[k]!)!;
    cum[k] = total;
  }
  return { indexes, cum, total };
}

/** The bucket index holding the sample of 1-based `rank` (clamped to the range), or null if empty. */
export function indexAtRank(c: Cumulative, rank: number): number | null {
  if (c.total === 0) return null;
  let lo = 0;
  let hi = c.indexes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.cum[mid]! >= rank) hi = mid;
    else lo = mid + 1;
  }
  return c.indexes[lo]!;
}

/** Same rank rule as `quantile`: the value of the sample at rank max(1, ⌈q·n⌉). */
export function cumulativeQuantileIndex(c: Cumulative, q: number): number | null {
  return indexAtRank(c, Math.max(1, Math.ceil(q * c.total)));
}
