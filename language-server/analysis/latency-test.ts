/**
 * The latency test for one function across a deploy, on rollup histograms.
 *
 * Mann–Whitney catches a shift of the whole distribution but is blind to a tail that grows while the
 * body stays put; the exceedance test (how many calls land above the pooled p95, before vs after)
 * catches exactly that. Each direction takes p = min(1, 2·min(p_MWU, p_exceed)) — Bonferroni over
 * the two tests — and the function's single p-value for multiple testing is Bonferroni over the two
 * directions, so regressions and improvements are both found without doubling the error rate.
 *
 * The p95 ratio's interval uses the binomial order-statistic interval for each quantile (the ranks
 * n·q ± z·√(n·q·(1−q)) read off the buckets), turned into a log-scale standard error and combined
 * for the ratio. It is distribution-free, deterministic and costs one pass, unlike a bootstrap.
 */
import { cmh, fisherOneSided, type OneSided, type TwoByTwo } from './fisher';
import {
  bucketLower,
  bucketUpper,
  bucketValue,
  countAbove,
  cumulative,
  cumulativeQuantileIndex,
  indexAtRank,
  mergeInto,
  quantileIndex,
  totalCount,
  type Buckets,
  type Cumulative,
} from './histogram';
import { mannWhitney, mannWhitneyStratified } from './mann-whitney';
import { zFor, type Interval } from './proportions';

export type Direction = 'regressed' | 'improved';

export interface LatencyGate {
  /** p95 (or p50) after / before must reach this, or fall to its inverse for an improvement. */
  minRatio: number;
  /** The change, taken at the p95 level, must be at least this many milliseconds … */
  minDeltaMs: number;
  /** … and by at least this many bucket widths, so quantisation alone never passes the gate. */
  minBucketWidths: number;
}

export const DEFAULT_LATENCY_GATE: LatencyGate = { minRatio: 1.2, minDeltaMs: 20, minBucketWidths: 2 };

