// Deploys as events: rollbacks and re-deploys of a version are deploys of their own, and how a
// repeated version is addressed.
import { describe, expect, it } from 'vitest';
import { chooseDeploy, deployAddress, DeployNotFoundError, toDeployInfo } from '../../language-server/deploys/deploy-choice';
import { deployEvents, type TrafficSlot } from '../../language-server/deploys/events';
import { chooseWindows } from '../../language-server/deploys/windows';
import type { DeployRecord } from '../../language-server/store/types';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const M0 = T0 / MIN;

function version(v: string, firstMin: number, lastMin: number, spanCount: number, commit: string | null = null): DeployRecord {
  return { service: 'shop', environment: 'prod', version: v, commit, firstSeenMs: T0 + firstMin * MIN, lastSeenMs: T0 + lastMin * MIN + 30_000, spanCount, source: 'telemetry' };
}

/** `perMin` requests of `v` in each minute of [from, to). */
function serve(v: string, from: number, to: number, perMin = 20): TrafficSlot[] {
  return Array.from({ length: to - from }, (_, i) => ({ service: 'shop', environment: 'prod', version: v, minute: M0 + from + i, requests: perMin }));
}

const at = (d: DeployRecord) => [d.version, (d.firstSeenMs - T0) / MIN, d.spanCount, d.source];

describe('deploy events from telemetry', () => {
  // 1.4.1 serves 0–30, 1.4.2 30–60, a rollback to 1.4.1 60–90, 1.4.2 again from 90 to 120.
  const traffic = [...serve('1.4.1', 0, 30), ...serve('1.4.2', 30, 60), ...serve('1.4.1', 60, 90), ...serve('1.4.2', 90, 120)];
  const versions = [version('1.4.1', 0, 89, 1200, 'aaaaaaa'), version('1.4.2', 30, 119, 1200, 'bbbbbbb')];
  const events = deployEvents(versions, traffic, []);

  it('lists a rollback and a re-deploy as deploys of their own, newest first', () => {
    expect(events.map(at)).toEqual([
      ['1.4.2', 90, 600, 'telemetry'],
      ['1.4.1', 60, 600, 'telemetry'],
      ['1.4.2', 30, 600, 'telemetry'],
      ['1.4.1', 0, 600, 'telemetry'],
    ]);
    // Each stint ends at its version's last traffic before the version comes back.
    expect((events[3]!.lastSeenMs - T0) / MIN).toBeCloseTo(30, 0);
    expect(events[0]!.lastSeenMs).toBe(versions[1]!.lastSeenMs);
  });

  it('picks each occurrence by V, V@N or V@time, and says which are rollbacks', () => {
    expect(chooseDeploy(events, {})).toMatchObject({ deploy: events[0], previous: events[1], rollback: false, occurrence: 2 });
    expect(chooseDeploy(events, { version: '1.4.1' })).toMatchObject({ deploy: events[1], previous: events[2], rollback: true, occurrence: 2 });
    expect(chooseDeploy(events, { version: '1.4.1@1' })).toMatchObject({ deploy: events[3], previous: null, occurrence: 1 });
    expect(chooseDeploy(events, { version: `1.4.2@${new Date(T0 + 45 * MIN).toISOString()}` })!.deploy).toBe(events[2]);
    expect(() => chooseDeploy(events, { version: '1.4.1@3' })).toThrow(DeployNotFoundError);
    expect(() => chooseDeploy(events, { version: '1.4.1@yesterday' })).toThrow(/V@2 for its second/);
    expect(events.map((d) => deployAddress(events, d))).toEqual(['1.4.2', '1.4.1', '1.4.2@1', '1.4.1@1']);
    expect(events.map((d) => toDeployInfo(d, events)).map((i) => [i.address, i.occurrence, i.rollback])).toEqual([
      ['1.4.2', 2, false],
      ['1.4.1', 2, true],
      ['1.4.2@1', 1, false],
      ['1.4.1@1', 1, false],
    ]);
  });

  it('calls a return to an earlier SHA a rollback even though SHAs carry no order', () => {
    const shas = deployEvents([version('a1b2c3d', 0, 59, 100), version('f0e1d2c', 30, 40, 100)], [...serve('a1b2c3d', 0, 30), ...serve('f0e1d2c', 30, 40), ...serve('a1b2c3d', 40, 60)], []);
    expect(shas.map(at).map((x) => x.slice(0, 2))).toEqual([['a1b2c3d', 40], ['f0e1d2c', 30], ['a1b2c3d', 0]]);
    expect(chooseDeploy(shas, {})!.rollback).toBe(true);
  });

  it('compares a rollback only over its own stint and never reaches back past the previous deploy', () => {
    const rollback = chooseDeploy(events, { version: '1.4.1' })!;
    const w = chooseWindows(rollback.deploy, rollback.previous, T0 + 200 * MIN);
    expect(w.concurrent).toBe(false);
    expect(w.after.fromMs).toBe(T0 + 60 * MIN);
    expect(w.after.toMs).toBeLessThanOrEqual(T0 + 90 * MIN);
    expect(w.before.fromMs).toBeGreaterThanOrEqual(T0 + 30 * MIN);
    expect(w.yesterday).toEqual({ fromMs: w.after.fromMs - 24 * 60 * MIN, toMs: w.after.toMs - 24 * 60 * MIN });
  });

  it('does not take a canary’s old version, still serving beside it, for a rollback', () => {
    const canary = [...serve('1', 0, 60, 18), ...serve('2', 20, 60, 2), ...serve('2', 60, 80, 20)];
    const e = deployEvents([version('1', 0, 59, 100), version('2', 20, 79, 100)], canary, []);
    expect(e.map(at).map((x) => x.slice(0, 2))).toEqual([['2', 20], ['1', 0]]);
  });

  it('rolls back to the old version when a canary is abandoned, from when the canary stopped', () => {
    const aborted = [...serve('1', 0, 60, 18), ...serve('2', 20, 40, 2)];
    const e = deployEvents([version('1', 0, 59, 100), version('2', 20, 39, 100)], aborted, []);
    expect(e.map(at).map((x) => x.slice(0, 2))).toEqual([['1', 40], ['2', 20], ['1', 0]]);
  });

  it('does not flap on sparse traffic where versions interleave by the odd request', () => {
    const sparse: TrafficSlot[] = [...serve('1', 0, 1, 1), ...serve('1', 5, 6, 1), ...serve('2', 30, 31, 1), ...serve('1', 35, 36, 1), ...serve('2', 40, 41, 1)];
    const e = deployEvents([version('1', 0, 35, 3), version('2', 30, 40, 2)], sparse, []);
    expect(e.map((d) => d.version)).toEqual(['2', '1']);
  });
});

