/**
 * Benjamini–Hochberg false-discovery-rate control, plain and weighted (Genovese, Roeder and
 * Wasserman 2006): with weights of mean 1, testing p/w keeps the FDR at the nominal level while
 * giving more power to hypotheses believed likelier to be true changes — here, functions the
 * deploy's diff touched.
 */

/** BH-adjusted p-values (q-values), in input order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const q = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const [p, i] = order[k]!;
    running = Math.min(running, (p * m) / (k + 1));
    q[i] = Math.min(1, running);
  }
  return q;
}

/** Weights scaled so they average 1 over the hypotheses tested; non-positive weights are refused. */
export function normaliseWeights(weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  for (const w of weights) {
    if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`BH weights must be positive finite numbers, got ${w}`);
  }
  const mean = weights.reduce((s, w) => s + w, 0) / weights.length;
  return weights.map((w) => w / mean);
}

/** Weighted BH q-values: BH applied to p/w with the weights normalised to mean 1. */
export function weightedBenjaminiHochberg(pValues: readonly number[], weights: readonly number[]): number[] {
  if (pValues.length !== weights.length) {
    throw new RangeError(`weighted BH needs one weight per p-value (${pValues.length} p-values, ${weights.length} weights)`);
  }
  const w = normaliseWeights(weights);
  return benjaminiHochberg(pValues.map((p, i) => Math.min(1, p / w[i]!)));
}
