/**
 * Turns the store's view of one function into what hovers and panels show: coarse histogram bins,
 * exemplars in milliseconds, and the attributes that set slow or failing calls apart.
 */
import type { FunctionStats } from '@protocol/model';
import type { AttributeContrast, Exemplar, FunctionDetail } from '@protocol/lsp';
import { bucketUpper, sortedBuckets, ZERO_BUCKET, type Buckets } from './analysis/histogram';
import { findOutliers } from './analysis/outliers';
import type { FunctionDetail as StoredDetail, Exemplar as StoredExemplar, StoredSpan } from './store';

const HISTOGRAM_BINS = 24;
const CONTRASTS_SHOWN = 3;

export function toDetail(d: StoredDetail, stats: FunctionStats): FunctionDetail {
  const versionOf = new Map<string, string>();
  for (const s of [...d.spans, ...d.outliers]) versionOf.set(s.traceId, s.version);
  const exemplar = (e: StoredExemplar): Exemplar => ({
    traceId: e.traceId,
    spanId: e.spanId,
    durationMs: e.durationUs / 1000,
    error: e.statusCode === 2,
    message: e.message || null,
    time: new Date(e.startMs).toISOString(),
    version: versionOf.get(e.traceId) ?? '',
  });
  return {
    stats,
    mappingExplanation: `matched by ${stats.mappedBy.join(', ') || 'an unknown signal'}`,
    versions: d.versions.map((v) => ({ version: v.version, requests: v.requests })).sort((a, b) => b.requests - a.requests),
    histogram: coarseBins(d.histogram),
    slowest: d.slowest.map(exemplar),
    failing: d.failing.map((f) => exemplar(f.last)),
    contrasts: contrasts([...d.spans, ...d.outliers]),
  };
}

/** Merges neighbouring log buckets into at most HISTOGRAM_BINS bins spanning the data's range. */
export function coarseBins(h: Buckets): FunctionDetail['histogram'] {
  // Sub-microsecond values (the zero bucket) join the first bin rather than stretch the range.
  const zero = h.get(ZERO_BUCKET) ?? 0;
  const sorted = sortedBuckets(h).filter(([i]) => i !== ZERO_BUCKET);
  if (sorted.length === 0) return zero > 0 ? [{ upperMs: bucketUpper(ZERO_BUCKET) / 1000, count: zero }] : [];
  const lo = sorted[0]![0];
  const hi = sorted[sorted.length - 1]![0];
  const width = Math.max(1, Math.ceil((hi - lo + 1) / HISTOGRAM_BINS));
  const bins: FunctionDetail['histogram'] = [];
  for (let start = lo; start <= hi; start += width) bins.push({ upperMs: bucketUpper(start + width - 1) / 1000, count: 0 });
  for (const [i, c] of sorted) bins[Math.floor((i - lo) / width)]!.count += c;
  bins[0]!.count += zero;
  return bins;
}

function contrasts(spans: StoredSpan[]): AttributeContrast[] {
  const unique = new Map(spans.map((s) => [s.spanId, s]));
  const report = findOutliers(
    [...unique.values()].map((s) => ({ durationMs: s.durationUs / 1000, error: s.statusCode === 2, attributes: s.attributes })),
  );
  return report.keys.slice(0, CONTRASTS_SHOWN).map((k) => ({
    key: k.key,
    value: k.standout.value,
    selectionShare: k.standout.selectedShare,
    baselineShare: k.standout.baselineShare,
    score: k.score,
  }));
}
