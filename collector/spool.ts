/**
 * The durable spool: an append-only log of OTLP batches in segment files (segment.ts).
 *
 * `append` resolves only once the batch is on disk. Appends that arrive while a write is in
 * flight are written together by the next one and share its fsync (group commit), so many
 * concurrent requests cost one fsync, not one each. Readers only ever see records whose fsync has
 * completed. Whole old segments are removed by age, and by size only once a puller has read past
 * them; when the spool is full of unread batches, `append` refuses with SpoolFullError rather than
 * dropping anything it has accepted.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { BatchKind } from '../protocol/collector';
import {
  CHECKSUM_BYTES,
  RECORD_OVERHEAD,
  listSegments,
  recordIntact,
  scanSegment,
  segmentFileName,
  syncDirectory,
  writeRecord,
} from './segment';

export interface SpoolOptions {
  dir: string;
  /** A segment is closed and a new one started once it reaches this size. */
  segmentBytes?: number;
  /** Hard cap on spooled bytes; beyond it appends fail with SpoolFullError. */
  maxBytes?: number;
  /** Segments whose newest batch is older than this are removed. */
  retentionMs?: number;
  /** fsync each group commit (the default). Off only for experiments: acknowledged data may be lost. */
  fsync?: boolean;
  log?: (message: string) => void;
}

export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
  constructor(readonly retryAfterSeconds: number, spooledBytes: number, maxBytes: number) {
    super(`the spool holds ${spooledBytes} of its ${maxBytes} bytes in batches no puller has read yet; retry after ${retryAfterSeconds}s`);
  }
}
export class SpoolClosedError extends Error {
  override name = 'SpoolClosedError';
  override message = 'the collector is shutting down and accepts no more batches; retry against its successor';
}
export class SpoolWriteError extends Error {
  override name = 'SpoolWriteError';
}
export class SpoolLockedError extends Error {
  override name = 'SpoolLockedError';
}
export class CursorAheadError extends Error {
  override name = 'CursorAheadError';
  constructor(readonly cursor: number, readonly head: number) {
    super(`cursor ${cursor} is ahead of the newest batch ${head}: this spool was reset or belongs to another collector; pull again without a cursor`);
  }
}

interface Segment {
  firstSeq: number;
  file: string;
  /** Offsets of durable records. */
  offsets: number[];
  /** Durable bytes. */
  size: number;
  lastTimeMs: number;
}

interface Pending {
  kind: BatchKind;
  payload: Uint8Array;
  resolve: (value: Appended) => void;
  reject: (err: Error) => void;
}

export interface Appended {
  seq: number;
  timeMs: number;
}

export interface ReadResult {
  /** Pull frames (protocol/collector.ts), oldest first. */
  frames: Buffer[];
  /** The cursor to ask with next time. */
  next: number;
  /** Sequence numbers after the cursor that retention already removed, inclusive. */
  gap: [number, number] | null;
}

export interface SpoolStats {
  bytes: number;
  segments: number;
  oldestSeq: number | null;
  headSeq: number;
  consumedSeq: number;
  groupCommits: number;
  corruptRecords: number;
}

const DEFAULTS = { segmentBytes: 64 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024, retentionMs: 7 * 86_400_000 };
const LOCK = 'LOCK';

