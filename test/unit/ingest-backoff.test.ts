import { describe, expect, it } from 'vitest';
import { Backoff } from '../../language-server/ingest/backoff';

describe('Backoff', () => {
  it('doubles up to the cap with half of each step jittered, and resets', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
    expect(high.failures).toBe(5);
    high.reset();
    expect(high.failures).toBe(0);
    expect(high.next()).toBe(100);
  });

  it("waits at least as long as the server's Retry-After, but never past the cap", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 5000, random: () => 0 });
    expect(backoff.next(3000)).toBe(3000);
    expect(backoff.next(60_000)).toBe(5000);
  });
});
