// The "same time of day earlier" baseline on generated data: a morning deploy compared with the
// quiet night before it, and with the same morning window 24 h earlier.
import { describe, expect, it } from 'vitest';
import { applyDailyBaseline } from '../../language-server/analysis/daily-cycle';
import { diffDeploy, type FunctionDiffInput, type SideSample } from '../../language-server/analysis/deploy-diff';
import { seededRng, type Rng } from '../../language-server/analysis/random';
import { HOUR, side } from './analysis-diff-helpers';

const N = 2000;
const routes = [{ route: 'GET /orders', before: 20 * N, after: 20 * N }];

interface Day {
  id: string;
  night: SideSample;
  yesterday: SideSample;
  today: SideSample;
}

/** A function's three windows: the night before the deploy, yesterday morning, this morning. */
function day(rng: Rng, id: string, nightScale: number, yesterdayScale: number, todayScale: number): Day {
  return {
    id,
    night: side(rng, { n: N, shape: { scale: nightScale } }),
    yesterday: side(rng, { n: N, shape: { scale: yesterdayScale } }),
    today: side(rng, { n: N, shape: { scale: todayScale } }),
  };
}

function inputs(days: readonly Day[], before: 'night' | 'yesterday'): FunctionDiffInput[] {
  return days.map((d) => ({ id: d.id, changedInDiff: false, before: d[before], after: d.today }));
}

/** Twelve steady functions, three that are 50 % slower every morning, and one regressed on top of that. */
function morning(seed: number, withRegression: boolean): Day[] {
  const rng = seededRng(seed);
  return [
    ...Array.from({ length: 12 }, (_, i) => day(rng, `steady${i}`, 1, 1, 1)),
    ...Array.from({ length: 3 }, (_, i) => day(rng, `busy${i}`, 1, 1.5, 1.5)),
    day(rng, 'worse', 1, 1.5, withRegression ? 1.5 * 1.4 : 1.5),
  ];
}

function diff(days: readonly Day[]) {
  const primary = diffDeploy({ functions: inputs(days, 'night'), routes, elapsedMs: HOUR });
  const daily = diffDeploy({ functions: inputs(days, 'yesterday'), routes, elapsedMs: HOUR });
  return { primary, final: applyDailyBaseline(primary, daily) };
}

describe('daily-cycle baseline', () => {
  it('does not report a daily cycle with no code change as a regression', () => {
    const { primary, final } = diff(morning(301, false));
    // Against the night the busy functions look regressed: the trap the baseline exists for.
    expect(primary.functions.filter((f) => f.verdict === 'regressed').map((f) => f.id).sort()).toEqual(['busy0', 'busy1', 'busy2', 'worse']);
    expect(final.summary.regressed).toBe(0);
    const busy = final.functions.find((f) => f.id === 'busy0')!;
    expect(busy).toMatchObject({ verdict: 'unchanged', dailyCycle: true });
    expect(busy.reasons[0]).toBe('daily cycle: slower or failing more than just before the deploy, but not than the same time 24 h earlier');
    expect(final.notes.at(-1)).toMatch(/^daily cycle: 4 functions moved against the window before the deploy/);
    expect(final.functions.find((f) => f.id === 'steady0')).toMatchObject({ verdict: 'unchanged', dailyCycle: false });
  });

  it('still finds a real regression on top of a daily cycle', () => {
    const { final } = diff(morning(302, true));
    expect(final.functions.filter((f) => f.verdict === 'regressed').map((f) => f.id)).toEqual(['worse']);
    expect(final.functions.find((f) => f.id === 'worse')!.dailyCycle).toBe(false);
    expect(final.summary).toMatchObject({ regressed: 1, unchanged: 15 });
  });

  it('keeps the verdict when yesterday has too few calls to say', () => {
    const rng = seededRng(303);
    const d = day(rng, 'busy', 1, 1.5, 1.5);
    const primary = diffDeploy({ functions: [{ id: 'busy', changedInDiff: false, before: d.night, after: d.today }], routes, elapsedMs: HOUR });
    const thin = side(rng, { n: 50, shape: { scale: 1.5 } });
    const daily = diffDeploy({ functions: [{ id: 'busy', changedInDiff: false, before: thin, after: d.today }], routes, elapsedMs: HOUR });
    expect(daily.functions[0]!.verdict).toBe('insufficient');
    expect(applyDailyBaseline(primary, daily).functions[0]!.verdict).toBe('regressed');
  });
});