export interface QuantilesMs {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LatencyComparison {
  nBefore: number;
  nAfter: number;
  before: QuantilesMs;
  after: QuantilesMs;
  mannWhitney: OneSided;
  exceedance: OneSided & { thresholdMs: number | null; aboveBefore: number; aboveAfter: number };
  pRegressed: number;
  pImproved: number;
  /** The direction with the stronger evidence. */
  direction: Direction;
  /** Two-direction p-value: min(1, 2·min(pRegressed, pImproved)). */
  p: number;
  p50Ratio: number | null;
  p95Ratio: number | null;
  p99Ratio: number | null;
  p95RatioInterval: Interval | null;
  p95DeltaMs: number | null;
  /** Which direction's effect-size gate the latency change passes, if any. */
  gate: Direction | null;
}

export interface Stratum {
  before: ReadonlyMap<number, number>;
  after: ReadonlyMap<number, number>;
}

export function compareLatency(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  gate: LatencyGate = DEFAULT_LATENCY_GATE,
): LatencyComparison {
  const threshold = quantileIndex(mergeInto(new Map(before), after), 0.95);
  const table = exceedanceTable(before, after, threshold);
  return assemble(before, after, mannWhitney(before, after), fisherOneSided(table), table, threshold, gate);
}

/**
 * The same comparison when entry-route shares moved: van Elteren's stratified MWU and a CMH
 * exceedance test compare like with like inside each route, and the "after" quantiles are directly
 * standardised to the "before" route shares so the effect size is not the mix either.
 */
export function compareLatencyStratified(strata: readonly Stratum[], gate: LatencyGate = DEFAULT_LATENCY_GATE): LatencyComparison {
  const before: Buckets = new Map();
  const after: Buckets = new Map();
  for (const s of strata) {
    mergeInto(before, s.before);
    mergeInto(after, s.after);
  }
  const threshold = quantileIndex(mergeInto(new Map(before), after), 0.95);
  const tables = strata.map((s) => exceedanceTable(s.before, s.after, threshold));
  const pooled = exceedanceTable(before, after, threshold);
  const standardised = standardise(strata);
  return assemble(before, standardised, mannWhitneyStratified(strata), cmh(tables), pooled, threshold, gate);
}

/** The "after" histogram reweighted so each stratum carries its "before" share of calls. */
export function standardise(strata: readonly Stratum[]): Buckets {
  const nBefore = strata.reduce((s, x) => s + totalCount(x.before), 0);
  const usable = strata.filter((s) => totalCount(s.after) > 0 && totalCount(s.before) > 0);
  const covered = usable.reduce((s, x) => s + totalCount(x.before), 0);
  const out: Buckets = new Map();
  if (nBefore === 0 || covered === 0) return out;
  const nAfter = usable.reduce((s, x) => s + totalCount(x.after), 0);
  for (const s of usable) {
    const weight = (totalCount(s.before) / covered) / (totalCount(s.after) / nAfter);
    for (const [i, c] of s.after) out.set(i, (out.get(i) ?? 0) + c * weight);
  }
  return out;
}

function exceedanceTable(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>, threshold: number | null): TwoByTwo {
  const nb = totalCount(before);
  const na = totalCount(after);
  const ab = threshold === null ? 0 : countAbove(before, threshold);
  const aa = threshold === null ? 0 : countAbove(after, threshold);
  return { a: aa, b: na - aa, c: ab, d: nb - ab };
}

function assemble(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  mwu: OneSided,
  exceed: OneSided,
  table: TwoByTwo,
  threshold: number | null,
  gate: LatencyGate,
): LatencyComparison {
  const cb = cumulative(before);
  const ca = cumulative(after);
  const b = quantilesOf(cb);
  const a = quantilesOf(ca);
  const pRegressed = Math.min(1, 2 * Math.min(mwu.pGreater, exceed.pGreater));
  const pImproved = Math.min(1, 2 * Math.min(mwu.pLess, exceed.pLess));
  const p95Ratio = ratio(a.p95, b.p95);
  return {
    nBefore: cb.total,
    nAfter: ca.total,
    before: b,
    after: a,
    mannWhitney: { pGreater: mwu.pGreater, pLess: mwu.pLess },
    exceedance: {
      pGreater: exceed.pGreater,
      pLess: exceed.pLess,
      thresholdMs: threshold === null ? null : bucketUpper(threshold) / 1000,
      aboveBefore: table.c,
      aboveAfter: table.a,
    },
    pRegressed,
    pImproved,
    direction: pRegressed <= pImproved ? 'regressed' : 'improved',
    p: Math.min(1, 2 * Math.min(pRegressed, pImproved)),
    p50Ratio: ratio(a.p50, b.p50),
    p95Ratio,
    p99Ratio: ratio(a.p99, b.p99),
    p95RatioInterval: ratioInterval(cb, ca, 0.95, 0.95),
    p95DeltaMs: a.p95 !== null && b.p95 !== null ? a.p95 - b.p95 : null,
    gate: gateDirection(b, a, cb, gate),
  };
}

export function quantilesMs(h: ReadonlyMap<number, number>): QuantilesMs {
  return quantilesOf(cumulative(h));
}

function quantilesOf(c: Cumulative): QuantilesMs {
  const ms = (q: number): number | null => {
    const i = cumulativeQuantileIndex(c, q);
    return i === null ? null : bucketValue(i) / 1000;
  };
  return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
}

function ratio(after: number | null, before: number | null): number | null {
  return after !== null && before !== null && before > 0 ? after / before : null;
}

/**
 * The effect-size gate. The ratio is the larger move of p95 and p50 in the tested direction: for a
 * whole-distribution shift the p50 measures the same change with a fraction of the p95's sampling
 * noise (the p95 sits where a slow tail thins the data out), while a tail-only change shows only
 * in the p95. The absolute floor is applied at the p95 level, p95_before·|r − 1|, so a fast
 * function's 30 % of a millisecond never passes.
 */
function gateDirection(b: QuantilesMs, a: QuantilesMs, before: Cumulative, gate: LatencyGate): Direction | null {
  const r95 = ratio(a.p95, b.p95);
  const r50 = ratio(a.p50, b.p50);
  if (r95 === null || b.p95 === null) return null;
  const index = cumulativeQuantileIndex(before, 0.95);
  const width = index === null ? 0 : (bucketUpper(index) - bucketLower(index)) / 1000;
  const minDelta = Math.max(gate.minDeltaMs, gate.minBucketWidths * width);
  const up = Math.max(r95, r50 ?? r95);
  const down = Math.min(r95, r50 ?? r95);
  if (up >= gate.minRatio && b.p95 * (up - 1) >= minDelta) return 'regressed';
  if (down <= 1 / gate.minRatio && b.p95 * (1 - down) >= minDelta) return 'improved';
  return null;
}

/** The log-scale standard deviation of reading a value anywhere in one bucket (width / √12): a floor, since no quantile is known more finely than its bucket. */
const BUCKET_LOG_SD = Math.log(2) / 32 / Math.sqrt(12);

/** The order-statistic interval for the q-quantile, as a log-scale standard error. */
function logQuantileSe(c: Cumulative, q: number, z: number): number | null {
  const n = c.total;
  if (n === 0) return null;
  const half = z * Math.sqrt(n * q * (1 - q));
  const lo = indexAtRank(c, Math.max(1, Math.floor(n * q - half)));
  const hi = indexAtRank(c, Math.min(n, Math.ceil(n * q + half) + 1));
  if (lo === null || hi === null) return null;
  const vlo = bucketValue(lo);
  const vhi = bucketValue(hi);
  if (vlo <= 0) return null;
  return Math.max(BUCKET_LOG_SD, (Math.log(vhi) - Math.log(vlo)) / (2 * z));
}

function ratioInterval(before: Cumulative, after: Cumulative, q: number, level: number): Interval | null {
  const z = zFor(level);
  const ib = cumulativeQuantileIndex(before, q);
  const ia = cumulativeQuantileIndex(after, q);
  const sb = logQuantileSe(before, q, z);
  const sa = logQuantileSe(after, q, z);
  if (ib === null || ia === null || sb === null || sa === null) return null;
  const centre = Math.log(bucketValue(ia) / bucketValue(ib));
  const half = z * Math.sqrt(sb * sb + sa * sa);
  return { low: Math.exp(centre - half), high: Math.exp(centre + half) };
}
