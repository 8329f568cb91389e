// Deploy-diff benchmark: generated deploys with known answers (a few hundred functions, some
// regressed, some improved, most unchanged, with noise, traffic-mix shifts and a service-wide
// shift), printing precision and recall of "regressed" and the time to compute a diff over 1M spans.
import { diffDeploy, type FunctionDiffInput, type RouteCount, type SideSample } from '../language-server/analysis/deploy-diff';
import { record, type Buckets } from '../language-server/analysis/histogram';
import { seededRng, type Rng } from '../language-server/analysis/random';
import { drawMicros, REFERENCE_SHAPE, simulateErrors, type LatencyShape } from '../language-server/analysis/simulate';

interface RawSide {
  durations: Float64Array;
  errors: number;
}
interface RawFunction {
  id: string;
  changedInDiff: boolean;
  routes: Array<{ route: string; before: RawSide; after: RawSide }>;
  truth: 'regressed' | 'improved' | 'unchanged';
}
interface Scenario {
  name: string;
  functions: RawFunction[];
  routes: RouteCount[];
}

const FUNCTIONS = 400;
const SPANS = 1_000_000;

function rawSide(rng: Rng, n: number, shape: LatencyShape, errorRate: number): RawSide {
  const durations = new Float64Array(n);
  for (let i = 0; i < n; i++) durations[i] = drawMicros(rng, shape);
  return { durations, errors: simulateErrors(rng, n, errorRate) };
}

/** Call volumes are skewed like real services: a few hot functions, a long tail of quiet ones. */
function volumes(rng: Rng, total: number): number[] {
  const w = Array.from({ length: FUNCTIONS }, () => Math.exp(1.0 * rng.normal()));
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => Math.max(60, Math.round((x / sum) * total)));
}

function scenario(name: string, seed: number, opts: { mixShift: boolean; serviceShift: number }): Scenario {
  const rng = seededRng(seed);
  const perSide = volumes(rng, SPANS / 2);
  const routeTotals = new Map<string, { before: number; after: number }>();
  const functions: RawFunction[] = perSide.map((n, i) => {
    const roll = rng.next();
    const touched = rng.next() < 0.15;
    // Planted latency changes start from 30 ms or more so that they are material by the default
    // gate (≥ 20 ms at p95); a 30 % change of a 5 ms function is, by design, not reported.
    const medianMs = roll < 0.12 ? 30 + rng.next() * 100 : 5 + rng.next() * 120;
    const base: LatencyShape = { ...REFERENCE_SHAPE, medianMs, sigma: 0.4 + rng.next() * 0.4 };
    const errBase = rng.next() < 0.5 ? 0.002 : 0.01;
    let after: LatencyShape = { ...base, scale: (1 + (rng.next() - 0.5) * 0.08) * opts.serviceShift };
    let errAfter = errBase;
    let truth: RawFunction['truth'] = 'unchanged';
    if (roll < 0.04) [after, truth] = [{ ...after, scale: after.scale * (1.3 + rng.next() * 0.7) }, 'regressed'];
    else if (roll < 0.06) [after, truth] = [{ ...after, tailShare: 0.06 }, 'regressed'];
    else if (roll < 0.08) [errAfter, truth] = [errBase * 4 + 0.01, 'regressed'];
    else if (roll < 0.12) [after, truth] = [{ ...after, scale: after.scale * (0.5 + rng.next() * 0.25) }, 'improved'];
    const mixed = opts.mixShift && roll >= 0.12 && rng.next() < 0.3;
    if (!mixed) {
      const r = `route${i % 20}`;
      bump(routeTotals, r, n, n);
      return { id: `fn${i}`, changedInDiff: touched || truth !== 'unchanged', truth, routes: [{ route: r, before: rawSide(rng, n, base, errBase), after: rawSide(rng, n, after, errAfter) }] };
    }
    // Served by a fast and a slow entry route; the deploy moves traffic toward the slow one.
    const slow = { ...base, medianMs: base.medianMs * 6 };
    const slowAfter = { ...after, medianMs: after.medianMs * 6 };
    const [fb, sb, fa, sa] = [Math.round(n * 0.85), Math.round(n * 0.15), Math.round(n * 0.55), Math.round(n * 0.45)];
    bump(routeTotals, 'GET /search', fb, fa);
    bump(routeTotals, 'GET /export', sb, sa);
    return {
      id: `fn${i}`,
      changedInDiff: touched,
      truth,
      routes: [
        { route: 'GET /search', before: rawSide(rng, fb, base, errBase), after: rawSide(rng, fa, after, errAfter) },
        { route: 'GET /export', before: rawSide(rng, sb, slow, errBase), after: rawSide(rng, sa, slowAfter, errAfter) },
      ],
    };
  });
  const routes = [...routeTotals.entries()].map(([route, c]) => ({ route, ...c }));
  return { name, functions, routes };
}

function bump(m: Map<string, { before: number; after: number }>, route: string, before: number, after: number): void {
  const c = m.get(route) ?? { before: 0, after: 0 };
  c.before += before;
  c.after += after;
  m.set(route, c);
}

