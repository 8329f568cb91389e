/**
 * Deploys as events: a version becoming the serving one of a (service, environment) at a time. A
 * version's first appearance is a deploy (a canary included); a version seen before becomes serving
 * again — a rollback or a re-deploy — when it carries the traffic and the version it replaces has
 * all but stopped. Markers are events of their own; a marker and a telemetry event that follow each
 * other for the same version are one deploy (the marker's time and commit win). Everything here is
 * pure: the store hands in its version totals, per-minute traffic and markers.
 */
import type { DeployRecord } from '../store/types';

/** Entry-span requests of one version in one minute (or hour, once coarsened). */
export interface TrafficSlot {
  service: string;
  environment: string;
  version: string;
  minute: number;
  requests: number;
}

export interface MarkerEvent {
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  timeMs: number;
}

/** Active minutes looked back over to decide who serves now. */
export const TAKEOVER_WINDOW = 5;
/** Requests a returning version needs within the window (reference §2.3: at least 5 spans). */
export const TAKEOVER_MIN_REQUESTS = 5;
/** The replaced version must be below this share of the returning one within the window. */
export const TAKEOVER_MAX_RESIDUAL = 0.05;
/** Active minutes without a version after which its next traffic starts a new run. */
export const RUN_GAP = 10;

const MIN_MS = 60_000;

/**
 * Deploy events, newest first. `versions` are the store's per-version totals (first and last span,
 * commit, spans); each event keeps that shape with the stint's own first seen, last seen and spans.
 */
export function deployEvents(versions: readonly DeployRecord[], traffic: readonly TrafficSlot[], markers: readonly MarkerEvent[]): DeployRecord[] {
  const groups = new Map<string, { versions: DeployRecord[]; traffic: TrafficSlot[]; markers: MarkerEvent[] }>();
  const group = (service: string, environment: string) => {
    const k = `${service}\u0000${environment}`;
    return groups.get(k) ?? groups.set(k, { versions: [], traffic: [], markers: [] }).get(k)!;
  };
  for (const v of versions) if (v.spanCount > 0) group(v.service, v.environment).versions.push(v);
  for (const t of traffic) group(t.service, t.environment).traffic.push(t);
  for (const m of markers) group(m.service, m.environment).markers.push(m);
  const out: DeployRecord[] = [];
  for (const g of groups.values()) out.push(...groupEvents(g.versions, g.traffic, g.markers));
  return out.sort((a, b) => b.firstSeenMs - a.firstSeenMs || a.version.localeCompare(b.version));
}

interface Start {
  version: string;
  atMs: number;
}

function groupEvents(versions: readonly DeployRecord[], traffic: readonly TrafficSlot[], markers: readonly MarkerEvent[]): DeployRecord[] {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const starts = telemetryStarts(versions, traffic);
  const telemetry = [...byVersion.values()].flatMap((v) => stints(starts.filter((s) => s.version === v.version).sort((a, b) => a.atMs - b.atMs), v, traffic));
  const marked: DeployRecord[] = markers.map((m) => ({
    service: m.service,
    environment: m.environment,
    version: m.version,
    commit: m.commit,
    firstSeenMs: m.timeMs,
    lastSeenMs: m.timeMs,
    spanCount: 0,
    source: 'marker',
  }));
  return mergeConsecutive([...telemetry, ...marked].sort((a, b) => a.firstSeenMs - b.firstSeenMs || (a.source === 'marker' ? -1 : 1)));
}

/** When each version started serving: first appearances, then returns detected minute by minute. */
function telemetryStarts(versions: readonly DeployRecord[], traffic: readonly TrafficSlot[]): Start[] {
  const firsts = [...versions].sort((a, b) => a.firstSeenMs - b.firstSeenMs).map((v) => ({ version: v.version, atMs: v.firstSeenMs }));
  const firstSeen = new Map(firsts.map((f) => [f.version, f.atMs]));
  const minutes = perMinute(traffic);
  const starts: Start[] = [];
  let next = 0;
  let serving: Start | null = null;
  const recent: Array<[number, Map<string, number>]> = [];
  const runStart = new Map<string, number>();
  const lastActive = new Map<string, number>();

  minutes.forEach(([minute, counts], i) => {
    while (next < firsts.length && firsts[next]!.atMs < (minute + 1) * MIN_MS) {
      serving = firsts[next++]!;
      starts.push(serving);
    }
    for (const v of counts.keys()) {
      if ((lastActive.get(v) ?? -Infinity) < i - RUN_GAP) runStart.set(v, minute);
      lastActive.set(v, i);
    }
    recent.push([minute, counts]);
    if (recent.length > TAKEOVER_WINDOW) recent.shift();
    const current: Start | null = serving;
    // Only minutes since the serving version started count: before it, the old version served.
    if (current === null || recent.length < TAKEOVER_WINDOW || recent[0]![0] * MIN_MS < Math.floor(current.atMs / MIN_MS) * MIN_MS) return;
    const back = returningVersion(recent.map((r) => r[1]), current.version);
    if (back === null || (firstSeen.get(back) ?? Infinity) >= minute * MIN_MS) return;
    serving = { version: back, atMs: returnedAt(recent, current, runStart.get(back)! * MIN_MS) };
    starts.push(serving);
  });
  while (next < firsts.length) starts.push(firsts[next++]!);
  return starts;
}

