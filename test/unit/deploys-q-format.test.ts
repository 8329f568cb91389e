// q-values as the CLI, lenses, demo and panel print them: never "0" or "0.0" when the evidence is so
// strong that the q-value underflows, and the same text in the browser bundle as in the server.
import { describe, expect, it } from 'vitest';
import type { DeployDiffFunction } from '../../protocol/model';
import { formatQ, qText } from '../../language-server/features/format';
import { lensNote } from '../../language-server/deploys/lens-note';
import { qValue } from '../../webview/format';

const SAMPLES = [0, 5e-324, 1e-301, 1e-300, 7.4e-70, 2.34e-5, 0.000999, 0.001, 0.003, 0.0312, 0.12, 0.999, 1];

describe('q-value formatting', () => {
  it('prints an underflowed q as a bound and others with two significant digits', () => {
    expect(formatQ(0)).toBe('< 1e-300');
    expect(formatQ(5e-324)).toBe('< 1e-300');
    expect(formatQ(7.4e-70)).toBe('7.4e-70');
    expect(formatQ(2.34e-5)).toBe('2.3e-5');
    expect(formatQ(0.003)).toBe('0.003');
    expect(formatQ(0.0312)).toBe('0.031');
    expect(formatQ(1)).toBe('1');
    expect(qText(0)).toBe('q<1e-300');
    expect(qText(0.003)).toBe('q=0.003');
  });

  it('gives the panel the same text as the CLI and the lenses', () => {
    for (const q of SAMPLES) expect(qValue(q)).toBe(qText(q));
    expect(qValue(null)).toBe('–');
  });

  it('puts the bound in a lens note, and says when the verdict was an early one', () => {
    const f = {
      verdict: 'regressed',
      early: true,
      latency: { direction: 'regressed', q: 0, p95Ratio: 3.02 },
      errors: { rateBefore: 0, rateAfter: 0, q: null },
    } as unknown as DeployDiffFunction;
    expect(lensNote(f, '2.0.0')).toBe('▲ p95 +202% since 2.0.0 (q<1e-300), early look');
  });
});
