/**
 * Telemetry is attacker-influenced text. Everything from a span that reaches hover markdown goes
 * through `inert`: control and bidi characters are replaced, line breaks flattened, the length
 * capped, and every ASCII punctuation character backslash-escaped so no markdown, HTML, link,
 * autolink or `command:` URI can form. Hover markdown is never marked trusted either.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const PUNCTUATION = /[!-/:-@[-`{-~]/g;

export function inert(text: string, maxLength = 160): string {
  let s = text.replace(/\r\n|\r|\n|\t/g, ' ').replace(CONTROL, '\ufffd');
  if (s.length > maxLength) s = `${s.slice(0, maxLength - 1)}…`;
  return s.replace(PUNCTUATION, (c) => `\\${c}`);
}

/** Markdown table cell: inert, and pipes cannot split the cell (they are escaped by `inert`). */
export function cell(text: string, maxLength = 80): string {
  return inert(text, maxLength);
}
