/**
 * What sets slow or failed calls apart (a BubbleUp-style comparison, reference §4): the selection is
 * every call slower than the function's p95 or in error, the baseline is the rest, and each
 * attribute key is scored by how differently its values are spread across the two — total-variation
 * distance, with a G-test and Benjamini–Hochberg across keys so a hover only names differences that
 * are more than chance.
 */
import { chiSquareSf } from './distributions';
import { benjaminiHochberg } from './multiple-testing';

export type AttributeValue = string | number | boolean;

export interface OutlierSpan {
  durationMs: number;
  error: boolean;
  /** Span and resource attributes, already flattened to scalars. */
  attributes: Readonly<Record<string, AttributeValue | null | undefined>>;
}

export interface OutlierOptions {
  /** Calls slower than this are selected; defaults to the p95 of the given spans. */
  thresholdMs?: number;
  /** Values kept per key; the rest are pooled as "(other)". */
  topN: number;
  /** A standout value needs at least this many selected calls. */
  minSupport: number;
  /** False-discovery level across keys. */
  alpha: number;
  /** Keys never compared (ids that are unique per call, for example). */
  ignoreKeys: readonly string[];
}

export const DEFAULT_OUTLIER_OPTIONS: OutlierOptions = {
  topN: 10,
  minSupport: 5,
  alpha: 0.05,
  ignoreKeys: ['trace_id', 'span_id', 'http.request.header.x-request-id'],
};

export interface ValueContrast {
  value: string;
  selected: number;
  baseline: number;
  selectedShare: number;
  baselineShare: number;
  /** selectedShare / baselineShare; null when the baseline never has the value. */
  lift: number | null;
}

export interface KeyContrast {
  key: string;
  /** Total-variation distance between the selection's and the baseline's value shares, 0..1. */
  score: number;
  g: number;
  p: number;
  q: number;
  /** The value most over-represented among slow or failed calls. */
  standout: ValueContrast;
  values: ValueContrast[];
  /** e.g. "78 % of slow calls have db.system=mongodb vs 12 % of the rest". */
  summary: string;
}

export interface OutlierReport {
  thresholdMs: number | null;
  selected: number;
  baseline: number;
  /** Keys that differ significantly, most different first. */
  keys: KeyContrast[];
}

export const ABSENT = '(absent)';
export const OTHER = '(other)';

export function findOutliers(spans: readonly OutlierSpan[], options: Partial<OutlierOptions> = {}): OutlierReport {
  const o: OutlierOptions = { ...DEFAULT_OUTLIER_OPTIONS, ...options };
  const valid = spans.filter((s) => Number.isFinite(s.durationMs) && s.durationMs >= 0);
  const threshold = o.thresholdMs ?? p95(valid.map((s) => s.durationMs));
  if (threshold === null) return { thresholdMs: null, selected: 0, baseline: 0, keys: [] };
  const isSelected = valid.map((s) => s.error || s.durationMs > threshold);
  const nSel = isSelected.filter(Boolean).length;
  const nBase = valid.length - nSel;
  if (nSel === 0 || nBase === 0) return { thresholdMs: threshold, selected: nSel, baseline: nBase, keys: [] };
  const anyError = valid.some((s, i) => s.error && isSelected[i]);

  const ignored = new Set(o.ignoreKeys);
  const keys = new Set<string>();
  for (const s of valid) for (const k of Object.keys(s.attributes)) if (!ignored.has(k)) keys.add(k);

  const candidates = [...keys]
    .map((key) => contrastKey(key, valid, isSelected, nSel, nBase, o))
    .filter((c): c is Omit<KeyContrast, 'q' | 'summary'> => c !== null);
  const q = benjaminiHochberg(candidates.map((c) => c.p));
  const label = anyError ? 'slow or failed calls' : 'slow calls';
  const ranked = candidates
    .map((c, i) => ({ ...c, q: q[i]!, summary: summary(label, c.key, c.standout) }))
    .filter((c) => c.q <= o.alpha)
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  return { thresholdMs: threshold, selected: nSel, baseline: nBase, keys: ranked };
}

function contrastKey(
  key: string,
  spans: readonly OutlierSpan[],
  isSelected: readonly boolean[],
  nSel: number,
  nBase: number,
  o: OutlierOptions,
): Omit<KeyContrast, 'q' | 'summary'> | null {
  const counts = new Map<string, { selected: number; baseline: number }>();
  spans.forEach((s, i) => {
    const raw = s.attributes[key];
    const v = raw === null || raw === undefined ? ABSENT : String(raw);
    const c = counts.get(v) ?? { selected: 0, baseline: 0 };
    if (isSelected[i]) c.selected++;
    else c.baseline++;
    counts.set(v, c);
  });
  if (counts.size < 2) return null;
  // Keep the values that matter on either side, so a value common only among slow calls survives.
  const byWeight = [...counts.entries()].sort(
    (a, b) => Math.max(b[1].selected / nSel, b[1].baseline / nBase) - Math.max(a[1].selected / nSel, a[1].baseline / nBase),
  );
  const kept = byWeight.slice(0, o.topN);
  const rest = byWeight.slice(o.topN);
  if (rest.length > 0) {
    kept.push([OTHER, rest.reduce((t, [, c]) => ({ selected: t.selected + c.selected, baseline: t.baseline + c.baseline }), { selected: 0, baseline: 0 })]);
  }
  const values: ValueContrast[] = kept.map(([value, c]) => ({
    value,
    selected: c.selected,
    baseline: c.baseline,
    selectedShare: c.selected / nSel,
    baselineShare: c.baseline / nBase,
    lift: c.baseline > 0 ? c.selected / nSel / (c.baseline / nBase) : null,
  }));
  const score = values.reduce((s, v) => s + Math.abs(v.selectedShare - v.baselineShare), 0) / 2;
  const standout = values
    .filter((v) => v.selected >= o.minSupport && v.value !== OTHER)
    .sort((a, b) => b.selectedShare - b.baselineShare - (a.selectedShare - a.baselineShare))[0];
  if (!standout || standout.selectedShare <= standout.baselineShare) return null;
  const g = gStatistic(values, nSel, nBase);
  return { key, score, g, p: chiSquareSf(g, values.length - 1), standout, values };
}

/** G = 2·Σ O·ln(O/E) over the 2×k table of (selected, baseline) × value. */
function gStatistic(values: readonly ValueContrast[], nSel: number, nBase: number): number {
  const n = nSel + nBase;
  let g = 0;
  for (const v of values) {
    const total = v.selected + v.baseline;
    const eSel = (total * nSel) / n;
    const eBase = (total * nBase) / n;
    if (v.selected > 0) g += v.selected * Math.log(v.selected / eSel);
    if (v.baseline > 0) g += v.baseline * Math.log(v.baseline / eBase);
  }
  return 2 * g;
}

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)]!;
}

function summary(label: string, key: string, v: ValueContrast): string {
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  return `${pct(v.selectedShare)} of ${label} have ${key}=${v.value} vs ${pct(v.baselineShare)} of the rest`;
}
