/**
 * The latest deploy's diff, as the code lenses ask for it on every render: computed once per ingest
 * at most, and no more often than `minIntervalMs` however fast batches arrive, so scrolling through
 * files never reruns git or the statistics.
 */
import type { DeployDiffJson } from '@protocol/model';

export class LatestDiffCache {
  private value: Promise<DeployDiffJson | null> | undefined;
  private stale = true;
  private computedAt = 0;

  constructor(
    private readonly compute: () => Promise<DeployDiffJson | null>,
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** New telemetry arrived: the next read may recompute. */
  invalidate(): void {
    this.stale = true;
  }

  get(): Promise<DeployDiffJson | null> {
    if (!this.value || (this.stale && this.now() - this.computedAt >= this.minIntervalMs)) {
      this.stale = false;
      this.computedAt = this.now();
      // A failure is remembered as "no diff" until the next ingest; lenses must not throw.
      this.value = this.compute().catch(() => null);
    }
    return this.value;
  }
}
