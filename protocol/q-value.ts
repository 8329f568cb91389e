/** q-values as every surface prints them (CLI, lenses, demo, deploy panel). */

/** Below this a q-value is shown as a bound: strong evidence underflows to 0 in double precision. */
const Q_FLOOR = 1e-300;

/**
 * A q-value as a number for reading: `0.003`, `0.12`, `2.3e-5`, and `< 1e-300` when it underflowed
 * (never `0`, which would read as certainty). Shared by the CLI, the lenses and the webviews.
 */
export function formatQ(q: number): string {
  if (Number.isNaN(q)) return '–';
  if (q < Q_FLOOR) return `< ${Q_FLOOR.toExponential(0)}`;
  if (q < 0.001) return q.toExponential(1);
  return String(Number(q.toPrecision(2)));
}

/** `q=0.003`, `q=2.3e-5` or `q<1e-300`: the compact form for lenses and table cells. */
export function qText(q: number): string {
  const v = formatQ(q);
  return v.startsWith('<') ? `q<${v.slice(2)}` : `q=${v}`;
}
