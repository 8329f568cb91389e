/**
 * Maps every failure an ingest, pull or deploy request can hit to its answer, in one place, for
 * both HTTP and gRPC. Anything not listed is a bug and answers 500 without crashing the process.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { InvalidJsonRequestError } from './json';
import { BadCompressionError, PayloadTooLargeError, UnsupportedEncodingError } from './limits';
import type { RejectReason } from './metrics';
import { AllItemsRejectedError } from './ingest';
import { CursorAheadError, SpoolClosedError, SpoolFullError, SpoolWriteError } from './spool';
import { MalformedRequestError } from './validate';

/** A request the collector refuses for a reason of its own (bad query parameter, bad deploy body…). */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

export interface Refusal {
  httpStatus: number;
  grpcCode: GrpcStatus;
  reason: RejectReason;
  message: string;
  retryAfterSeconds?: number;
}

export function refusalFor(err: unknown): Refusal {
  const message = err instanceof Error ? err.message : String(err);
  const r = (httpStatus: number, grpcCode: GrpcStatus, reason: RejectReason, retryAfterSeconds?: number): Refusal => ({
    httpStatus,
    grpcCode,
    reason,
    message,
    retryAfterSeconds,
  });
  if (err instanceof MalformedRequestError) return r(400, GrpcStatus.INVALID_ARGUMENT, 'malformed');
  if (err instanceof InvalidJsonRequestError) return r(400, GrpcStatus.INVALID_ARGUMENT, 'invalid_json');
  if (err instanceof AllItemsRejectedError) return r(400, GrpcStatus.INVALID_ARGUMENT, 'invalid_items');
  if (err instanceof BadCompressionError) return r(400, GrpcStatus.INVALID_ARGUMENT, 'malformed');
  if (err instanceof BadRequestError) return r(400, GrpcStatus.INVALID_ARGUMENT, 'bad_request');
  if (err instanceof CursorAheadError) return r(409, GrpcStatus.FAILED_PRECONDITION, 'bad_request');
  if (err instanceof PayloadTooLargeError) return r(413, GrpcStatus.RESOURCE_EXHAUSTED, 'too_large');
  if (err instanceof UnsupportedEncodingError) return r(415, GrpcStatus.UNIMPLEMENTED, 'unsupported_encoding');
  // OTLP clients retry 429 and gRPC UNAVAILABLE with backoff, honouring Retry-After.
  if (err instanceof SpoolFullError) return r(429, GrpcStatus.UNAVAILABLE, 'spool_full', err.retryAfterSeconds);
  if (err instanceof SpoolClosedError) return r(503, GrpcStatus.UNAVAILABLE, 'unavailable', 1);
  if (err instanceof SpoolWriteError) return r(503, GrpcStatus.UNAVAILABLE, 'unavailable', 5);
  return { httpStatus: 500, grpcCode: GrpcStatus.INTERNAL, reason: 'unavailable', message: `internal error: ${message}` };
}
