/**
 * The four DORA figures from deploy history: deployment frequency, lead time for changes (commit
 * time → first seen in production), change failure rate (deploys the diff found a regression in)
 * and time to restore (from a failing deploy to the next deploy where the regression is gone).
 * Rollbacks are deploys too: a rollback that removes a regression is the restoring deploy.
 */
import type { DoraReport } from '@protocol/model';
import { median } from './service-shift';

export interface DoraDeploy {
  version: string;
  /** First seen in production (ms since the epoch). */
  deployedAt: number;
  /** Commit times (ms) of the changes this deploy first brought to production. */
  commitTimes: readonly number[];
  /** The deploy diff found a regression in this deploy. */
  failed: boolean;
}

export interface DoraInput {
  deploys: readonly DoraDeploy[];
  /** The period, [from, to) in ms since the epoch. */
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;

export class DoraPeriodError extends RangeError {
  override name = 'DoraPeriodError';
}

export function computeDora(input: DoraInput): DoraReport {
  if (!(Number.isFinite(input.from) && Number.isFinite(input.to) && input.to > input.from)) {
    throw new DoraPeriodError(`the DORA period must end after it starts (from ${input.from}, to ${input.to})`);
  }
  const all = [...input.deploys].filter((d) => Number.isFinite(d.deployedAt)).sort((a, b) => a.deployedAt - b.deployedAt);
  const inPeriod = all.filter((d) => d.deployedAt >= input.from && d.deployedAt < input.to);
  const days = (input.to - input.from) / DAY_MS;

  // Commit times after the deploy time are clock skew or rewritten history, not negative lead times.
  const leads = inPeriod.flatMap((d) => d.commitTimes.map((c) => d.deployedAt - c)).filter((x) => Number.isFinite(x) && x >= 0);
  const failed = inPeriod.filter((d) => d.failed).length;
  const restores = restoreTimes(all, input.from, input.to);

  return {
    from: input.from,
    to: input.to,
    days,
    deploymentFrequency: { deploys: inPeriod.length, perDay: inPeriod.length / days, perWeek: (inPeriod.length / days) * 7 },
    leadTimeForChanges: { medianMs: leads.length ? median(leads) : null, p90Ms: leads.length ? quantile(leads, 0.9) : null, commits: leads.length },
    changeFailureRate: { failed, deploys: inPeriod.length, rate: inPeriod.length ? failed / inPeriod.length : null },
    timeToRestore: {
      medianMs: restores.times.length ? median(restores.times) : null,
      restored: restores.times.length,
      unresolved: restores.unresolved,
    },
  };
}

/**
 * One failure episode runs from the first failing deploy after a good one to the next good deploy;
 * back-to-back failing deploys are one episode, since service was never restored between them.
 * Episodes are counted when they start inside the period; the restoring deploy may come later.
 */
function restoreTimes(sorted: readonly DoraDeploy[], from: number, to: number): { times: number[]; unresolved: number } {
  const times: number[] = [];
  let unresolved = 0;
  let start: number | null = null;
  for (const d of sorted) {
    if (d.failed && start === null) start = d.deployedAt;
    else if (!d.failed && start !== null) {
      if (start >= from && start < to) times.push(d.deployedAt - start);
      start = null;
    }
  }
  if (start !== null && start >= from && start < to) unresolved++;
  return { times, unresolved };
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
}
