import { describe, expect, it } from 'vitest';
import { computeDora, type DoraDeploy } from '../../language-server/analysis/dora';

const H = 3_600_000;
const D = 24 * H;
const t0 = Date.UTC(2025, 0, 6);

// A known two-week history: v1 good, v2 fails, v3 still fails, v4 fixes it; v5 fails, v6 rolls back to v4's code.
const history: DoraDeploy[] = [
  { version: 'v0', deployedAt: t0 - 2 * D, commitTimes: [t0 - 3 * D], failed: false },
  { version: 'v1', deployedAt: t0 + 1 * D, commitTimes: [t0 + 1 * D - 2 * H, t0 + 1 * D - 4 * H], failed: false },
  { version: 'v2', deployedAt: t0 + 3 * D, commitTimes: [t0 + 3 * D - 6 * H], failed: true },
  { version: 'v3', deployedAt: t0 + 3 * D + 2 * H, commitTimes: [t0 + 3 * D + 1 * H], failed: true },
  { version: 'v4', deployedAt: t0 + 3 * D + 5 * H, commitTimes: [t0 + 3 * D + 4 * H], failed: false },
  { version: 'v5', deployedAt: t0 + 10 * D, commitTimes: [t0 + 9 * D], failed: true },
  { version: 'v6', deployedAt: t0 + 10 * D + 1 * H, commitTimes: [], failed: false },
  { version: 'v7', deployedAt: t0 + 13 * D, commitTimes: [t0 + 13 * D + H], failed: true },
];

describe('DORA', () => {
  const r = computeDora({ deploys: history, from: t0, to: t0 + 14 * D });

  it('counts deploys in the period, rollbacks included', () => {
    expect(r.deploymentFrequency.deploys).toBe(7);
    expect(r.deploymentFrequency.perDay).toBeCloseTo(0.5, 12);
    expect(r.deploymentFrequency.perWeek).toBeCloseTo(3.5, 12);
  });

  it('takes the median lead time over the commits each deploy shipped, skipping skewed clocks', () => {
    // Leads: 2 h, 4 h, 6 h, 1 h, 1 h, 24 h; v7's commit is after its deploy and is dropped.
    expect(r.leadTimeForChanges.commits).toBe(6);
    expect(r.leadTimeForChanges.medianMs).toBe(3 * H);
    expect(r.leadTimeForChanges.p90Ms).toBe(24 * H);
  });

  it('counts failed deploys over all deploys', () => {
    expect(r.changeFailureRate.failed).toBe(4);
    expect(r.changeFailureRate.rate).toBeCloseTo(4 / 7, 12);
  });

  it('measures restore per failure episode and counts an open one as unresolved', () => {
    // Episodes: v2 → v4 (5 h, v3 is the same episode), v5 → v6 (1 h); v7 is still failing.
    expect(r.timeToRestore.restored).toBe(2);
    expect(r.timeToRestore.medianMs).toBe(3 * H);
    expect(r.timeToRestore.unresolved).toBe(1);
  });

  it('refuses an empty period', () => {
    expect(() => computeDora({ deploys: history, from: t0, to: t0 })).toThrow(/must end after it starts/);
  });
});
