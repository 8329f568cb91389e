/**
 * An ambiguous route's calls are held by one virtual function and shown on every candidate: the
 * spreading, the lens line and the hover note.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionStats } from '@protocol/model';
import { lensTitle } from '../../language-server/features/format';
import { hoverMarkdown } from '../../language-server/features/hover-markdown';
import { AMBIGUOUS_FILE, groupRef, parseGroup, withAmbiguity } from '../../language-server/mapping/ambiguous-group';
import { LiteralIndex, sym } from '../support/literal-index';

const index = new LiteralIndex(
  [sym('a/src/orders.ts', 'OrderController.get', 11, 20), sym('b/src/orders.ts', 'OrderController.get', 4, 9), sym('a/src/orders.ts', 'OrderController.list', 22, 30)],
  [],
);
const candidates = [
  { file: 'a/src/orders.ts', qualifiedName: 'OrderController.get' },
  { file: 'b/src/orders.ts', qualifiedName: 'OrderController.get' },
];

function stats(over: Partial<FunctionStats>): FunctionStats {
  return {
    file: 'a/src/orders.ts', symbol: 'OrderController.list', line: 23,
    requests: 10, errors: 0, thrownHere: 0, ratePerMin: 1, errorRate: 0,
    p50Ms: 5, p95Ms: 9, p99Ms: 12, mappedBy: ['http.route'], confidence: 0.6, ambiguous: false,
    ...over,
  };
}

const ref = groupRef('GET /orders/:id', candidates);
const group = stats({ file: ref.file, symbol: ref.qualifiedName, line: 1, requests: 72_000, errors: 576, ratePerMin: 1200, errorRate: 0.008, p50Ms: 12, p95Ms: 180, p99Ms: 420, ambiguous: true });

describe('ambiguous groups', () => {
  it('round-trips the candidates through the virtual function, whatever the names contain', () => {
    const odd = [{ file: 'x "y"/a.ts', qualifiedName: "app.get('/a')" }];
    expect(parseGroup(groupRef('GET /a', odd))).toEqual({ route: 'GET /a', candidates: odd });
    expect(parseGroup({ file: 'a/src/orders.ts', qualifiedName: '["GET /a"]' })).toBeNull();
    expect(parseGroup({ file: AMBIGUOUS_FILE, qualifiedName: 'not json' })).toBeNull();
  });

  it("puts the route's figures on every candidate and drops the virtual row", () => {
    const own = stats({});
    const out = withAmbiguity([own, group], [group], index);
    expect(out.map((r) => [r.file, r.symbol, r.requests, r.ambiguity?.position ?? null])).toEqual([
      ['a/src/orders.ts', 'OrderController.list', 10, null],
      ['a/src/orders.ts', 'OrderController.get', 0, 1],
      ['b/src/orders.ts', 'OrderController.get', 0, 2],
    ]);
    const b = out[2]!;
    expect(b).toMatchObject({ line: 5, ambiguous: true, mappedBy: ['http.route'] });
    expect(b.ambiguity).toEqual({
      route: 'GET /orders/:id',
      position: 2,
      candidates: [
        { file: 'a/src/orders.ts', symbol: 'OrderController.get', line: 12 },
        { file: 'b/src/orders.ts', symbol: 'OrderController.get', line: 5 },
      ],
      requests: 72_000, errors: 576, ratePerMin: 1200, errorRate: 0.008, p50Ms: 12, p95Ms: 180, p99Ms: 420,
    });
  });

  it("limits the candidates to one file for that file's lenses, and keeps a candidate's own calls", () => {
    const own = stats({ symbol: 'OrderController.get', line: 12, requests: 3, mappedBy: ['code.function.name'] });
    const out = withAmbiguity([own], [group], index, 'a/src/orders.ts');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ requests: 3, ambiguous: true, mappedBy: ['code.function.name'], ambiguity: { position: 1, requests: 72_000 } });
  });

  it('leaves out candidates the workspace no longer has', () => {
    const gone = new LiteralIndex([sym('b/src/orders.ts', 'OrderController.get', 4, 9)], []);
    const out = withAmbiguity([], [group], gone);
    expect(out.map((r) => [r.file, r.ambiguity?.position, r.ambiguity?.candidates.length])).toEqual([['b/src/orders.ts', 1, 1]]);
  });
});

describe('lens and hover of a candidate', () => {
  const [, a, b] = withAmbiguity([stats({}), group], [group], index);

  it("shows the route's numbers behind `ambiguous (1 of 2 handlers for …)`", () => {
    expect(lensTitle(a!, { format: 'full', minSamples: 20 })).toBe(
      'prod · ambiguous (1 of 2 handlers for GET /orders/:id) · 1.2k/min · 0.8% err · p50 12ms p95 180ms p99 420ms · n=72k',
    );
    expect(lensTitle(b!, { format: 'compact', minSamples: 20 })).toBe('prod · ambiguous (2 of 2 handlers for GET /orders/:id) · 1.2k/min · 0.8% err · p95 180ms · n=72k');
  });

  it("shows a candidate's own calls first when it has some", () => {
    const mixed = { ...a!, requests: 40, ratePerMin: 0.7, errors: 0, errorRate: 0, p95Ms: 9 };
    expect(lensTitle(mixed, { format: 'compact', minSamples: 20 })).toBe('prod · 0.7/min · 0% err · p95 9ms · n=40 · also ambiguous (1 of 2 handlers for GET /orders/:id): n=72k');
  });

  it('names the other candidates in the hover, escaping the route', () => {
    const evil = { ...b!, ambiguity: { ...b!.ambiguity!, route: 'GET /x [click](command:evil)' } };
    const md = hoverMarkdown(
      { stats: evil, mappingExplanation: 'matched by http.route', versions: [], histogram: [], slowest: [], failing: [], contrasts: [] },
      { windowLabel: '1h', minSamples: 20, nowMs: 0 },
    );
    expect(md).toContain('could be any of them (this is 2 of 2)');
    expect(md).toContain('- OrderController\\.get in a\\/src\\/orders\\.ts:12');
    expect(md).not.toContain('b\\/src');
    expect(md).toContain('p95 180ms · p99 420ms · n=72k');
    expect(md).toContain('GET \\/x \\[click\\]\\(command\\:evil\\) has 2 handlers');
  });
});
