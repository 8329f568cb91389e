/**
 * Picking the deploy to explain and the one before it from the store's deploy history. Deploys are
 * events ordered by when they started, never by version string: a version that sorts lower than its
 * predecessor is a rollback, a version deployed again is a re-deploy, and both are deploys like any
 * other. A repeated version is addressed as `1.4.1` (its latest deploy), `1.4.1@2` (its second) or
 * `1.4.1@2026-11-21T10:00:00Z` (the one serving at that time).
 */
import type { DeployInfo } from '@protocol/model';
import type { DeployRecord } from '../store/types';

/** The requested deploy does not exist; the message lists what does. */
export class DeployNotFoundError extends Error {
  override name = 'DeployNotFoundError';
}

export interface DeployChoice {
  deploy: DeployRecord;
  previous: DeployRecord | null;
  /** The version went back to older code: a lower version number, or one first deployed earlier. */
  rollback: boolean;
  /** 1 for a version's first deploy, 2 for its second, …. */
  occurrence: number;
}

export interface DeployQuery {
  service?: string;
  environment?: string;
  version?: string;
}

/**
 * `all` is the store's list (newest first). Without a version, the newest deploy of a service that
 * sent telemetry wins over a marker announcing a service nothing was heard from.
 */
export function chooseDeploy(all: readonly DeployRecord[], q: DeployQuery): DeployChoice | null {
  const scoped = all.filter((d) => (q.service === undefined || d.service === q.service) && (q.environment === undefined || d.environment === q.environment));
  if (scoped.length === 0) {
    if (q.service === undefined && q.environment === undefined) return null;
    throw new DeployNotFoundError(`no deploys recorded for ${describe(q)}; known: ${known(all) || 'none'}`);
  }
  let deploy: DeployRecord | undefined;
  if (q.version !== undefined) {
    deploy = findVersion(scoped, q.version);
    if (!deploy) {
      const versions = [...new Set(scoped.map((d) => d.version))].slice(0, 10).join(', ');
      throw new DeployNotFoundError(
        `no deploy of version "${q.version}" for ${describe(q)}; known versions: ${versions} (a repeated version: V for its latest deploy, V@2 for its second, V@<ISO time> for the one serving then)`,
      );
    }
  } else {
    const heard = new Set(all.filter((d) => d.spanCount > 0).map((d) => d.service));
    deploy = scoped.find((d) => heard.has(d.service)) ?? scoped[0]!;
  }
  const previous = previousOf(scoped, deploy);
  return { deploy, previous, rollback: isRollback(scoped, deploy, previous), occurrence: occurrenceOf(scoped, deploy) };
}

/** `V`, `V@N` or `V@<ISO time>` among deploys listed newest first; an exact version match wins. */
function findVersion(scoped: readonly DeployRecord[], address: string): DeployRecord | undefined {
  const exact = scoped.find((d) => d.version === address);
  if (exact) return exact;
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const version = address.slice(0, at);
  const which = address.slice(at + 1);
  const oldestFirst = scoped.filter((d) => d.version === version).reverse();
  if (/^\d{1,6}$/.test(which)) return oldestFirst[Number(which) - 1];
  const timeMs = /^\d{4}-\d{2}-\d{2}T/.test(which) ? Date.parse(which) : NaN;
  if (!Number.isFinite(timeMs)) return undefined;
  return oldestFirst.filter((d) => d.firstSeenMs <= timeMs).pop();
}

/** How a deploy is addressed: its version alone when it is the version's latest deploy. */
export function deployAddress(all: readonly DeployRecord[], d: DeployRecord): string {
  const same = all.filter((x) => x.service === d.service && x.environment === d.environment && x.version === d.version);
  return same[0] === d ? d.version : `${d.version}@${occurrenceOf(all, d)}`;
}

export function occurrenceOf(all: readonly DeployRecord[], d: DeployRecord): number {
  return all.filter((x) => x.service === d.service && x.environment === d.environment && x.version === d.version && x.firstSeenMs <= d.firstSeenMs).length;
}

/**
 * Datadog's rule, generalised to versions without an order: a rollback goes to a lower version
 * number, or (for SHAs and build ids) to a version first deployed before the one it replaces.
 */
function isRollback(all: readonly DeployRecord[], d: DeployRecord, previous: DeployRecord | null): boolean {
  if (!previous) return false;
  const order = compareVersions(d.version, previous.version);
  if (order !== 0) return order < 0;
  const first = (v: string) => Math.min(...all.filter((x) => x.service === d.service && x.environment === d.environment && x.version === v).map((x) => x.firstSeenMs));
  return first(d.version) < first(previous.version);
}

/** The deploy of the same service and environment that started just before `d`. */
export function previousOf(all: readonly DeployRecord[], d: DeployRecord): DeployRecord | null {
  let best: DeployRecord | null = null;
  for (const x of all) {
    if (x.service !== d.service || x.environment !== d.environment || x.version === d.version) continue;
    if (x.firstSeenMs >= d.firstSeenMs) continue;
    if (!best || x.firstSeenMs > best.firstSeenMs) best = x;
  }
  return best;
}

/**
 * Orders dotted versions numerically part by part (`1.10.0` after `1.9.3`); anything else (SHAs,
 * build ids) compares equal, so no rollback is claimed from strings that carry no order.
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => (/^v?\d+(\.\d+)*$/.test(v) ? v.replace(/^v/, '').split('.').map(Number) : null);
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return 0;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `all` is the list `d` comes from, for its occurrence and whether it rolled back. */
export function toDeployInfo(d: DeployRecord, all: readonly DeployRecord[] = [d]): DeployInfo {
  const scoped = all.filter((x) => x.service === d.service && x.environment === d.environment);
  return {
    service: d.service,
    environment: d.environment,
    version: d.version,
    commit: d.commit,
    firstSeen: new Date(d.firstSeenMs).toISOString(),
    lastSeen: new Date(d.lastSeenMs).toISOString(),
    source: d.source,
    spans: d.spanCount,
    occurrence: occurrenceOf(scoped, d),
    rollback: isRollback(scoped, d, previousOf(scoped, d)),
    address: deployAddress(scoped, d),
  };
}

function describe(q: DeployQuery): string {
  const parts = [q.service === undefined ? 'any service' : `service "${q.service}"`];
  if (q.environment !== undefined) parts.push(`environment "${q.environment}"`);
  return parts.join(', ');
}

function known(all: readonly DeployRecord[]): string {
  return [...new Set(all.map((d) => (d.environment ? `${d.service} (${d.environment})` : d.service)))].slice(0, 10).join(', ');
}
