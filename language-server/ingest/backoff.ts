/**
 * Exponential backoff with jitter for the pull loop. Jitter spreads the retries of many editors that
 * lost the same collector at the same moment, so they do not all come back in lockstep.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Returns a number in [0, 1); injectable so tests can pin the jitter. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { initialMs: 500, maxMs: 30_000, factor: 2, random: Math.random };

export class Backoff {
  private attempt = 0;
  private readonly options: BackoffOptions;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.attempt;
  }

  /**
   * The delay before the next attempt: "equal jitter", half fixed and half random, so a retry never
   * comes sooner than half the exponential step nor later than `maxMs`. A server's `Retry-After`
   * raises the delay (up to `maxMs`) but never lowers it.
   */
  next(atLeastMs = 0): number {
    const { initialMs, maxMs, factor, random } = this.options;
    const step = Math.min(maxMs, initialMs * factor ** Math.min(this.attempt, 30));
    this.attempt++;
    const jittered = step / 2 + random() * (step / 2);
    return Math.round(Math.min(maxMs, Math.max(jittered, atLeastMs)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
