/**
 * Real processes, real crashes: a child-process collector is killed with SIGKILL while clients
 * stream batches; after a restart every acknowledged span is pulled exactly once, in order. Then
 * a torn record is left at the end of the spool by hand, and the restarted collector drops it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSegments } from '../../collector/segment';
import { pullAll, spansOf, spawnCollector, syntheticSpans, tempDir, traceRequestProtobuf, type SpawnedCollector } from '../support/collector';

const CLIENTS = 3;
const KILL_AFTER_ACKS = 60;
const SPANS_PER_BATCH = 25;

describe('collector crash safety (child process, SIGKILL)', () => {
  const running: SpawnedCollector[] = [];
  let dataDir = '';
  afterAll(async () => {
    await Promise.all(running.map((c) => c.kill('SIGKILL')));
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged span, exactly once and in order, across kill -9 and a torn tail', async () => {
    dataDir = await tempDir('prodlens-crash-');
    const first = await spawnCollector({ dataDir });
    running.push(first);

    // Each client sends batches one after another and records which ones were answered 200.
    const acked: string[][] = Array.from({ length: CLIENTS }, () => []);
    let totalAcks = 0;
    let killed: Promise<unknown> | null = null;
    const client = async (id: number) => {
      for (let n = 0; ; n++) {
        const body = traceRequestProtobuf(syntheticSpans(SPANS_PER_BATCH, 3, `c${id}-b${n}`));
        let res: Response;
        try {
          res = await fetch(`${first.httpUrl}/v1/traces`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } });
          await res.arrayBuffer();
        } catch {
          return; // the collector is gone
        }
        if (res.status !== 200) throw new Error(`batch c${id}-b${n} answered ${res.status}`);
        acked[id]!.push(`c${id}-b${n}`);
        if (++totalAcks === KILL_AFTER_ACKS) killed = first.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(totalAcks).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await spawnCollector({ dataDir, token: first.token });
    running.push(second);
    const { batches } = await pullAll(second.httpUrl, second.token);
    const spans = spansOf(batches);
    const batchNames = batches.map((b) => spansOf([b])[0]!.name);
    // Every batch is whole: all its spans came back together.
    expect(spans).toHaveLength(batches.length * SPANS_PER_BATCH);
    // No batch twice.
    expect(new Set(batchNames).size).toBe(batchNames.length);
    for (let id = 0; id < CLIENTS; id++) {
      const pulled = batchNames.filter((n) => n.startsWith(`c${id}-`));
      // Acknowledged batches come back in the order they were sent; at most the one batch that
      // was in flight at the kill may follow them (it was durable but not yet answered).
      expect(pulled.slice(0, acked[id]!.length)).toEqual(acked[id]);
      expect(pulled.length - acked[id]!.length).toBeLessThanOrEqual(1);
    }

    // A graceful stop answers SIGTERM with exit code 0.
    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    // Leave half a record at the end of the newest segment, as a crash mid-write would.
    const segments = await listSegments(path.join(dataDir, 'spool'));
    const newest = segments.at(-1)!.file;
    const tail = Buffer.alloc(40, 0xab);
    tail.writeUInt32BE(12345, 0);
    await fs.appendFile(newest, tail);

    const third = await spawnCollector({ dataDir, token: first.token });
    running.push(third);
    const again = await pullAll(third.httpUrl, third.token);
    expect(again.batches.map((b) => Buffer.from(b.payload).toString('base64'))).toEqual(batches.map((b) => Buffer.from(b.payload).toString('base64')));
    expect(third.stderr()).toMatch(/40 torn or corrupt bytes after record \d+; cut them off/);
    // And the next batch continues the sequence right after the last intact one.
    const res = await fetch(`${third.httpUrl}/v1/traces`, { method: 'POST', body: new Uint8Array(traceRequestProtobuf(syntheticSpans(1))), headers: { 'content-type': 'application/x-protobuf' } });
    expect(res.status).toBe(200);
    const tailPull = await pullAll(third.httpUrl, third.token, again.next);
    expect(tailPull.batches.map((b) => b.seq)).toEqual([batches.length + 1]);
    expect(await third.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
