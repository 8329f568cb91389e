/**
 * What an export request does, whatever it arrived over (OTLP/HTTP protobuf or JSON, OTLP/gRPC):
 * validate the protobuf, drop or trim what must go, make the batch durable, and say what was kept.
 */
import type { CollectorMetrics, Transport } from './metrics';
import { rewriteRequest } from './rewrite';
import type { Spool } from './spool';
import { validateOtlp, type AttributeLimits, type Rejection, type Signal } from './validate';

export interface IngestContext {
  spool: Spool;
  metrics: CollectorMetrics;
  attributeLimits: AttributeLimits;
}

/** Every span (or log record) of a non-empty request was invalid: answered 400 with the reasons. */
export class AllItemsRejectedError extends Error {
  override name = 'AllItemsRejectedError';
}

export interface IngestOutcome {
  accepted: number;
  rejected: number;
  /** Empty when nothing was rejected; otherwise says which items and why. */
  errorMessage: string;
}

const ITEM: Record<Signal, string> = { traces: 'span', logs: 'log record' };

/** Validates and spools one export request given as protobuf bytes. */
export async function ingest(ctx: IngestContext, signal: Signal, transport: Transport, body: Buffer): Promise<IngestOutcome> {
  const result = validateOtlp(signal, body, ctx.attributeLimits);
  const rejected = result.rejected.length;
  const errorMessage = rejected > 0 ? describeRejections(signal, result.rejected, result.items) : '';
  if (result.items > 0 && rejected === result.items) {
    throw new AllItemsRejectedError(`every ${ITEM[signal]} in the request was rejected: ${errorMessage}`);
  }
  let payload = body;
  if (rejected > 0 || result.overLimits > 0) {
    payload = rewriteRequest(signal, body, new Set(result.rejected.map((r) => r.index)), ctx.attributeLimits);
    ctx.metrics.rejectedItems += rejected;
    ctx.metrics.overLimitAttributes += result.overLimits;
  }
  const accepted = result.items - rejected;
  // A request with no spans carries nothing to pull; acknowledging it without a record is honest.
  if (accepted > 0) {
    await ctx.spool.append(signal, payload);
    ctx.metrics.noteReceived(signal, transport, accepted, payload.length);
  }
  return { accepted, rejected, errorMessage };
}

function describeRejections(signal: Signal, rejections: Rejection[], total: number): string {
  const shown = rejections.slice(0, 5).map((r) => `${ITEM[signal]} #${r.index}${r.spanId ? ` (span id ${r.spanId})` : ''}: ${r.reason}`);
  const more = rejections.length > shown.length ? `; and ${rejections.length - shown.length} more` : '';
  return `${rejections.length} of ${total} ${ITEM[signal]}s rejected: ${shown.join('; ')}${more}`;
}