export class Spool {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private flushing: Promise<void> | null = null;
  private waiters = new Set<() => void>();
  private closed = false;
  private consumedSeq = 0;
  private groupCommits = 0;
  private corruptRecords = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly opts: Required<Omit<SpoolOptions, 'log'>> & Pick<SpoolOptions, 'log'>,
    private segments: Segment[],
    private active: FileHandle,
    private headSeq: number,
    private bytes: number,
  ) {
    this.timer = setInterval(() => void this.expire().catch((err) => this.log(`retention failed: ${String(err)}`)), Math.min(60_000, Math.max(1000, opts.retentionMs / 10)));
    this.timer.unref();
  }

  /** Opens (or creates) the spool in `options.dir`, cutting off any torn or corrupt tail first. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const opts = { ...DEFAULTS, fsync: true, ...options };
    await fs.mkdir(opts.dir, { recursive: true });
    await takeLock(opts.dir);
    const segments: Segment[] = [];
    const found = await listSegments(opts.dir);
    for (const [i, { firstSeq, file }] of found.entries()) {
      const scanned = scanSegment(await fs.readFile(file), firstSeq);
      if (scanned.discardedBytes > 0) {
        opts.log?.(`spool: ${path.basename(file)} had ${scanned.discardedBytes} torn or corrupt bytes after record ${firstSeq + scanned.offsets.length - 1}; cut them off`);
        await fs.truncate(file, scanned.validBytes);
      }
      if (scanned.offsets.length === 0 && i < found.length - 1) {
        await fs.unlink(file);
        continue;
      }
      segments.push({ firstSeq, file, offsets: scanned.offsets, size: scanned.validBytes, lastTimeMs: scanned.lastTimeMs });
    }
    if (segments.length === 0) {
      const file = path.join(opts.dir, segmentFileName(1));
      segments.push({ firstSeq: 1, file, offsets: [], size: 0, lastTimeMs: 0 });
    }
    const last = segments[segments.length - 1]!;
    const active = await fs.open(last.file, 'a');
    await syncDirectory(opts.dir);
    const bytes = segments.reduce((sum, s) => sum + s.size, 0);
    return new Spool(opts, segments, active, last.firstSeq + last.offsets.length - 1, bytes);
  }

  /** Appends one batch; resolves once it is durable, with its sequence number. */
  async append(kind: BatchKind, payload: Uint8Array): Promise<Appended> {
    if (this.closed) throw new SpoolClosedError();
    const need = RECORD_OVERHEAD + payload.length;
    if (this.bytes + this.pendingBytes + need > this.opts.maxBytes) {
      await this.reclaim(need);
      if (this.bytes + this.pendingBytes + need > this.opts.maxBytes) {
        throw new SpoolFullError(5, this.bytes + this.pendingBytes, this.opts.maxBytes);
      }
    }
    if (this.closed) throw new SpoolClosedError();
    return new Promise<Appended>((resolve, reject) => {
      this.pending.push({ kind, payload, resolve, reject });
      this.pendingBytes += need;
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      await this.writeGroup(group);
    }
    this.flushing = null;
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    const groupBytes = group.reduce((sum, p) => sum + RECORD_OVERHEAD + p.payload.length, 0);
    try {
      let segment = this.segments[this.segments.length - 1]!;
      if (segment.size >= this.opts.segmentBytes && segment.offsets.length > 0) segment = await this.roll();
      const timeMs = Date.now();
      const buf = Buffer.allocUnsafe(groupBytes);
      const offsets: number[] = [];
      let at = 0;
      group.forEach((p, i) => {
        offsets.push(segment.size + at);
        at = writeRecord(buf, at, p.kind, this.headSeq + 1 + i, timeMs, p.payload);
      });
      await this.writeDurably(segment, buf);
      segment.offsets.push(...offsets);
      segment.size += buf.length;
      segment.lastTimeMs = timeMs;
      this.bytes += buf.length;
      const first = this.headSeq + 1;
      this.headSeq += group.length;
      this.groupCommits++;
      group.forEach((p, i) => p.resolve({ seq: first + i, timeMs }));
      for (const wake of this.waiters) wake();
    } catch (err) {
      const error = new SpoolWriteError(`could not make ${group.length} batch(es) durable: ${err instanceof Error ? err.message : String(err)}`);
      this.log(error.message);
      for (const p of group) p.reject(error);
    } finally {
      this.pendingBytes -= groupBytes;
    }
  }

  private async writeDurably(segment: Segment, buf: Buffer): Promise<void> {
    try {
      let written = 0;
      while (written < buf.length) {
        const { bytesWritten } = await this.active.write(buf, written, buf.length - written, null);
        written += bytesWritten;
      }
      if (this.opts.fsync) await this.active.datasync();
    } catch (err) {
      // Leave no half-written record behind for the next group to follow.
      await this.active.truncate(segment.size).catch(() => undefined);
      throw err;
    }
  }

  private async roll(): Promise<Segment> {
    const segment: Segment = { firstSeq: this.headSeq + 1, file: path.join(this.opts.dir, segmentFileName(this.headSeq + 1)), offsets: [], size: 0, lastTimeMs: 0 };
    const next = await fs.open(segment.file, 'a');
    await syncDirectory(this.opts.dir);
    await this.active.close();
    this.active = next;
    this.segments.push(segment);
    return segment;
  }

  /** Reads up to `maxBatches` durable batches after `cursor` (from the oldest when undefined). */
  async read(cursor: number | undefined, maxBatches: number, maxBytes: number): Promise<ReadResult> {
    if (cursor !== undefined && cursor > this.headSeq) throw new CursorAheadError(cursor, this.headSeq);
    if (cursor !== undefined && cursor > this.consumedSeq) this.consumedSeq = Math.min(cursor, this.headSeq);
    for (;;) {
      try {
        return await this.readOnce(cursor, maxBatches, maxBytes);
      } catch (err) {
        // Retention removed a segment between planning the read and opening it; plan again.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  private async readOnce(cursor: number | undefined, maxBatches: number, maxBytes: number): Promise<ReadResult> {
    const oldest = this.oldestSeq() ?? this.headSeq + 1;
    let from = cursor === undefined ? oldest : cursor + 1;
    let gap: [number, number] | null = null;
    if (from < oldest) {
      gap = [from, oldest - 1];
      from = oldest;
    }
    const frames: Buffer[] = [];
    let bytes = 0;
    let next = from - 1;
    while (frames.length < maxBatches && from <= this.headSeq && (bytes < maxBytes || frames.length === 0)) {
      const segment = this.segments.find((s) => s.firstSeq + s.offsets.length - 1 >= from && s.offsets.length > 0);
      if (!segment) break;
      const i = Math.max(0, from - segment.firstSeq);
      const endOf = (k: number) => segment.offsets[k + 1] ?? segment.size;
      let j = Math.min(segment.offsets.length, i + maxBatches - frames.length);
      // Stay within the byte budget, but always make progress by at least one batch.
      while (j > i + 1 && endOf(j - 1) - segment.offsets[i]! > maxBytes - bytes) j--;
      const start = segment.offsets[i]!;
      const chunk = await readRange(segment.file, start, endOf(j - 1) - start);
      for (let k = i; k < j; k++) {
        const rel = segment.offsets[k]! - start;
        const relEnd = endOf(k) - start;
        if (recordIntact(chunk, rel, relEnd)) frames.push(chunk.subarray(rel + CHECKSUM_BYTES, relEnd));
        else this.noteCorrupt(segment.firstSeq + k);
      }
      bytes += chunk.length;
      next = segment.firstSeq + j - 1;
      from = next + 1;
    }
    if (cursor !== undefined && next < cursor) next = cursor;
    return { frames, next, gap };
  }

  private noteCorrupt(seq: number): void {
    this.corruptRecords++;
    this.log(`spool: batch ${seq} failed its checksum when read back; skipped`);
  }

  /** Resolves when a batch after `cursor` is durable, after `timeoutMs`, on `signal` or on close. */
  waitForNewer(cursor: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.headSeq > cursor || this.closed || timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = () => {
        if (this.headSeq > cursor || this.closed) done();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done);
      this.waiters.add(check);
    });
  }

  oldestSeq(): number | null {
    const first = this.segments.find((s) => s.offsets.length > 0);
    return first ? first.firstSeq : null;
  }

  stats(): SpoolStats {
    return {
      bytes: this.bytes,
      segments: this.segments.length,
      oldestSeq: this.oldestSeq(),
      headSeq: this.headSeq,
      consumedSeq: this.consumedSeq,
      groupCommits: this.groupCommits,
      corruptRecords: this.corruptRecords,
    };
  }

  /** Removes segments past the age limit. The active segment is never removed. */
  async expire(now = Date.now()): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastTimeMs < now - this.opts.retentionMs) await this.dropOldest();
  }

  /** Frees room for `need` bytes by removing old segments that pullers have read past. */
  private async reclaim(need: number): Promise<void> {
    await this.expire();
    while (this.segments.length > 1 && this.bytes + this.pendingBytes + need > this.opts.maxBytes) {
      const oldest = this.segments[0]!;
      if (oldest.firstSeq + oldest.offsets.length - 1 > this.consumedSeq) return;
      await this.dropOldest();
    }
  }

  private async dropOldest(): Promise<void> {
    const oldest = this.segments.shift()!;
    this.bytes -= oldest.size;
    await fs.unlink(oldest.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Stops accepting, lets in-flight appends finish, closes the segment and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const wake of this.waiters) wake();
    while (this.flushing) await this.flushing;
    await this.active.close();
    await fs.unlink(path.join(this.opts.dir, LOCK)).catch(() => undefined);
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }
}

async function readRange(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, position + got);
      if (bytesRead === 0) throw new SpoolWriteError(`${path.basename(file)} is shorter than its index says (${position + got} < ${position + length})`);
      got += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}

/**
 * Claims `dir` for this process. A lock left by a process that no longer runs (a crash or
 * `kill -9`) is taken over; one held by a live process is refused, since two writers would
 * interleave records.
 */
async function takeLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK);
  const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
    throw new SpoolLockedError(`the spool in ${dir} is in use by process ${holder}; stop it or choose another --data-dir`);
  }
  await fs.writeFile(file, `${process.pid}\n`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
