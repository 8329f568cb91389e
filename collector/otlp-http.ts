/**
 * OTLP/HTTP export: `POST /v1/traces` and `POST /v1/logs`, protobuf or JSON, optionally gzip,
 * answered as the OTLP/HTTP spec says (the matching Export*ServiceResponse, with partial_success
 * when items were rejected; a google.rpc.Status on failure, in the request's own encoding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writer } from 'protobufjs/minimal';
import { refusalFor, type Refusal } from './errors';
import { ingest, type IngestContext, type IngestOutcome } from './ingest';
import { otlpJsonToProtobuf } from './json';
import { readBody, type BodyLimits } from './limits';
import { otlp } from './otlp-root';
import type { Signal } from './validate';

export type BodyFormat = 'protobuf' | 'json' | 'text';

export interface ExportContext extends IngestContext {
  bodyLimits: BodyLimits;
}

/** The request's media type as the OTLP/HTTP spec names them, or null when unsupported. */
export function requestFormat(req: IncomingMessage): 'protobuf' | 'json' | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

export async function handleExport(ctx: ExportContext, signal: Signal, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const format = requestFormat(req);
  if (!format) {
    const got = req.headers['content-type'] ?? 'none';
    sendRefusal(res, { httpStatus: 415, grpcCode: 3, reason: 'unsupported_media_type', message: `Content-Type "${got}" is not supported; send application/x-protobuf or application/json` }, 'text');
    ctx.metrics.noteRejected('unsupported_media_type');
    req.resume();
    return;
  }
  try {
    const body = await readBody(req, ctx.bodyLimits);
    const protobuf = format === 'json' ? otlpJsonToProtobuf(signal, body) : body;
    const outcome = await ingest(ctx, signal, format === 'json' ? 'http-json' : 'http-protobuf', protobuf);
    sendExportResponse(res, signal, format, outcome);
  } catch (err) {
    const refusal = refusalFor(err);
    ctx.metrics.noteRejected(refusal.reason);
    sendRefusal(res, refusal, format);
    // Let the rest of an oversized upload drain so the client can read the answer.
    req.resume();
  }
}

function sendExportResponse(res: ServerResponse, signal: Signal, format: 'protobuf' | 'json', outcome: IngestOutcome): void {
  const partial =
    outcome.rejected > 0
      ? signal === 'traces'
        ? { rejectedSpans: outcome.rejected, errorMessage: outcome.errorMessage }
        : { rejectedLogRecords: outcome.rejected, errorMessage: outcome.errorMessage }
      : undefined;
  if (format === 'json') {
    send(res, 200, 'application/json', JSON.stringify(partial ? { partialSuccess: partial } : {}));
    return;
  }
  const type = signal === 'traces' ? otlp.traceResponse : otlp.logsResponse;
  const message = type.fromObject(partial ? { partialSuccess: partial } : {});
  send(res, 200, 'application/x-protobuf', Buffer.from(type.encode(message).finish()));
}

/** Answers a refusal as google.rpc.Status (protobuf or JSON) or plain text. */
export function sendRefusal(res: ServerResponse, refusal: Refusal, format: BodyFormat): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (refusal.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(refusal.retryAfterSeconds));
  if (refusal.httpStatus === 413) res.setHeader('connection', 'close');
  if (format === 'protobuf') {
    send(res, refusal.httpStatus, 'application/x-protobuf', encodeStatus(refusal.grpcCode, refusal.message));
  } else if (format === 'json') {
    send(res, refusal.httpStatus, 'application/json', JSON.stringify({ code: refusal.grpcCode, message: refusal.message }));
  } else {
    send(res, refusal.httpStatus, 'text/plain; charset=utf-8', refusal.message + '\n');
  }
}

/** google.rpc.Status { int32 code = 1; string message = 2; }, which OTLP/HTTP uses for errors. */
export function encodeStatus(code: number, message: string): Buffer {
  return Buffer.from(Writer.create().uint32(8).int32(code).uint32(18).string(message).finish());
}

export function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
