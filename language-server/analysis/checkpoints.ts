/**
 * Fixed checkpoints after a deploy instead of a test every minute: re-testing continuously at full
 * α would find a "regression" in almost every deploy sooner or later. The overall α is spent across
 * the looks (Bonferroni alpha-spending), with small shares early, so only strong evidence is
 * reported at 15 minutes and weaker evidence waits for a later, better-powered look.
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
  { label: '6 h', afterMs: 6 * 60 * MINUTE, alphaShare: 0.3 },
  { label: '24 h', afterMs: 24 * 60 * MINUTE, alphaShare: 0.4 },
];

export interface CheckpointState {
  /** The latest checkpoint reached, or null before the first. */
  current: Checkpoint | null;
  /** The next checkpoint, or null at or after the last. */
  next: Checkpoint | null;
  /** The level tests are held to at the current checkpoint (0 before the first). */
  alpha: number;
}

export class CheckpointConfigError extends RangeError {
  override name = 'CheckpointConfigError';
}

export function checkpointAt(elapsedMs: number, alpha: number, checkpoints: readonly Checkpoint[] = DEFAULT_CHECKPOINTS): CheckpointState {
  validate(checkpoints);
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
  return { current, next, alpha: current ? alpha * current.alphaShare : 0 };
}

function validate(checkpoints: readonly Checkpoint[]): void {
  if (checkpoints.length === 0) throw new CheckpointConfigError('at least one checkpoint is needed');
  let total = 0;
  let previous = -Infinity;
  for (const c of checkpoints) {
    if (!(c.afterMs > previous)) throw new CheckpointConfigError(`checkpoints must be in increasing time order (at "${c.label}")`);
    if (!(c.alphaShare > 0)) throw new CheckpointConfigError(`checkpoint "${c.label}" must spend a positive share of α`);
    previous = c.afterMs;
    total += c.alphaShare;
  }
  if (total > 1 + 1e-9) throw new CheckpointConfigError(`checkpoint α shares sum to ${total}; they may sum to at most 1`);
}
