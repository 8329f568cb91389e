/**
 * The resolver with deployed-line moves: a span's lines are moved from its `vcs.ref.head.revision`
 * onto the workspace before the enclosing function is picked; a line the edit removed falls back to
 * the function name; spans from different commits never share a cached answer. The moves here are a
 * literal table; deploy-lines.test.ts runs the same path with real git.
 */
import { describe, expect, it } from 'vitest';
import { SpanResolver, type DeployedLineSource } from '../../language-server/mapping/span-resolver';
import { LiteralIndex, spanRecord, sym } from '../support/literal-index';

const OLD = 'a1b2c3d4e5f6';

/** 0-based: at OLD, lines 0–9 moved down by five and line 12 was rewritten. */
const moves: DeployedLineSource = {
  move: (commit, file, line) => {
    if (commit !== OLD || file !== 'src/cart.ts') return line;
    if (line === 12) return null;
    return line < 10 ? line + 5 : line;
  },
};

const index = new LiteralIndex([
  sym('src/cart.ts', 'StockError', 1, 5, 'class'),
  sym('src/cart.ts', 'StockError.constructor', 2, 4, 'constructor'),
  sym('src/cart.ts', 'priceCart', 7, 10, 'function'),
  sym('src/cart.ts', 'applyDiscount', 12, 14, 'function'),
]);

const span = (line: number, commit: string | null, name?: string) =>
  spanRecord({ ...(name ? { 'code.function.name': name } : {}), 'code.file.path': '/app/src/cart.ts', 'code.line.number': line }, { kind: 1, commit });

function landed(resolver: SpanResolver, s: ReturnType<typeof span>): string {
  const r = resolver.resolve(s);
  return r.mapped ? r.fn.qualifiedName : `unmapped: ${r.explanation}`;
}

describe('deployed lines', () => {
  const resolver = new SpanResolver(index, { deployedLines: moves });

  it("moves a span's line from its commit, and takes it as reported without one", () => {
    expect(landed(resolver, span(4, OLD))).toBe('priceCart');
    expect(landed(resolver, span(4, null))).toBe('StockError.constructor');
    // The same signals from another commit are another cache entry.
    expect(landed(resolver, span(4, 'ffffffffffff'))).toBe('StockError.constructor');
    const r = resolver.resolve(span(4, OLD));
    expect(r.mapped && r.explanation).toContain('(line 9 now)');
  });

  it('falls back to the name for a line the edit removed', () => {
    const r = resolver.resolve(span(13, OLD, 'applyDiscount'));
    expect(r).toMatchObject({ mapped: true, fn: { qualifiedName: 'applyDiscount' } });
    expect(r.explanation).toContain('edited since the deployed commit');
    expect(landed(resolver, span(13, OLD))).toMatch(/^unmapped: .*no function named \(none given\)/);
  });

  it('moves stack frame lines the same way', () => {
    const exception = { type: 'Error', message: 'down', stacktrace: 'Error: down\n    at priceCart (/app/src/cart.ts:5:11)', source: 'event' as const };
    expect(resolver.thrownHere(exception, OLD)?.fn.qualifiedName).toBe('priceCart');
    expect(resolver.thrownHere(exception, null)?.fn.qualifiedName).toBe('StockError.constructor');
  });

  it('never answers a stack trace from another stack trace with a commit', () => {
    const stacktrace = 'Error: down\n    at priceCart (/app/src/cart.ts:5:11)';
    const exception = { type: 'Error', message: 'down', stacktrace, source: 'event' as const };
    expect(resolver.thrownHere(exception, OLD)?.fn.qualifiedName).toBe('priceCart');
    // Its text is the first trace and the commit joined by the separator a naive key would use.
    const lookalike = { ...exception, stacktrace: `${stacktrace}\u0001${OLD}` };
    const fresh = new SpanResolver(index, { deployedLines: moves }).thrownHere(lookalike, null);
    expect(fresh?.fn.qualifiedName).not.toBe('priceCart');
    expect(resolver.thrownHere(lookalike, null)).toEqual(fresh);
  });

  it('leaves lines alone without a line source', () => {
    expect(landed(new SpanResolver(index), span(4, OLD))).toBe('StockError.constructor');
  });
});
