/**
 * Plain-text and markdown tables for the CLI. Cells may hold telemetry, so terminal output has
 * control characters (ANSI escapes included) replaced, and markdown output goes through `inert`.
 */
import { inert } from '../language-server/features/markdown';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string, max = 80): string {
  const s = text.replace(CONTROL, '\ufffd');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export type Align = 'left' | 'right';

export function textTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => terminalSafe(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const esc = (c: string) => inert(c, 120);
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${headers.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
