/** Cursors are decimal batch sequence numbers (protocol/collector.ts); anything else is taken as new. */
export function cursorAdvances(stored: string | null, next: string | null): boolean {
  if (stored === null || next === null) return true;
  if (!/^\d{1,30}$/.test(stored) || !/^\d{1,30}$/.test(next)) return stored !== next;
  return BigInt(next) > BigInt(stored);
}
