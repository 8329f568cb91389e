/**
 * Tool results go to a language model, so they are bounded and every string from telemetry stays
 * data: control and bidi characters are replaced (they could hide text from the person reading the
 * transcript), long strings are cut with a marker, and long lists say how much was left out.
 * JSON encoding does the rest: a telemetry string is only ever a JSON string value.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Default cap for one string from telemetry (span names, messages, attribute values). */
export const MAX_TEXT = 200;
/** A whole result, serialised; the per-list caps keep results far below this. */
export const MAX_RESULT_CHARS = 60_000;

/** A telemetry string made safe to return: control characters replaced, at most `max` characters. */
export function text(s: string, max = MAX_TEXT): string {
  const clean = s.replace(CONTROL, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function textOrNull(s: string | null | undefined, max = MAX_TEXT): string | null {
  return s === null || s === undefined || s === '' ? null : text(s, max);
}

/** The first `max` items and how many were left out (0 when none). */
export function capped<T>(items: readonly T[], max: number): { items: T[]; omitted: number } {
  return { items: items.slice(0, max), omitted: Math.max(0, items.length - max) };
}

/** Milliseconds to 0.01 ms; rates and shares to 4 decimals; both keep null. */
export function ms(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 100) / 100;
}

export function ratio(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10_000) / 10_000;
}

/** q- and p-values keep three significant digits, so tiny ones do not round to 0. */
export function prob(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(3));
}
