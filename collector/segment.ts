/**
 * One spool segment file: the on-disk record format and the recovery scan run when a spool opens.
 *
 * A segment `segment-<first seq, 20 digits>.log` is a run of records, each
 *
 *   u32 BE   CRC-32 of the next 21 + N bytes
 *   21 bytes the pull frame header of protocol/collector.ts (kind, seq, time, payload length N)
 *   N bytes  the OTLP protobuf payload
 *
 * so that serving a pull is copying the bytes after each record's checksum. A crash can leave the
 * last record half-written; the scan stops at the first record whose length, sequence number or
 * checksum does not hold, and everything from there on is cut off before the spool serves anything.
 */
import { crc32 } from 'node:zlib';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BATCH_KIND_CODE, FRAME_HEADER_BYTES, type BatchKind } from '../protocol/collector';

export const CHECKSUM_BYTES = 4;
export const RECORD_OVERHEAD = CHECKSUM_BYTES + FRAME_HEADER_BYTES;

const NAME = /^segment-(\d{20})\.log$/;

export function segmentFileName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(20, '0')}.log`;
}

/** Lists the segment files of `dir` as [first seq, path], oldest first. */
export async function listSegments(dir: string): Promise<Array<{ firstSeq: number; file: string }>> {
  const names = await fs.readdir(dir);
  return names
    .map((name) => ({ m: NAME.exec(name), name }))
    .filter((x): x is { m: RegExpExecArray; name: string } => x.m !== null)
    .map(({ m, name }) => ({ firstSeq: Number(m[1]), file: path.join(dir, name) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Writes one record into `target` at `offset` and returns the offset just past it. */
export function writeRecord(target: Buffer, offset: number, kind: BatchKind, seq: number, timeMs: number, payload: Uint8Array): number {
  target.writeUInt8(BATCH_KIND_CODE[kind], offset + 4);
  target.writeBigUInt64BE(BigInt(seq), offset + 5);
  target.writeBigUInt64BE(BigInt(timeMs), offset + 13);
  target.writeUInt32BE(payload.length, offset + 21);
  target.set(payload, offset + RECORD_OVERHEAD);
  const end = offset + RECORD_OVERHEAD + payload.length;
  target.writeUInt32BE(crc32(target.subarray(offset + CHECKSUM_BYTES, end)), offset);
  return end;
}

/** What a scan of one segment found intact. */
export interface ScannedSegment {
  /** Byte offset of each intact record, in sequence order starting at the segment's first seq. */
  offsets: number[];
  /** Bytes of intact records; everything after this was torn or corrupt. */
  validBytes: number;
  /** Bytes found after the last intact record. */
  discardedBytes: number;
  firstTimeMs: number;
  lastTimeMs: number;
}

/**
 * Checks `bytes` record by record, expecting sequence numbers from `firstSeq` on, and returns the
 * intact prefix. It never throws on content: damage only shortens the prefix.
 */
export function scanSegment(bytes: Buffer, firstSeq: number): ScannedSegment {
  const offsets: number[] = [];
  let pos = 0;
  let firstTimeMs = 0;
  let lastTimeMs = 0;
  while (pos + RECORD_OVERHEAD <= bytes.length) {
    const kind = bytes[pos + 4];
    const seq = Number(bytes.readBigUInt64BE(pos + 5));
    const timeMs = Number(bytes.readBigUInt64BE(pos + 13));
    const len = bytes.readUInt32BE(pos + 21);
    const end = pos + RECORD_OVERHEAD + len;
    if ((kind !== 1 && kind !== 2) || seq !== firstSeq + offsets.length || end > bytes.length) break;
    if (crc32(bytes.subarray(pos + CHECKSUM_BYTES, end)) !== bytes.readUInt32BE(pos)) break;
    if (offsets.length === 0) firstTimeMs = timeMs;
    lastTimeMs = timeMs;
    offsets.push(pos);
    pos = end;
  }
  return { offsets, validBytes: pos, discardedBytes: bytes.length - pos, firstTimeMs, lastTimeMs };
}

/** True when the record at `offset` of `bytes` (a copy read back from disk) still checks out. */
export function recordIntact(bytes: Buffer, offset: number, end: number): boolean {
  return crc32(bytes.subarray(offset + CHECKSUM_BYTES, end)) === bytes.readUInt32BE(offset);
}

/** Makes a created or removed directory entry durable, so a new segment survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
