/**
 * The control against unchanged code: when functions the deploy did not touch all got slower (or
 * faster) together, the cause is the host, the runtime or a shared dependency, not one function.
 * The control shift is the median log-ratio of p50 across those functions (a difference-in-
 * differences baseline); each function is then judged against it rather than against zero.
 */

export interface ShiftOptions {
  /** Fewer untouched functions than this cannot establish a service-wide shift. */
  minControls: number;
  /** The median p50 ratio must move at least this far from 1 (0.1 = 10 %). */
  minShift: number;
  /** At least this fraction of controls must move the same way by at least half the median. */
  minAgreement: number;
}

export const DEFAULT_SHIFT_OPTIONS: ShiftOptions = { minControls: 3, minShift: 0.1, minAgreement: 2 / 3 };

export interface ShiftCheck {
  detected: boolean;
  /** exp(median log p50 ratio) across the controls; null without controls. */
  p50Ratio: number | null;
  controls: number;
  /** Controls that moved the same way as the median by at least half as much. */
  agreeing: number;
}

export function detectServiceShift(controlLogRatios: readonly number[], options: ShiftOptions = DEFAULT_SHIFT_OPTIONS): ShiftCheck {
  const finite = controlLogRatios.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return { detected: false, p50Ratio: null, controls: 0, agreeing: 0 };
  const m = median(finite);
  const agreeing = finite.filter((x) => Math.sign(x) === Math.sign(m) && Math.abs(x) >= Math.abs(m) / 2).length;
  const big = Math.abs(Math.exp(m) - 1) >= options.minShift;
  const detected = finite.length >= options.minControls && big && agreeing >= options.minAgreement * finite.length;
  return { detected, p50Ratio: Math.exp(m), controls: finite.length, agreeing };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