/**
 * When a returning version started serving: a version that came back after a pause, when it came
 * back; one that never went away (an abandoned canary's predecessor), from the minute after its
 * replacement was last heard from.
 */
function returnedAt(recent: ReadonlyArray<[number, Map<string, number>]>, replaced: Start, runStartMs: number): number {
  if (runStartMs > replaced.atMs) return runStartMs;
  let lastHeard = -1;
  recent.forEach(([, c], k) => {
    if ((c.get(replaced.version) ?? 0) > 0) lastHeard = k;
  });
  return (recent[lastHeard + 1] ?? recent[0]!)[0] * MIN_MS;
}

function perMinute(traffic: readonly TrafficSlot[]): Array<[number, Map<string, number>]> {
  const m = new Map<number, Map<string, number>>();
  for (const t of traffic) {
    const counts = m.get(t.minute) ?? m.set(t.minute, new Map()).get(t.minute)!;
    counts.set(t.version, (counts.get(t.version) ?? 0) + t.requests);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

/** The version that carries the recent traffic while the serving one has (nearly) none, if any. */
function returningVersion(recent: ReadonlyArray<Map<string, number>>, serving: string): string | null {
  const sums = new Map<string, number>();
  for (const counts of recent) for (const [v, n] of counts) sums.set(v, (sums.get(v) ?? 0) + n);
  let best: string | null = null;
  for (const [v, n] of sums) if (best === null || n > sums.get(best)!) best = v;
  if (best === null || best === serving) return null;
  const n = sums.get(best)!;
  const residual = sums.get(serving) ?? 0;
  return n >= TAKEOVER_MIN_REQUESTS && residual < TAKEOVER_MAX_RESIDUAL * n ? best : null;
}

/**
 * A version's stints as records: each from its start to its last traffic before the version's next
 * start. Spans are the version's total shared out by entry-span traffic per stint (the last stint
 * takes the rounding remainder), so a version deployed once keeps its exact totals.
 */
function stints(own: readonly Start[], total: DeployRecord, traffic: readonly TrafficSlot[]): DeployRecord[] {
  const base = (s: Start): DeployRecord => ({ ...total, firstSeenMs: s.atMs, source: 'telemetry' });
  if (own.length === 1) return [base(own[0]!)];
  const slots = traffic.filter((t) => t.version === total.version);
  const all = slots.reduce((n, t) => n + t.requests, 0);
  let given = 0;
  return own.map((s, k) => {
    const end = own[k + 1]?.atMs ?? Infinity;
    const from = Math.floor(s.atMs / MIN_MS);
    const inStint = slots.filter((t) => t.minute >= from && t.minute * MIN_MS < end);
    if (end === Infinity) return { ...base(s), spanCount: Math.max(0, total.spanCount - given) };
    const mine = inStint.reduce((n, t) => n + t.requests, 0);
    const spans = all > 0 ? Math.round((total.spanCount * mine) / all) : 0;
    given += spans;
    const last = inStint.reduce((m, t) => Math.max(m, t.minute), -Infinity);
    return { ...base(s), lastSeenMs: last === -Infinity ? s.atMs : Math.min(total.lastSeenMs, last * MIN_MS + MIN_MS - 1), spanCount: spans };
  });
}

/** Consecutive events of one version are one deploy: a marker and the telemetry it announced. */
function mergeConsecutive(events: readonly DeployRecord[]): DeployRecord[] {
  const out: DeployRecord[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (!prev || prev.version !== e.version) {
      out.push({ ...e });
      continue;
    }
    const marker = e.source === 'marker' ? e : prev.source === 'marker' ? prev : null;
    out[out.length - 1] = {
      ...prev,
      commit: marker?.commit ?? prev.commit ?? e.commit,
      firstSeenMs: Math.min(prev.firstSeenMs, e.firstSeenMs),
      lastSeenMs: Math.max(prev.lastSeenMs, e.lastSeenMs),
      spanCount: prev.spanCount + e.spanCount,
      source: marker ? 'marker' : prev.source,
    };
  }
  return out;
}
