/**
 * The collector's HTTP contract over real sockets: every rejection with its status and message,
 * partial success, gzip, auth, deploy markers, long-poll, health and metrics; and (fast-check)
 * that random or mutated bodies never crash it nor disturb what it already holds.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { Reader } from 'protobufjs/minimal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlp } from '../../collector/otlp-root';
import {
  pullAll,
  pullOnce,
  spansOf,
  startTestCollector,
  syntheticSpans,
  traceRequestJson,
  traceRequestProtobuf,
  type TestCollector,
} from '../support/collector';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

function post(c: TestCollector, path: string, body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${c.httpUrl}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
}

/** Decodes a google.rpc.Status body: field 1 code, field 2 message. */
function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = Reader.create(bytes);
  const out = { code: 0, message: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) out.code = r.int32();
    else if (tag >>> 3 === 2) out.message = r.string();
    else r.skipType(tag & 7);
  }
  return out;
}

describe('collector HTTP', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({ maxBodyBytes: 256 * 1024, maxDecompressedBytes: 1024 * 1024 });
  });
  afterAll(async () => c.dispose());

  it('accepts protobuf, JSON and gzip, and pull returns them in arrival order', async () => {
    const before = (await pullAll(c.httpUrl, c.token)).next;
    const a = syntheticSpans(3, 2, 'a');
    const b = syntheticSpans(2, 2, 'b');
    const g = syntheticSpans(4, 2, 'g');
    const r1 = await post(c, '/v1/traces', traceRequestProtobuf(a), PROTO);
    expect(r1.status).toBe(200);
    expect(r1.headers.get('content-type')).toBe('application/x-protobuf');
    expect(otlp.traceResponse.toObject(otlp.traceResponse.decode(new Uint8Array(await r1.arrayBuffer())))).toEqual({});
    const r2 = await post(c, '/v1/traces', JSON.stringify(traceRequestJson(b)), JSON_TYPE);
    expect([r2.status, await r2.json()]).toEqual([200, {}]);
    const r3 = await post(c, '/v1/traces', gzipSync(traceRequestProtobuf(g)), { ...PROTO, 'content-encoding': 'gzip' });
    expect(r3.status).toBe(200);
    const { batches } = await pullAll(c.httpUrl, c.token, before);
    expect(spansOf(batches).map((s) => s.name)).toEqual(['a', 'a', 'a', 'b', 'b', 'g', 'g', 'g', 'g']);
  });

  it('answers partial_success naming the rejected spans, and keeps the rest', async () => {
    const before = (await pullAll(c.httpUrl, c.token)).next;
    const spans = syntheticSpans(4, 1, 'p');
    spans[2]!.endNs = spans[2]!.startNs - 5n;
    const res = await post(c, '/v1/traces', JSON.stringify(traceRequestJson(spans)), JSON_TYPE);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: number; errorMessage: string } };
    expect(res.status).toBe(200);
    expect(body.partialSuccess.rejectedSpans).toBe(1);
    expect(body.partialSuccess.errorMessage).toContain(`span #2 (span id ${spans[2]!.spanId.toString('hex')}): end time is before start time`);
    const pulled = spansOf((await pullAll(c.httpUrl, c.token, before)).batches);
    expect(pulled.map((s) => Buffer.from(s.spanId).toString('hex'))).toEqual([0, 1, 3].map((i) => spans[i]!.spanId.toString('hex')));

    const proto = await post(c, '/v1/traces', traceRequestProtobuf(spans), PROTO);
    const decoded = otlp.traceResponse.toObject(otlp.traceResponse.decode(new Uint8Array(await proto.arrayBuffer())), { longs: Number });
    expect(decoded['partialSuccess']).toMatchObject({ rejectedSpans: 1 });
  });

  const rejections: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['malformed protobuf', () => post(c, '/v1/traces', Buffer.from([0x0a, 0xff, 0x01]), PROTO), 400, /not a valid ExportTraceServiceRequest/],
    ['invalid JSON', () => post(c, '/v1/traces', '{"resourceSpans": [', JSON_TYPE), 400, /not valid JSON/],
    ['JSON of the wrong shape', () => post(c, '/v1/logs', '{"resourceLogs": {"x": 1}}', JSON_TYPE), 400, /OTLP JSON schema.*array expected/],
    ['wrong content type', () => post(c, '/v1/traces', 'hello', { 'content-type': 'text/plain' }), 415, /Content-Type "text\/plain" is not supported/],
    ['unsupported content encoding', () => post(c, '/v1/traces', 'x', { ...PROTO, 'content-encoding': 'br' }), 415, /Content-Encoding "br" is not supported/],
    ['corrupt gzip', () => post(c, '/v1/traces', Buffer.from('not gzip at all'), { ...PROTO, 'content-encoding': 'gzip' }), 400, /could not be inflated/],
    ['unknown path', () => fetch(`${c.httpUrl}/v1/metrics`, { method: 'POST', body: 'x', headers: PROTO }), 404, /no such endpoint: \/v1\/metrics/],
    ['wrong method', () => fetch(`${c.httpUrl}/v1/traces`), 405, /GET is not allowed on \/v1\/traces; use POST/],
    ['body over the limit', () => post(c, '/v1/traces', Buffer.alloc(300 * 1024, 1), PROTO), 413, /body exceeds the limit of 262144 bytes/],
    ['gzip bomb', () => post(c, '/v1/traces', gzipSync(Buffer.alloc(50 * 1024 * 1024)), { ...PROTO, 'content-encoding': 'gzip' }), 413, /decompressed body exceeds the limit of 1048576 bytes/],
  ];
  for (const [name, send, status, message] of rejections) {
    it(`rejects ${name} with ${status} and says why`, async () => {
      const res = await send();
      expect(res.status).toBe(status);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      const text = type.startsWith('application/x-protobuf') ? decodeStatus(bytes).message : type.startsWith('application/json') ? (JSON.parse(Buffer.from(bytes).toString()) as { message: string }).message : Buffer.from(bytes).toString();
      expect(text).toMatch(message);
    });
  }

  it('rejects a request whose spans are all invalid with 400 naming bad ids and negative durations', async () => {
    const spans = syntheticSpans(2);
    spans[0]!.spanId = Buffer.alloc(8);
    spans[1]!.endNs = 1n;
    const res = await post(c, '/v1/traces', traceRequestProtobuf(spans), PROTO);
    expect(res.status).toBe(400);
    const { message } = decodeStatus(new Uint8Array(await res.arrayBuffer()));
    expect(message).toMatch(/every span in the request was rejected.*span id is all zeros.*end time is before start time/);
  });

  it('requires the bearer token on pull and deploys: 401 without or with a wrong one', async () => {
    for (const path of ['/v1/pull', '/v1/deploys']) {
      expect((await fetch(`${c.httpUrl}${path}`)).status).toBe(401);
      const wrong = await fetch(`${c.httpUrl}${path}`, { headers: { authorization: `Bearer ${c.token}x` } });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toMatch(/missing or wrong bearer token/);
      expect((await fetch(`${c.httpUrl}${path}`, { headers: { authorization: `Bearer ${c.token}` } })).status).toBe(200);
    }
  });

  it('checks pull query parameters and refuses a cursor ahead of the spool', async () => {
    expect((await pullOnce(c.httpUrl, c.token, { max: 0 })).status).toBe(400);
    const bad = await fetch(`${c.httpUrl}/v1/pull?wait=soon`, { headers: { authorization: `Bearer ${c.token}` } });
    expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([400, 'query parameter wait must be a whole number from 0 to 30000, got "soon"']);
    const ahead = await pullOnce(c.httpUrl, c.token, { cursor: '999999' });
    expect(ahead.status).toBe(409);
  });

  it('long-polls until a batch arrives', async () => {
    const { next } = await pullAll(c.httpUrl, c.token);
    const waiting = pullOnce(c.httpUrl, c.token, { cursor: next, wait: 30_000 });
    const spans = syntheticSpans(1, 0, 'late');
    expect((await post(c, '/v1/traces', traceRequestProtobuf(spans), PROTO)).status).toBe(200);
    const res = await waiting;
    expect(spansOf(res.batches).map((s) => s.name)).toEqual(['late']);
    expect(res.next).toBe(String(Number(next) + 1));
  });

  it('stores deploy markers durably and lists them, rejecting invalid ones', async () => {
    const auth = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
    const ok = await fetch(`${c.httpUrl}/v1/deploys`, { method: 'POST', headers: auth, body: JSON.stringify({ service: 'orders', environment: 'prod', version: '1.4.0', commit: 'abc123' }) });
    expect(ok.status).toBe(201);
    const stored = (await ok.json()) as { time: string };
    expect(Date.parse(stored.time)).not.toBeNaN();
    const bad = await fetch(`${c.httpUrl}/v1/deploys`, { method: 'POST', headers: auth, body: JSON.stringify({ service: '', version: 3 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/service: service must not be empty.*environment.*version: version must be a string/);
    const list = (await (await fetch(`${c.httpUrl}/v1/deploys?service=orders`, { headers: auth })).json()) as { deploys: unknown[] };
    expect(list.deploys).toEqual([{ service: 'orders', environment: 'prod', version: '1.4.0', commit: 'abc123', time: stored.time }]);
  });

  it('serves /healthz and Prometheus /metrics with no CORS headers', async () => {
    const health = await fetch(`${c.httpUrl}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
    const metrics = await (await fetch(`${c.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^prodlens_collector_received_items_total\{signal="traces",transport="http-protobuf"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^prodlens_collector_rejected_requests_total\{reason="too_large"\} [1-9]/m);
    expect(metrics).toMatch(/^prodlens_collector_spool_bytes [1-9]/m);
    expect(metrics).toMatch(/^prodlens_collector_pull_lag_batches \d+$/m);
  });

  it('survives random and mutated bodies without losing what it holds (property)', async () => {
    const held = await pullAll(c.httpUrl, c.token);
    const valid = traceRequestProtobuf(syntheticSpans(3, 2, 'fuzz'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
          const b = Buffer.from(valid);
          for (const [pos, byte] of edits) b[pos] = byte;
          return new Uint8Array(b);
        })),
        fc.constantFrom('/v1/traces', '/v1/logs'),
        fc.constantFrom('application/x-protobuf', 'application/json'),
        async (body, path, type) => {
          const res = await post(c, path, body, { 'content-type': type });
          expect([200, 400]).toContain(res.status);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
    // Everything acknowledged before is still served unchanged, and the spool still decodes.
    const after = await pullAll(c.httpUrl, c.token);
    expect(after.batches.slice(0, held.batches.length).map((b) => Buffer.from(b.payload).toString('hex'))).toEqual(held.batches.map((b) => Buffer.from(b.payload).toString('hex')));
    for (const b of after.batches) {
      expect(() => (b.kind === 'traces' ? otlp.traceRequest : otlp.logsRequest).decode(b.payload)).not.toThrow();
    }
    expect((await fetch(`${c.httpUrl}/healthz`)).status).toBe(200);
  });
});

describe('collector back-pressure and ingest auth', () => {
  it('answers 429 with Retry-After when the spool is full of unread batches, and accepts again once they are pulled', async () => {
    const c = await startTestCollector({ maxSpoolBytes: 64 * 1024, segmentBytes: 16 * 1024 });
    try {
      const body = traceRequestProtobuf(syntheticSpans(20, 5));
      let res: Response;
      let accepted = 0;
      do {
        res = await post(c, '/v1/traces', body, PROTO);
        if (res.status === 200) accepted++;
        await res.arrayBuffer();
      } while (res.status === 200 && accepted < 1000);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const { batches, next } = await pullAll(c.httpUrl, c.token);
      expect(batches).toHaveLength(accepted);
      await pullOnce(c.httpUrl, c.token, { cursor: next });
      expect((await post(c, '/v1/traces', body, PROTO)).status).toBe(200);
    } finally {
      await c.dispose();
    }
  });

  it('requires the ingest token when one is set', async () => {
    const c = await startTestCollector({ ingestToken: 'ingest-secret' });
    try {
      const body = traceRequestProtobuf(syntheticSpans(1));
      expect((await post(c, '/v1/traces', body, PROTO)).status).toBe(401);
      expect((await post(c, '/v1/traces', body, { ...PROTO, authorization: 'Bearer ingest-secret' })).status).toBe(200);
    } finally {
      await c.dispose();
    }
  });
});
