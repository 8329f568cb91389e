/**
 * Exemplars kept with each rollup row (reference §4): the K slowest spans, and per error
 * fingerprint the first and last span plus a count. They live in the rollup row rather than a table
 * of their own because ingest already reads and rewrites that row to merge its histogram, so keeping
 * them costs no extra statement, coarsening merges them with the row, and they outlive raw spans.
 * Stored as compact JSON tuples; read back through `parseExemplars`, which checks the shape.
 */
import type { ErrorExemplar, Exemplar } from './types';

export const SLOWEST_KEPT = 5;
export const FINGERPRINTS_KEPT = 8;
const MESSAGE_CHARS = 200;

export interface ExemplarSet {
  slow: Exemplar[];
  errors: ErrorExemplar[];
}

export class StoreDataError extends Error {
  override name = 'StoreDataError';
}

export function emptyExemplars(): ExemplarSet {
  return { slow: [], errors: [] };
}

export function addSlow(set: ExemplarSet, ex: Exemplar): void {
  const slow = set.slow;
  if (slow.length >= SLOWEST_KEPT && ex.durationUs <= slow[slow.length - 1]!.durationUs) return;
  let i = slow.length;
  while (i > 0 && slow[i - 1]!.durationUs < ex.durationUs) i--;
  slow.splice(i, 0, ex);
  if (slow.length > SLOWEST_KEPT) slow.pop();
}

export function addError(set: ExemplarSet, fingerprint: string, type: string, ex: Exemplar, count = 1): void {
  addErrorEntry(set, { fingerprint, type, count, first: ex, last: ex });
}

function addErrorEntry(set: ExemplarSet, e: ErrorExemplar): void {
  const found = set.errors.find((x) => x.fingerprint === e.fingerprint);
  if (!found) {
    // Past the cap new fingerprints are dropped: the rollup's error count stays exact, only the
    // examples are bounded.
    if (set.errors.length < FINGERPRINTS_KEPT) set.errors.push({ ...e });
    return;
  }
  found.count += e.count;
  if (e.first.startMs < found.first.startMs) found.first = e.first;
  if (e.last.startMs >= found.last.startMs) found.last = e.last;
}

export function mergeExemplars(target: ExemplarSet, source: ExemplarSet): ExemplarSet {
  for (const ex of source.slow) addSlow(target, ex);
  for (const e of source.errors) addErrorEntry(target, e);
  return target;
}

export function clipMessage(message: string): string {
  return message.length > MESSAGE_CHARS ? message.slice(0, MESSAGE_CHARS) : message;
}

type ExemplarTuple = [string, string, number, number, string, number];
type ErrorTuple = [string, string, number, ExemplarTuple, ExemplarTuple];

const toTuple = (e: Exemplar): ExemplarTuple => [e.traceId, e.spanId, e.durationUs, e.statusCode, e.message, e.startMs];

export function serializeExemplars(set: ExemplarSet): string {
  const errors: ErrorTuple[] = set.errors.map((e) => [e.fingerprint, e.type, e.count, toTuple(e.first), toTuple(e.last)]);
  return JSON.stringify({ s: set.slow.map(toTuple), e: errors });
}

export function parseExemplars(json: string): ExemplarSet {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new StoreDataError(`rollup exemplars are not valid JSON: ${json.slice(0, 80)}`);
  }
  const obj = raw as { s?: unknown; e?: unknown };
  if (typeof raw !== 'object' || raw === null || !Array.isArray(obj.s) || !Array.isArray(obj.e)) {
    throw new StoreDataError(`rollup exemplars have an unexpected shape: ${json.slice(0, 80)}`);
  }
  return {
    slow: obj.s.map(fromTuple),
    errors: obj.e.map((t: unknown) => {
      if (!Array.isArray(t) || t.length !== 5 || typeof t[0] !== 'string' || typeof t[1] !== 'string' || typeof t[2] !== 'number') {
        throw new StoreDataError(`rollup error exemplar has an unexpected shape: ${JSON.stringify(t).slice(0, 80)}`);
      }
      return { fingerprint: t[0], type: t[1], count: t[2], first: fromTuple(t[3]), last: fromTuple(t[4]) };
    }),
  };
}

function fromTuple(t: unknown): Exemplar {
  if (
    !Array.isArray(t) ||
    t.length !== 6 ||
    typeof t[0] !== 'string' ||
    typeof t[1] !== 'string' ||
    typeof t[2] !== 'number' ||
    (t[3] !== 0 && t[3] !== 1 && t[3] !== 2) ||
    typeof t[4] !== 'string' ||
    typeof t[5] !== 'number'
  ) {
    throw new StoreDataError(`rollup exemplar has an unexpected shape: ${JSON.stringify(t).slice(0, 80)}`);
  }
  return { traceId: t[0], spanId: t[1], durationUs: t[2], statusCode: t[3], message: t[4], startMs: t[5] };
}
