// The early look before the first checkpoint: overwhelming evidence is reported at once, nothing
// else is, and looking again and again with no change stays under its share of α.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_LOOK, type EarlyLook } from '../../language-server/analysis/checkpoints';
import { diffDeploy, type DeployDiffOptions, type FunctionDiffInput, type SideSample } from '../../language-server/analysis/deploy-diff';
import { mergeInto } from '../../language-server/analysis/histogram';
import { seededRng, type Rng } from '../../language-server/analysis/random';
import { fn, side } from './analysis-diff-helpers';

const ALPHA = 0.05;
const MINUTE = 60_000;
const routes = [{ route: 'GET /orders', before: 5000, after: 5000 }];

/** Looks every 20 s until the 15 min checkpoint, each side gaining `perLook` calls between looks. */
const LOOKS = 44;

interface Stream {
  id: string;
  before: SideSample & { histogram: Map<number, number> };
  after: SideSample & { histogram: Map<number, number> };
}

function grow(rng: Rng, s: SideSample & { histogram: Map<number, number> }, n: number): void {
  const more = side(rng, { n, errorRate: 0.02 });
  mergeInto(s.histogram, more.histogram);
  s.requests += more.requests;
  s.errors += more.errors;
}

/**
 * Deploys of `perDeploy` unchanged functions, looked at every 20 s before the first checkpoint.
 * Returns the share of functions reported regressed or improved at any of the looks.
 */
function everFlagged(seed: number, deploys: number, perDeploy: number, perLook: number, options: Partial<DeployDiffOptions>): number {
  const rng = seededRng(seed);
  let flagged = 0;
  for (let d = 0; d < deploys; d++) {
    const streams: Stream[] = Array.from({ length: perDeploy }, (_, i) => ({
      id: `f${i}`,
      before: { histogram: new Map(), requests: 0, errors: 0 },
      after: { histogram: new Map(), requests: 0, errors: 0 },
    }));
    const ever = new Set<string>();
    for (let look = 1; look <= LOOKS; look++) {
      for (const s of streams) {
        grow(rng, s.before, perLook);
        grow(rng, s.after, perLook);
      }
      const functions: FunctionDiffInput[] = streams.map((s) => ({ id: s.id, changedInDiff: true, before: s.before, after: s.after }));
      const r = diffDeploy({ functions, routes, elapsedMs: (look * MINUTE) / 3, options });
      for (const f of r.functions) if (f.verdict === 'regressed' || f.verdict === 'improved') ever.add(f.id);
    }
    flagged += ever.size;
  }
  return flagged / (deploys * perDeploy);
}

describe('the early look', () => {
  it('with no change, looking every 20 s for 15 min flags at most its share of α', () => {
    // Five functions per deploy, so Benjamini–Hochberg across many nulls does not hide peeking.
    const level = ALPHA * DEFAULT_EARLY_LOOK.alphaShare;
    const rate = everFlagged(31, 80, 5, 60, {});
    expect(rate).toBeLessThanOrEqual(level);

    // The simulation can see peeking: the same looks at the overall α with only the usual gates
    // flag far more than the level, and more than a single look at 15 min would.
    const naiveEarly: EarlyLook = { alphaShare: 0.9, looks: 1, minSamples: 200, minP95Ratio: 1, minErrorDelta: 0, minErrorRatio: 1 };
    const naive = everFlagged(31, 80, 5, 60, { early: naiveEarly, checkpoints: [{ label: '15 min', afterMs: 15 * MINUTE, alphaShare: 0.1 }] });
    expect(naive).toBeGreaterThan(4 * level);
  }, 60_000);

  it('finds a 2× p95 regression and an error spike with a few hundred calls per side, and nothing else', () => {
    const rng = seededRng(32);
    const nulls = Array.from({ length: 30 }, (_, i) => fn(rng, `null${i}`, { n: 400 }, { n: 400 }));
    const slow = fn(rng, 'slow', { n: 400 }, { n: 400, shape: { scale: 2 } }, true);
    const failing = fn(rng, 'failing', { n: 400, errorRate: 0.01 }, { n: 400, errorRate: 0.2 }, true);
    const moderate = fn(rng, 'moderate', { n: 400 }, { n: 400, shape: { scale: 1.25 } }, true);
    const r = diffDeploy({ functions: [...nulls, slow, failing, moderate], routes, elapsedMs: 2 * MINUTE });

    expect(r.checkpoint).toEqual({ label: 'early', afterMs: 0, alpha: (ALPHA * DEFAULT_EARLY_LOOK.alphaShare) / DEFAULT_EARLY_LOOK.looks });
    const byId = new Map(r.functions.map((f) => [f.id, f]));
    expect(byId.get('slow')).toMatchObject({ verdict: 'regressed', early: true });
    expect(byId.get('slow')!.reasons[0]).toMatch(/^p95 \+\d+ % \(.* ms, q[<=][^)]*\), early look$/);
    expect(byId.get('failing')).toMatchObject({ verdict: 'regressed', early: true });
    expect(byId.get('failing')!.reasons[0]).toMatch(/^errors .* → .*, early look$/);
    expect(r.summary.regressed).toBe(2);
    expect(r.summary.improved).toBe(0);
    // Everything else waits for the checkpoint and says so.
    for (const f of r.functions.filter((x) => x.id !== 'slow' && x.id !== 'failing')) {
      expect(f).toMatchObject({ verdict: 'insufficient', waitingFor: '15 min' });
      expect(f.early).toBeUndefined();
      expect(f.reasons.at(-1)).toMatch(/waiting for the 15 min checkpoint$/);
    }
    expect(r.notes[0]).toMatch(/^early look: 2 verdicts on overwhelming evidence \(n ≥ 300 per side, .*\); everything else is waiting for the 15 min checkpoint$/);
  });

  it('finds an overwhelming improvement early too, but not below the early sample minimum', () => {
    const rng = seededRng(33);
    const faster = fn(rng, 'faster', { n: 400 }, { n: 400, shape: { scale: 0.4 } });
    const few = fn(rng, 'few', { n: 250 }, { n: 250, shape: { scale: 3 } });
    const r = diffDeploy({ functions: [faster, few], routes, elapsedMs: 4 * MINUTE });
    expect(r.functions.find((f) => f.id === 'faster')).toMatchObject({ verdict: 'improved', early: true });
    // 250 calls per side pass the usual minimum (200) but not the early one (300).
    const f = r.functions.find((x) => x.id === 'few')!;
    expect(f.latency.tested).toBe(true);
    expect(f).toMatchObject({ verdict: 'insufficient', waitingFor: '15 min' });
  });

  it('reports the same change at the 15 min checkpoint without the early mark', () => {
    const rng = seededRng(34);
    const r = diffDeploy({ functions: [fn(rng, 'slow', { n: 400 }, { n: 400, shape: { scale: 2 } })], routes, elapsedMs: 16 * MINUTE });
    expect(r.checkpoint!.label).toBe('15 min');
    expect(r.functions[0]).toMatchObject({ verdict: 'regressed' });
    expect(r.functions[0]!.early).toBeUndefined();
    expect(r.notes.some((n) => n.includes('early look'))).toBe(false);
  });
});
