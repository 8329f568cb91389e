import { describe, expect, it } from 'vitest';
import type { FunctionStats } from '@protocol/model';
import { formatCount, formatMs, formatPercent, formatRate, lensTitle } from '../../language-server/features/format';
import { inert } from '../../language-server/features/markdown';

function stats(over: Partial<FunctionStats>): FunctionStats {
  return {
    file: 'src/orders.ts', symbol: 'OrderService.place', line: 10,
    requests: 72_000, errors: 576, thrownHere: 0, ratePerMin: 1200, errorRate: 0.008,
    p50Ms: 12, p95Ms: 180, p99Ms: 420, mappedBy: ['code.function.name'], confidence: 1, ambiguous: false,
    ...over,
  };
}

describe('lens numbers', () => {
  it('prints the documented lens line', () => {
    expect(lensTitle(stats({}), { format: 'full', minSamples: 20 })).toBe(
      'prod · 1.2k/min · 0.8% err · p50 12ms p95 180ms p99 420ms · n=72k',
    );
  });

  it('withholds percentiles and the error rate below the minimum sample size', () => {
    const title = lensTitle(stats({ requests: 7, errors: 0, ratePerMin: 0.1, errorRate: 0 }), { format: 'full', minSamples: 20 });
    expect(title).toBe('prod · 0.1/min · 0 err · n=7, too few for percentiles');
    expect(title).not.toMatch(/%/);
  });

  it('compact format keeps p95 only and flags ambiguity and thrown-here errors', () => {
    const title = lensTitle(stats({ ambiguous: true, thrownHere: 3 }), { format: 'compact', minSamples: 20 });
    expect(title).toBe('prod · 1.2k/min · 0.8% err · p95 180ms · n=72k · 3 thrown here · ambiguous mapping');
  });

  it.each([
    [0.4, '0.4ms'], [4.25, '4.3ms'], [180.4, '180ms'], [1450, '1.45s'], [12_345, '12.3s'], [90_000, '1.5min'], [null, '–'],
  ] as const)('formats %s ms as %s', (ms, text) => expect(formatMs(ms)).toBe(text));

  it.each([
    [0, '0%'], [0.00004, '<0.01%'], [0.0042, '0.42%'], [0.034, '3.4%'], [0.5, '50%'],
  ])('formats error fraction %s as %s', (f, text) => expect(formatPercent(f)).toBe(text));

  it.each([
    [999, '999'], [1234, '1.2k'], [72_400, '72k'], [1_250_000, '1.3M'], [25_000_000, '25M'],
  ])('formats count %s as %s', (n, text) => expect(formatCount(n)).toBe(text));

  it('formats slow rates per hour', () => expect(formatRate(0.05)).toBe('3/h'));
});

describe('inert markdown', () => {
  it('escapes markdown, HTML and links so they render as text', () => {
    const out = inert('[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **b** `c`');
    expect(out).not.toMatch(/(^|[^\\])[[\]()<>*`]/);
    expect(out).toContain('command\\:workbench');
  });

  it('replaces control and bidi characters and flattens lines', () => {
    expect(inert('a\nb\u0007c\u202ed')).toBe('a b\ufffdc\ufffdd');
  });

  it('caps the length', () => {
    expect(inert('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