/** What the store does at ingest: every raw duration goes into its function's histogram. */
function buildInputs(s: Scenario): FunctionDiffInput[] {
  const toSample = (r: RawSide): SideSample => {
    const histogram: Buckets = new Map();
    for (let i = 0; i < r.durations.length; i++) record(histogram, r.durations[i]!);
    return { histogram, requests: r.durations.length, errors: r.errors };
  };
  return s.functions.map((f) => {
    const byRoute = f.routes.map((r) => ({ route: r.route, before: toSample(r.before), after: toSample(r.after) }));
    const merge = (pick: 'before' | 'after'): SideSample => {
      const histogram: Buckets = new Map();
      let requests = 0;
      let errors = 0;
      for (const r of byRoute) {
        for (const [i, c] of r[pick].histogram) histogram.set(i, (histogram.get(i) ?? 0) + c);
        requests += r[pick].requests;
        errors += r[pick].errors;
      }
      return { histogram, requests, errors };
    };
    return { id: f.id, changedInDiff: f.changedInDiff, before: merge('before'), after: merge('after'), byRoute: byRoute.length > 1 ? byRoute : undefined };
  });
}

function sideCount(f: RawFunction, side: 'before' | 'after'): number {
  return f.routes.reduce((t, r) => t + r[side].durations.length, 0);
}

function medianMs(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Wall and CPU milliseconds: the machine may be shared, and CPU time is what the code costs. */
function time<T>(fn: () => T): [T, number, number] {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const r = fn();
  const u = process.cpuUsage(c);
  return [r, Number(process.hrtime.bigint() - t) / 1e6, (u.user + u.system) / 1000];
}

function main(): void {
  const scenarios = [
    scenario('plain', 1, { mixShift: false, serviceShift: 1 }),
    scenario('traffic-mix shift', 2, { mixShift: true, serviceShift: 1 }),
    scenario('service-wide +25 %', 3, { mixShift: false, serviceShift: 1.25 }),
  ];
  console.log(`deploy diff benchmark: ${FUNCTIONS} functions, ~${(SPANS / 1e6).toFixed(0)}M spans per scenario (before + after)\n`);
  for (const s of scenarios) {
    const spans = s.functions.reduce((t, f) => t + f.routes.reduce((u, r) => u + r.before.durations.length + r.after.durations.length, 0), 0);
    const builds: number[] = [];
    const buildsCpu: number[] = [];
    const diffs: number[] = [];
    const diffsCpu: number[] = [];
    let inputs: FunctionDiffInput[] = [];
    for (let rep = 0; rep < 3; rep++) {
      let t: number;
      let c: number;
      [inputs, t, c] = time(() => buildInputs(s));
      builds.push(t);
      buildsCpu.push(c);
    }
    for (const elapsedMs of [3_600_000, 86_400_000]) {
      let report = diffDeploy({ functions: inputs, routes: s.routes, elapsedMs });
      for (let rep = 0; rep < 5; rep++) {
        let t: number;
        let c: number;
        [report, t, c] = time(() => diffDeploy({ functions: inputs, routes: s.routes, elapsedMs }));
        diffs.push(t);
        diffsCpu.push(c);
      }
      const truth = new Map(s.functions.map((f) => [f.id, f.truth]));
      const said = report.functions.filter((f) => f.verdict === 'regressed');
      const tp = said.filter((f) => truth.get(f.id) === 'regressed').length;
      const actual = s.functions.filter((f) => f.truth === 'regressed').length;
      // Recall among functions with at least 1,000 calls a side, where the method claims its power.
      const busy = new Set(s.functions.filter((f) => sideCount(f, 'before') >= 1000 && sideCount(f, 'after') >= 1000).map((f) => f.id));
      const busyActual = s.functions.filter((f) => f.truth === 'regressed' && busy.has(f.id)).length;
      const busyTp = said.filter((f) => truth.get(f.id) === 'regressed' && busy.has(f.id)).length;
      const improvedTp = report.functions.filter((f) => f.verdict === 'improved' && truth.get(f.id) === 'improved').length;
      const improvedSaid = report.functions.filter((f) => f.verdict === 'improved').length;
      console.log(
        `${s.name.padEnd(20)} @${report.checkpoint!.label.padEnd(6)} regressed: precision ${(tp / Math.max(1, said.length)).toFixed(3)} ` +
          `recall ${(tp / actual).toFixed(3)} (${tp}/${actual}, ${said.length - tp} false; ≥1k calls/side ${busyTp}/${busyActual})  ` +
          `improved: precision ${(improvedTp / Math.max(1, improvedSaid)).toFixed(3)}  ` +
          `insufficient ${report.summary.insufficient}  mix changed ${report.trafficMix.changed} ` +
          `(explained by mix ${report.functions.filter((f) => f.explainedByMix).length})  ` +
          `service shift ${report.serviceShift.detected} (moved with it ${report.functions.filter((f) => f.movedWithService).length})`,
      );
    }
    console.log(
      `${''.padEnd(20)} ${spans.toLocaleString('en')} spans: build histograms from raw durations ${medianMs(builds).toFixed(0)} ms wall / ${medianMs(buildsCpu).toFixed(0)} ms CPU; ` +
        `diff over the histograms ${medianMs(diffs).toFixed(0)} ms wall / ${medianMs(diffsCpu).toFixed(0)} ms CPU (medians; target ≤ 1000 ms)\n`,
    );
  }
}

main();
