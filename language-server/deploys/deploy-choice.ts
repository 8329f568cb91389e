/**
 * Picking the deploy to explain and the one before it from the store's deploy history. Deploys are
 * ordered by when they were first seen, never by version string: a version that sorts lower than
 * its predecessor is a rollback, and a rollback is a deploy like any other.
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
  /** The version number went down: this deploy rolled back to older code. */
  rollback: boolean;
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
    deploy = scoped.find((d) => d.version === q.version);
    if (!deploy) {
      const versions = [...new Set(scoped.map((d) => d.version))].slice(0, 10).join(', ');
      throw new DeployNotFoundError(`no deploy of version "${q.version}" for ${describe(q)}; known versions: ${versions}`);
    }
  } else {
    const heard = new Set(all.filter((d) => d.spanCount > 0).map((d) => d.service));
    deploy = scoped.find((d) => heard.has(d.service)) ?? scoped[0]!;
  }
  const previous = previousOf(scoped, deploy);
  return { deploy, previous, rollback: previous !== null && compareVersions(deploy.version, previous.version) < 0 };
}

/** The deploy of the same service and environment first seen just before `d`. */
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

export function toDeployInfo(d: DeployRecord): DeployInfo {
  return {
    service: d.service,
    environment: d.environment,
    version: d.version,
    commit: d.commit,
    firstSeen: new Date(d.firstSeenMs).toISOString(),
    lastSeen: new Date(d.lastSeenMs).toISOString(),
    source: d.source,
    spans: d.spanCount,
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
