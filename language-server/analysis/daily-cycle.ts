/**
 * The "same time of day earlier" baseline (DESIGN.md "Deploys"). A sequential comparison sets the
 * deploy's first hours against the hours just before it, which for a deploy in the morning are the
 * quiet night: a function that is always slower by day looks regressed. So when the store holds the
 * same window 24 h before the after-window, the after side is diffed against it too, and:
 *
 * - a function regressed (or improved) against the window before the deploy keeps that verdict only
 *   if the comparison against yesterday, with enough data, says the same;
 * - if yesterday's comparison finds it unchanged (or moved the other way), the shift is a daily
 *   cycle: the verdict becomes "unchanged" with `dailyCycle` set and a reason saying why;
 * - without enough data yesterday (no history, too few calls, still waiting for a checkpoint) the
 *   verdict stands as it was.
 *
 * Both comparisons are full deploy diffs (their own Benjamini–Hochberg family and checkpoints), so
 * the extra look only ever removes findings and cannot raise the false-positive rate.
 */
import type { DeployDiffReport, FunctionDiff, Verdict } from '@protocol/model';

export const DAY_MS = 24 * 3_600_000;

export function applyDailyBaseline(primary: DeployDiffReport, yesterday: DeployDiffReport): DeployDiffReport {
  const daily = new Map(yesterday.functions.map((f) => [f.id, f]));
  let cycles = 0;
  const functions = primary.functions.map((f) => {
    const y = daily.get(f.id);
    if (!y || !isCycle(f.verdict, y.verdict)) return { ...f, dailyCycle: false };
    cycles++;
    return downgrade(f);
  });
  const summary: Record<Verdict, number> = { regressed: 0, improved: 0, unchanged: 0, insufficient: 0 };
  for (const f of functions) summary[f.verdict]++;
  const notes = [...primary.notes];
  if (cycles > 0) {
    notes.push(`daily cycle: ${cycles} function${cycles === 1 ? '' : 's'} moved against the window before the deploy but not against the same window 24 h earlier, so they are reported unchanged`);
  }
  return { ...primary, functions, summary, notes };
}

/** The primary verdict is a change that yesterday's comparison, with data, does not confirm. */
function isCycle(primary: Verdict, daily: Verdict): boolean {
  if (primary !== 'regressed' && primary !== 'improved') return false;
  return daily === 'unchanged' || (daily !== 'insufficient' && daily !== primary);
}

function downgrade(f: FunctionDiff): FunctionDiff {
  const what = f.verdict === 'regressed' ? 'slower or failing more' : 'faster or failing less';
  // "unchanged" is no early verdict, so the mark goes with the verdict.
  const { early: _early, ...rest } = f;
  return {
    ...rest,
    verdict: 'unchanged',
    dailyCycle: true,
    waitingFor: null,
    reasons: [`daily cycle: ${what} than just before the deploy, but not than the same time 24 h earlier`, ...f.reasons],
  };
}
