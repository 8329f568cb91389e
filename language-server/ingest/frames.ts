/**
 * Parsing the body of `GET /v1/pull` into frames (framing documented in protocol/collector.ts).
 * The body comes over the network, so every length is checked before it is trusted.
 */
import { BATCH_KIND_CODE, FRAME_HEADER_BYTES, type BatchKind } from '@protocol/collector';

export interface Frame {
  kind: BatchKind;
  /** The batch's sequence number: a bigint, the cursor value that names this batch. */
  seq: bigint;
  /** When the collector made the batch durable, Unix milliseconds. */
  receivedAtMs: number;
  /** The protobuf-encoded OTLP request, a view into the response body. */
  payload: Uint8Array;
}

/** The pull response body does not follow the documented framing. */
export class PullFormatError extends Error {
  override name = 'PullFormatError';
  constructor(
    message: string,
    /** Byte offset in the response body where the problem was found. */
    readonly offset: number,
  ) {
    super(`malformed pull response at byte ${offset}: ${message}`);
  }
}

const KIND_BY_CODE = new Map<number, BatchKind>(
  (Object.entries(BATCH_KIND_CODE) as [BatchKind, number][]).map(([kind, code]) => [code, kind]),
);

/**
 * Splits a pull response body into frames. Sequence numbers must increase strictly, because the
 * cursor committed after a batch is the last frame's sequence number; a body that went backwards
 * would make the puller skip or repeat batches.
 */
export function parseFrames(body: Uint8Array): Frame[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < body.byteLength) {
    if (body.byteLength - offset < FRAME_HEADER_BYTES) {
      throw new PullFormatError(
        `truncated frame header: ${body.byteLength - offset} bytes left, a header needs ${FRAME_HEADER_BYTES}`,
        offset,
      );
    }
    const code = view.getUint8(offset);
    const kind = KIND_BY_CODE.get(code);
    if (kind === undefined) throw new PullFormatError(`unknown batch kind ${code} (expected 1 traces or 2 logs)`, offset);
    const seq = view.getBigUint64(offset + 1);
    const receivedAtMs = Number(view.getBigUint64(offset + 9));
    const length = view.getUint32(offset + 17);
    const start = offset + FRAME_HEADER_BYTES;
    if (body.byteLength - start < length) {
      throw new PullFormatError(
        `truncated payload of batch ${seq}: header says ${length} bytes, ${body.byteLength - start} left`,
        start,
      );
    }
    const previous = frames[frames.length - 1];
    if (previous !== undefined && seq <= previous.seq) {
      throw new PullFormatError(`batch ${seq} follows batch ${previous.seq}; sequence numbers must increase`, offset);
    }
    frames.push({ kind, seq, receivedAtMs, payload: body.subarray(start, start + length) });
    offset = start + length;
  }
  return frames;
}

/** One frame as bytes: the inverse of `parseFrames`, for tools and tests that build pull bodies. */
export function encodeFrame(frame: Frame): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + frame.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, BATCH_KIND_CODE[frame.kind]);
  view.setBigUint64(1, frame.seq);
  view.setBigUint64(9, BigInt(frame.receivedAtMs));
  view.setUint32(17, frame.payload.byteLength);
  out.set(frame.payload, FRAME_HEADER_BYTES);
  return out;
}
