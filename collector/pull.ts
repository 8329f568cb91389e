/**
 * `GET /v1/pull?cursor=C&max=N&wait=MS`: the durable batches after cursor C, framed as
 * protocol/collector.ts documents, long-polling up to `wait` milliseconds when there are none yet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PULL_CONTENT_TYPE, PULL_HEADERS, PULL_LIMITS } from '../protocol/collector';
import { BadRequestError } from './errors';
import type { CollectorMetrics } from './metrics';
import type { Spool } from './spool';

export interface PullContext {
  spool: Spool;
  metrics: CollectorMetrics;
  /** Aborted when the collector shuts down, so long-polls answer at once. */
  closing: AbortSignal;
  /** Upper bound on one response's body; at least one batch is always sent. */
  maxResponseBytes: number;
}

export interface PullQuery {
  cursor: number | undefined;
  max: number;
  waitMs: number;
}

/** Reads and checks the query parameters, naming the one that is wrong. */
export function parsePullQuery(search: URLSearchParams): PullQuery {
  const int = (name: string, fallback: number | undefined, max: number): number | undefined => {
    const raw = search.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d{1,16}$/.test(raw) || Number(raw) > max) {
      throw new BadRequestError(`query parameter ${name} must be a whole number from 0 to ${max}, got "${raw.slice(0, 40)}"`);
    }
    return Number(raw);
  };
  const max = int('max', PULL_LIMITS.defaultBatches, PULL_LIMITS.maxBatches)!;
  if (max === 0) throw new BadRequestError('query parameter max must be at least 1');
  return {
    cursor: int('cursor', undefined, Number.MAX_SAFE_INTEGER),
    max,
    waitMs: int('wait', 0, PULL_LIMITS.maxWaitMs)!,
  };
}

export async function handlePull(ctx: PullContext, req: IncomingMessage, res: ServerResponse, search: URLSearchParams): Promise<void> {
  const query = parsePullQuery(search);
  let result = await ctx.spool.read(query.cursor, query.max, ctx.maxResponseBytes);
  if (result.frames.length === 0 && query.waitMs > 0) {
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    await ctx.spool.waitForNewer(result.next, query.waitMs, AbortSignal.any([gone.signal, ctx.closing]));
    res.off('close', onClose);
    if (gone.signal.aborted) return;
    // Keep the gap found by the first read: the cursor the client sent is the one it concerns.
    const gap = result.gap;
    result = await ctx.spool.read(result.next, query.max, ctx.maxResponseBytes);
    result.gap ??= gap;
  }
  const stats = ctx.spool.stats();
  const headers: Record<string, string> = {
    'content-type': PULL_CONTENT_TYPE,
    'cache-control': 'no-store',
    [PULL_HEADERS.nextCursor]: String(result.next),
    [PULL_HEADERS.headCursor]: String(stats.headSeq),
  };
  if (stats.oldestSeq !== null) headers[PULL_HEADERS.oldestCursor] = String(stats.oldestSeq);
  if (result.gap) headers[PULL_HEADERS.gap] = `${result.gap[0]}-${result.gap[1]}`;
  const length = result.frames.reduce((sum, f) => sum + f.length, 0);
  headers['content-length'] = String(length);
  ctx.metrics.pullRequests++;
  ctx.metrics.pullBatches += result.frames.length;
  ctx.metrics.pullBytes += length;
  res.writeHead(200, headers);
  // Corked, the frames leave in one writev instead of one syscall each.
  res.cork();
  for (const frame of result.frames) res.write(frame);
  res.end();
}
