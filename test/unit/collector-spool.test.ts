/**
 * The durable spool on a real filesystem: order, group commit, recovery from torn and corrupt
 * tails, retention, back-pressure, and (fast-check) that whatever is appended is read back
 * byte for byte after a reopen.
 */
import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePullFrames } from '../../protocol/collector';
import { listSegments } from '../../collector/segment';
import { CursorAheadError, Spool, SpoolFullError } from '../../collector/spool';
import { tempDir } from '../support/collector';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const d = await tempDir('prodlens-spool-');
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

const payload = (i: number, size = 50) => Buffer.alloc(size, i % 251);

async function readAll(spool: Spool, cursor?: number) {
  const r = await spool.read(cursor, 1000, 64 * 1024 * 1024);
  return { ...r, batches: decodePullFrames(Buffer.concat(r.frames)) };
}

describe('Spool', () => {
  it('serves appended batches in order with their kinds, and shares fsyncs between concurrent appends', async () => {
    const spool = await Spool.open({ dir: await freshDir() });
    const appended = await Promise.all(Array.from({ length: 40 }, (_, i) => spool.append(i % 3 === 0 ? 'logs' : 'traces', payload(i))));
    expect(appended.map((a) => a.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(spool.stats().groupCommits).toBeLessThan(40);
    const { batches, next } = await readAll(spool);
    expect(batches.map((b) => [b.seq, b.kind, Buffer.from(b.payload).equals(payload(b.seq - 1))])).toEqual(
      appended.map((a, i) => [a.seq, i % 3 === 0 ? 'logs' : 'traces', true]),
    );
    expect(next).toBe(40);
    expect((await readAll(spool, 40)).batches).toEqual([]);
    expect((await readAll(spool, 35)).batches.map((b) => b.seq)).toEqual([36, 37, 38, 39, 40]);
    await expect(spool.read(41, 10, 1 << 20)).rejects.toThrow(CursorAheadError);
    await spool.close();
  });

  it('cuts off a torn last record on open and never serves it', async () => {
    const dir = await freshDir();
    const spool = await Spool.open({ dir });
    for (let i = 0; i < 5; i++) await spool.append('traces', payload(i, 300));
    await spool.close();
    const [segment] = await listSegments(dir);
    const { size } = await fs.stat(segment!.file);
    await fs.truncate(segment!.file, size - 100); // the 5th record loses its end

    const reopened = await Spool.open({ dir });
    const { batches } = await readAll(reopened);
    expect(batches.map((b) => b.seq)).toEqual([1, 2, 3, 4]);
    // New batches continue the sequence where the intact records end.
    expect((await reopened.append('traces', payload(9))).seq).toBe(5);
    expect((await readAll(reopened, 4)).batches.map((b) => Buffer.from(b.payload).equals(payload(9)))).toEqual([true]);
    await reopened.close();
  });

  it('cuts off a last record whose checksum does not match', async () => {
    const dir = await freshDir();
    const spool = await Spool.open({ dir });
    for (let i = 0; i < 3; i++) await spool.append('traces', payload(i, 64));
    await spool.close();
    const [segment] = await listSegments(dir);
    const bytes = await fs.readFile(segment!.file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff; // flip bits inside the last payload
    await fs.writeFile(segment!.file, bytes);
    const reopened = await Spool.open({ dir });
    expect((await readAll(reopened)).batches.map((b) => b.seq)).toEqual([1, 2]);
    await reopened.close();
  });

  it('rolls segments, removes old ones by age and reports the gap to a stale cursor', async () => {
    const dir = await freshDir();
    const spool = await Spool.open({ dir, segmentBytes: 1000, retentionMs: 60_000 });
    for (let i = 0; i < 12; i++) await spool.append('traces', payload(i, 200));
    expect(spool.stats().segments).toBeGreaterThan(2);
    await spool.expire(Date.now() + 120_000);
    const oldest = spool.oldestSeq()!;
    expect(oldest).toBeGreaterThan(1);
    expect(spool.stats().segments).toBe(1); // only the active segment is left
    const stale = await readAll(spool, 0);
    expect(stale.gap).toEqual([1, oldest - 1]);
    expect(stale.batches[0]!.seq).toBe(oldest);
    expect(stale.batches.at(-1)!.seq).toBe(12);
    await spool.close();
  });

  it('refuses appends with SpoolFullError when unread batches fill it, and frees read segments', async () => {
    const dir = await freshDir();
    const spool = await Spool.open({ dir, segmentBytes: 1000, maxBytes: 3000 });
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 40 && !refusal; i++) {
      await spool.append('traces', payload(i, 200)).then(() => accepted++, (err: unknown) => (refusal = err));
    }
    expect(refusal).toBeInstanceOf(SpoolFullError);
    expect((refusal as SpoolFullError).retryAfterSeconds).toBeGreaterThan(0);
    // Nothing accepted was dropped.
    const all = await readAll(spool, 0);
    expect(all.batches).toHaveLength(accepted);
    await expect(spool.append('traces', payload(1, 200))).rejects.toThrow(SpoolFullError);
    // Asking for what comes after them proves the puller holds those batches: old segments may go.
    await readAll(spool, all.next);
    await expect(spool.append('traces', payload(1, 200))).resolves.toMatchObject({ seq: accepted + 1 });
    await spool.close();
  });

  it('long-polls: waitForNewer resolves when a batch becomes durable', async () => {
    const spool = await Spool.open({ dir: await freshDir() });
    const waiting = spool.waitForNewer(0, 30_000);
    await spool.append('logs', payload(1));
    await waiting;
    expect(spool.stats().headSeq).toBe(1);
    await spool.close();
  });

  it('reads back every appended payload byte for byte after a reopen (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('traces' as const, 'logs' as const), fc.uint8Array({ maxLength: 700 })), { minLength: 1, maxLength: 25 }), fc.integer({ min: 200, max: 4000 }), async (items, segmentBytes) => {
        const dir = await freshDir();
        const spool = await Spool.open({ dir, segmentBytes });
        await Promise.all(items.map(([kind, bytes]) => spool.append(kind, bytes)));
        await spool.close();
        const reopened = await Spool.open({ dir, segmentBytes });
        const { batches } = await readAll(reopened);
        await reopened.close();
        expect(batches.map((b) => [b.kind, Buffer.from(b.payload).toString('hex')])).toEqual(items.map(([k, b]) => [k, Buffer.from(b).toString('hex')]));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the intact prefix whatever garbage a crash leaves after it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (garbage) => {
        const dir = await freshDir();
        const spool = await Spool.open({ dir });
        for (let i = 0; i < 3; i++) await spool.append('traces', payload(i, 40));
        await spool.close();
        const [segment] = await listSegments(dir);
        await fs.appendFile(segment!.file, garbage);
        const reopened = await Spool.open({ dir });
        const { batches } = await readAll(reopened);
        expect(batches.map((b) => b.seq)).toEqual([1, 2, 3]);
        expect((await reopened.append('traces', payload(7))).seq).toBe(4);
        await reopened.close();
        expect(path.basename(segment!.file)).toMatch(/^segment-0+1\.log$/);
      }),
      { numRuns: 40 },
    );
  });
});
