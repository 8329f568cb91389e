/**
 * Fixed checkpoints after a deploy instead of a test every minute: re-testing continuously at full
 * α would find a "regression" in almost every deploy sooner or later. The overall α is spent across
 * the looks (Bonferroni alpha-spending), with small shares early, so only strong evidence is
 * reported at 15 minutes and weaker evidence waits for a later, better-powered look.
 *
 * Before the first checkpoint there is the early look (DESIGN.md: "a fresh deploy with strong
 * evidence is reported as soon as the samples are there"). It may be taken any time, so its share
 * of α is split as if it were taken once a minute until the first checkpoint (15 looks at
 * α·share/15 each), and it reports only overwhelming evidence: more samples than the usual minimum
 * and a large effect (see `EarlyLook`). Looking more often than once a minute re-tests nearly the
 * same data; test/unit/analysis-early-look.test.ts measures the false-positive rate with looks every
 * 20 seconds.
 */

export interface Checkpoint {
  /** Display label, e.g. "1 h". */
  label: string;
  /** Time since the deploy at which this look happens. */
  afterMs: number;
  /** Fraction of the overall α spent at this look; the shares sum to at most 1. */
  alphaShare: number;
}

const MINUTE = 60_000;

export const DEFAULT_CHECKPOINTS: readonly Checkpoint[] = [
  { label: '15 min', afterMs: 15 * MINUTE, alphaShare: 0.1 },
  { label: '1 h', afterMs: 60 * MINUTE, alphaShare: 0.2 },
  { label: '6 h', afterMs: 6 * 60 * MINUTE, alphaShare: 0.2 },
  { label: '24 h', afterMs: 24 * 60 * MINUTE, alphaShare: 0.4 },
];

/** What the early look (before the first checkpoint) demands before it reports anything. */
export interface EarlyLook {
  /** Fraction of the overall α spent on all early looks together; with the checkpoints' shares, at most 1. */
  alphaShare: number;
  /** The early share is split evenly over this many looks (one a minute until the first checkpoint). */
  looks: number;
  /** Calls per side below which a metric is not judged early (above the usual minimum). */
  minSamples: number;
  /** Latency: p95 after / before at least this (or at most its inverse for an improvement). */
  minP95Ratio: number;
  /** Errors: the rate moves by at least this many points (as a fraction) … */
  minErrorDelta: number;
  /** … and by at least this factor. */
  minErrorRatio: number;
}

export const DEFAULT_EARLY_LOOK: EarlyLook = {
  alphaShare: 0.1,
  looks: 15,
  minSamples: 300,
  minP95Ratio: 1.5,
  minErrorDelta: 0.05,
  minErrorRatio: 3,
};

/** The label of the early look, as reports and JSON carry it (`checkpoint.label`). */
export const EARLY_LABEL = 'early';

export interface CheckpointState {
  /** The latest checkpoint reached, or null before the first. */
  current: Checkpoint | null;
  /** The next checkpoint, or null at or after the last. */
  next: Checkpoint | null;
  /** The level tests are held to at the current checkpoint (0 before the first). */
  alpha: number;
  /** Before the first checkpoint, the level of one early look (0 once a checkpoint is reached). */
  earlyAlpha: number;
}

export class CheckpointConfigError extends RangeError {
  override name = 'CheckpointConfigError';
}

export function checkpointAt(
  elapsedMs: number,
  alpha: number,
  checkpoints: readonly Checkpoint[] = DEFAULT_CHECKPOINTS,
  early: EarlyLook = DEFAULT_EARLY_LOOK,
): CheckpointState {
  validate(checkpoints, early);
  if (!Number.isFinite(elapsedMs) || elapsedMs < 0) {
    throw new CheckpointConfigError(`time since the deploy must be a non-negative number of milliseconds (got ${elapsedMs})`);
  }
  let current: Checkpoint | null = null;
  let next: Checkpoint | null = null;
  for (const c of checkpoints) {
    if (c.afterMs <= elapsedMs) current = c;
    else {
      next = c;
      break;
    }
  }
  return { current, next, alpha: current ? alpha * current.alphaShare : 0, earlyAlpha: current ? 0 : (alpha * early.alphaShare) / early.looks };
}

function validate(checkpoints: readonly Checkpoint[], early: EarlyLook): void {
  if (checkpoints.length === 0) throw new CheckpointConfigError('at least one checkpoint is needed');
  if (!(early.alphaShare >= 0) || !(Number.isInteger(early.looks) && early.looks >= 1)) {
    throw new CheckpointConfigError(`the early look needs a non-negative α share and a whole number of looks ≥ 1 (got ${early.alphaShare}, ${early.looks})`);
  }
  let total = early.alphaShare;
  let previous = -Infinity;
  for (const c of checkpoints) {
    if (!(c.afterMs > previous)) throw new CheckpointConfigError(`checkpoints must be in increasing time order (at "${c.label}")`);
    if (!(c.alphaShare > 0)) throw new CheckpointConfigError(`checkpoint "${c.label}" must spend a positive share of α`);
    previous = c.afterMs;
    total += c.alphaShare;
  }
  if (total > 1 + 1e-9) throw new CheckpointConfigError(`checkpoint α shares (with the early look's) sum to ${total}; they may sum to at most 1`);
}
