/**
 * Deploy markers announced to the collector (`GET /v1/deploys`, token required), checked where they
 * enter: the collector is trusted to speak the protocol, not to be right, so each marker is validated
 * and a bad one is reported and skipped rather than stored.
 */
import { z } from 'zod';
import type { DeployMarker } from '@protocol/collector';

const markerSchema = z.object({
  service: z.string().min(1).max(256),
  environment: z.string().max(256),
  version: z.string().min(1).max(256),
  commit: z.string().min(1).max(256).optional(),
  time: z.string().max(64),
});

const listSchema = z.object({ deploys: z.array(z.unknown()).max(100_000) });

/** The collector's deploy list could not be fetched or read. */
export class DeployMarkersError extends Error {
  override name = 'DeployMarkersError';
}

export interface FetchedMarkers {
  markers: DeployMarker[];
  /** One line per marker that failed validation. */
  rejected: string[];
}

export async function fetchDeployMarkers(collectorUrl: string, token: string | undefined, timeoutMs = 10_000): Promise<FetchedMarkers> {
  const url = `${collectorUrl.replace(/\/+$/, '')}/v1/deploys`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new DeployMarkersError(`could not fetch deploy markers from ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DeployMarkersError(`collector answered HTTP ${response.status} for ${url}${response.status === 401 || response.status === 403 ? '; pass the collector token (--token or PRODLENS_TOKEN)' : ''}`);
  }
  const list = listSchema.safeParse(await response.json().catch(() => null));
  if (!list.success) throw new DeployMarkersError(`${url} did not answer {"deploys": [...]}`);
  const markers: DeployMarker[] = [];
  const rejected: string[] = [];
  list.data.deploys.forEach((raw, i) => {
    const m = markerSchema.safeParse(raw);
    if (m.success) markers.push(m.data);
    else rejected.push(`deploy marker ${i} from ${url} skipped: ${m.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  });
  return { markers, rejected };
}
