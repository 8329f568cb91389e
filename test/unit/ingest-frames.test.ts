import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeFrame, parseFrames, PullFormatError, type Frame } from '../../language-server/ingest/frames';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const traces: Frame = { kind: 'traces', seq: 41n, receivedAtMs: 1_700_000_000_123, payload: Uint8Array.of(1, 2, 3) };
const logs: Frame = { kind: 'logs', seq: 42n, receivedAtMs: 1_700_000_000_456, payload: new Uint8Array(0) };

describe('parseFrames', () => {
  it('reads back-to-back frames with their header fields', () => {
    const frames = parseFrames(concat([encodeFrame(traces), encodeFrame(logs)]));
    expect(frames).toEqual([traces, logs]);
  });

  it('reads an empty body as no frames', () => {
    expect(parseFrames(new Uint8Array(0))).toEqual([]);
  });

  it('matches the documented byte layout', () => {
    const body = Uint8Array.of(
      2, // kind: logs
      0, 0, 0, 0, 0, 0, 1, 0, // seq 256
      0, 0, 0, 0, 0, 0, 0, 9, // received at 9 ms
      0, 0, 0, 2, // payload length
      0xaa, 0xbb,
    );
    expect(parseFrames(body)).toEqual([{ kind: 'logs', seq: 256n, receivedAtMs: 9, payload: Uint8Array.of(0xaa, 0xbb) }]);
  });

  it('names the offset of a truncated header', () => {
    const body = concat([encodeFrame(traces), new Uint8Array(5)]);
    expect(() => parseFrames(body)).toThrow(PullFormatError);
    expect(() => parseFrames(body)).toThrow(`malformed pull response at byte 24: truncated frame header: 5 bytes left`);
  });

  it('names the offset of a truncated payload', () => {
    const body = encodeFrame(traces).subarray(0, 22);
    const error = catchError(() => parseFrames(body));
    expect(error).toBeInstanceOf(PullFormatError);
    expect((error as PullFormatError).offset).toBe(21);
    expect((error as PullFormatError).message).toContain('truncated payload of batch 41: header says 3 bytes, 1 left');
  });

  it('rejects an unknown kind', () => {
    const body = encodeFrame(traces);
    body[0] = 7;
    expect(() => parseFrames(body)).toThrow('malformed pull response at byte 0: unknown batch kind 7');
  });

  it('rejects sequence numbers that do not increase', () => {
    const body = concat([encodeFrame(logs), encodeFrame(traces)]);
    expect(() => parseFrames(body)).toThrow('batch 41 follows batch 42');
  });

  it('never throws anything but PullFormatError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          for (const frame of parseFrames(bytes)) expect(['traces', 'logs']).toContain(frame.kind);
        } catch (error) {
          expect(error).toBeInstanceOf(PullFormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
