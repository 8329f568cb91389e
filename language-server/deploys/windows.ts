/**
 * Which spans are "before" and which "after" a deploy. While the old and new versions both serve
 * (a rolling or canary rollout) they are compared over the same wall-clock time, which rules out
 * time-of-day effects; otherwise the new version since it was first seen is compared with the old
 * one over a window of the same length just before (never reaching back past the start of the
 * previous deploy, whose version may have served before with other code around it), plus the same
 * after-window 24 h earlier to rule out daily cycles (analysis/daily-cycle.ts). Both windows end at
 * the checkpoint reached, so each look tests the same data rather than a little more every minute.
 * Before the first checkpoint they end now: the early look (analysis/checkpoints.ts) takes what is
 * there, and pays for looking any time with a tiny share of α and large-effect gates.
 */
import { checkpointAt, DEFAULT_CHECKPOINTS } from '../analysis/checkpoints';
import { DAY_MS } from '../analysis/daily-cycle';
import type { TimeWindow } from '../store/types';

export interface VersionSpan {
  version: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface DeployWindows {
  before: TimeWindow;
  after: TimeWindow;
  /** Time since the deploy for the checkpoint logic. */
  elapsedMs: number;
  concurrent: boolean;
  /** Sequential comparisons only: the after-window 24 h earlier, whatever version served then. */
  yesterday: TimeWindow | null;
  /** One line for the reader, e.g. "concurrent: 1.4.1 and 1.4.2 both serving for 42 min". */
  comparison: string;
}

/** Longest window compared on each side: older data says more about the day than about the deploy. */
export const MAX_WINDOW_MS = 6 * 3_600_000;
/** Overlap shorter than this is a restart, not a rollout worth comparing concurrently. */
const MIN_OVERLAP_MS = 5 * 60_000;

export function chooseWindows(deploy: VersionSpan, previous: VersionSpan | null, nowMs: number): DeployWindows {
  const deployedAt = deploy.firstSeenMs;
  const elapsedMs = Math.max(0, nowMs - deployedAt);
  const cp = checkpointAt(elapsedMs, 0.05, DEFAULT_CHECKPOINTS);
  const lookMs = Math.min(cp.current ? cp.current.afterMs : elapsedMs, MAX_WINDOW_MS);

  if (previous) {
    const from = Math.max(previous.firstSeenMs, deployedAt);
    const to = Math.min(previous.lastSeenMs, deploy.lastSeenMs, deployedAt + lookMs);
    if (to - from >= MIN_OVERLAP_MS) {
      const w = { fromMs: from, toMs: to + 1 };
      return {
        before: w,
        after: w,
        elapsedMs,
        concurrent: true,
        yesterday: null,
        comparison: `concurrent: ${previous.version} and ${deploy.version} both serving for ${minutes(to - from)}`,
      };
    }
  }
  // A stint that ended (a rollback followed) is compared over its own time only.
  const after = { fromMs: deployedAt, toMs: Math.min(deployedAt + Math.max(lookMs, 60_000), Math.max(deploy.lastSeenMs + 1, deployedAt + 60_000)) };
  const before = { fromMs: Math.max(deployedAt - (after.toMs - after.fromMs), previous?.firstSeenMs ?? -Infinity), toMs: deployedAt };
  const what = previous ? previous.version : 'the service';
  return {
    before,
    after,
    elapsedMs,
    concurrent: false,
    yesterday: { fromMs: after.fromMs - DAY_MS, toMs: after.toMs - DAY_MS },
    comparison: `sequential: ${deploy.version} over its first ${minutes(after.toMs - after.fromMs)} against ${what} over the ${minutes(before.toMs - before.fromMs)} before`,
  };
}

function minutes(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const m = Math.round(ms / 60_000);
  return m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`;
}
