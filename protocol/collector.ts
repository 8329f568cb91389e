/**
 * The collector's pull contract: what `GET /v1/pull` answers and how the language server reads it.
 *
 * Body (`Content-Type: application/vnd.prodlens.batches`): zero or more frames, back to back.
 * Each frame is a 21-byte header followed by the payload:
 *
 *   offset 0  u8      kind: 1 = ExportTraceServiceRequest, 2 = ExportLogsServiceRequest
 *   offset 1  u64 BE  sequence number of the batch (the cursor value that names it)
 *   offset 9  u64 BE  time the collector made the batch durable, Unix milliseconds
 *   offset 17 u32 BE  payload length in bytes
 *   offset 21 ...     payload: the protobuf-encoded OTLP request, exactly as spooled
 *
 * Cursors are decimal strings of batch sequence numbers. `cursor=C` asks for the batches after C;
 * no cursor asks for the oldest retained batch onwards. Sequence numbers increase by one per batch.
 */

export const PULL_CONTENT_TYPE = 'application/vnd.prodlens.batches';
export const FRAME_HEADER_BYTES = 21;

export type BatchKind = 'traces' | 'logs';
export const BATCH_KIND_CODE: Readonly<Record<BatchKind, number>> = { traces: 1, logs: 2 };

/** Response headers of `GET /v1/pull`. */
export const PULL_HEADERS = {
  /** The cursor to send next time: the sequence number of the last frame in the body (or the request's cursor when empty). */
  nextCursor: 'x-prodlens-next-cursor',
  /** Present when batches after the requested cursor were already removed by retention: `<firstMissing>-<lastMissing>`. */
  gap: 'x-prodlens-gap',
  /** The sequence number of the oldest batch still retained (absent when the spool is empty). */
  oldestCursor: 'x-prodlens-oldest-cursor',
  /** The sequence number of the newest durable batch, so a puller can say how far behind it is. */
  headCursor: 'x-prodlens-head-cursor',
} as const;

/** Limits on `GET /v1/pull` query parameters. */
export const PULL_LIMITS = { maxBatches: 1000, defaultBatches: 100, maxWaitMs: 30_000 } as const;

/** An explicit deploy announcement, `POST /v1/deploys` body and `GET /v1/deploys` item. */
export interface DeployMarker {
  service: string;
  environment: string;
  version: string;
  commit?: string;
  /** ISO 8601 time of the deploy; the collector fills in the receive time when absent. */
  time: string;
}

/** `GET /v1/deploys` answer. */
export interface DeployMarkerList {
  deploys: DeployMarker[];
}

/** One frame of a pull response. */
export interface PulledBatch {
  kind: BatchKind;
  /** The batch's sequence number; as a decimal string it is the cursor that names it. */
  seq: number;
  /** When the collector made the batch durable, Unix milliseconds. */
  timeMs: number;
  /** The protobuf-encoded ExportTraceServiceRequest or ExportLogsServiceRequest. */
  payload: Uint8Array;
}

/** A pull body that does not follow the framing above. */
export class PullFramingError extends Error {
  override name = 'PullFramingError';
}

/**
 * Splits a pull response body into its frames (payloads are views into `body`, not copies).
 * Throws PullFramingError naming the offset when a frame is cut short or has an unknown kind.
 */
export function decodePullFrames(body: Uint8Array): PulledBatch[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const frames: PulledBatch[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (pos + FRAME_HEADER_BYTES > body.length) throw new PullFramingError(`frame header at byte ${pos} is cut short`);
    const code = view.getUint8(pos);
    const kind: BatchKind | null = code === 1 ? 'traces' : code === 2 ? 'logs' : null;
    if (!kind) throw new PullFramingError(`frame at byte ${pos} has unknown kind ${code}`);
    const seq = Number(view.getBigUint64(pos + 1));
    const timeMs = Number(view.getBigUint64(pos + 9));
    const len = view.getUint32(pos + 17);
    const start = pos + FRAME_HEADER_BYTES;
    if (start + len > body.length) throw new PullFramingError(`frame ${seq} at byte ${pos} claims ${len} payload bytes, only ${body.length - start} remain`);
    frames.push({ kind, seq, timeMs, payload: body.subarray(start, start + len) });
    pos = start + len;
  }
  return frames;
}