describe('deploy events from markers', () => {
  it('merges a marker with the telemetry it announced and keeps a repeated announcement apart', () => {
    const traffic = [...serve('1', 0, 30), ...serve('2', 30, 60), ...serve('1', 60, 70)];
    const marker = (v: string, min: number, commit: string | null) => ({ service: 'shop', environment: 'prod', version: v, commit, timeMs: T0 + min * MIN });
    const e = deployEvents([version('1', 0, 69, 300), version('2', 30, 59, 300)], traffic, [marker('2', 29, 'c0ffee1'), marker('1', 60, 'beef123'), marker('3', 100, null)]);
    expect(e.map((d) => [d.version, (d.firstSeenMs - T0) / MIN, d.source, d.commit])).toEqual([
      ['3', 100, 'marker', null],
      ['1', 60, 'marker', 'beef123'],
      ['2', 29, 'marker', 'c0ffee1'],
      ['1', 0, 'telemetry', null],
    ]);
    expect(e[0]!.spanCount).toBe(0);
  });

  it('lists a marker for a service nothing was heard from, and the telemetry service stays the default', () => {
    const e = deployEvents([version('1', 0, 10, 50)], serve('1', 0, 10), [{ service: 'ghost', environment: 'prod', version: '9', commit: null, timeMs: T0 + 50 * MIN }]);
    expect(e.map((d) => `${d.service} ${d.version}`)).toEqual(['ghost 9', 'shop 1']);
    expect(chooseDeploy(e, {})!.deploy.service).toBe('shop');
  });
});
