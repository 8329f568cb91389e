import type { Database } from 'better-sqlite3';
import type { MappedBy } from '@protocol/model';
import { type Buckets, bucketIndex, decodeBuckets, encodeBuckets, mergeInto } from '../../analysis/histogram';
import type { FunctionRef } from '../../mapping/types';
import { type ExemplarSet, emptyExemplars, mergeExemplars, parseExemplars, serializeExemplars } from '../exemplars';
import { prepareNamed } from '../named-statements';
import type { MetaTable } from './meta';
import sql from './rollups.sql';

/**
 * Bit positions of the `mapped_by` set. Stored on disk, so append only: never reorder or remove.
 */
export const MAPPED_BY_BITS: readonly MappedBy[] = [
  'code.function.name',
  'code.function',
  'code.file.path',
  'code.stacktrace',
  'dd.code_origin',
  'framework',
  'http.route',
  'rpc.method',
  'span.name',
  'exception.stacktrace',
];

export function mappedByBit(m: MappedBy): number {
  return 1 << MAPPED_BY_BITS.indexOf(m);
}

export function mappedByList(bits: number): MappedBy[] {
  return MAPPED_BY_BITS.filter((_, i) => (bits & (1 << i)) !== 0);
}

export interface RollupKey {
  seriesId: number;
  fnId: number;
  minute: number;
  widthMin: 1 | 60;
}

export interface RollupValue {
  count: number;
  errors: number;
  thrownHere: number;
  sumUs: number;
  minUs: number | null;
  maxUs: number | null;
  hist: Buckets;
  mappedBy: number;
  confidenceSum: number;
  ambiguous: number;
  exemplars: ExemplarSet;
}

/** A rollup row as window reads return it: numbers and the encoded histogram, by function id. */
export interface CountRow {
  fnId: number;
  count: number;
  errors: number;
  thrownHere: number;
  sumUs: number;
  minUs: number | null;
  maxUs: number | null;
  hist: Buffer;
  mappedBy: number;
  confidenceSum: number;
  ambiguous: number;
}

/** A whole rollup row, histogram and exemplars still encoded: the counts with the function, the series and the exemplars. */
export interface RollupRow extends CountRow {
  file: string;
  qualifiedName: string;
  line: number;
  service: string;
  environment: string;
  version: string;
  exemplars: string;
}

type StoredValue = Omit<RollupValue, 'hist' | 'exemplars'> & { hist: Buffer; exemplars: string };
type OldRow = StoredValue & Omit<RollupKey, 'widthMin'>;

export function emptyRollup(): RollupValue {
  return {
    count: 0,
    errors: 0,
    thrownHere: 0,
    sumUs: 0,
    minUs: null,
    maxUs: null,
    hist: new Map(),
    mappedBy: 0,
    confidenceSum: 0,
    ambiguous: 0,
    exemplars: emptyExemplars(),
  };
}

export function mergeRollup(target: RollupValue, source: RollupValue): RollupValue {
  target.count += source.count;
  target.errors += source.errors;
  target.thrownHere += source.thrownHere;
  target.sumUs += source.sumUs;
  target.minUs = minOf(target.minUs, source.minUs);
  target.maxUs = maxOf(target.maxUs, source.maxUs);
  mergeInto(target.hist, source.hist);
  target.mappedBy |= source.mappedBy;
  target.confidenceSum += source.confidenceSum;
  target.ambiguous += source.ambiguous;
  mergeExemplars(target.exemplars, source.exemplars);
  return target;
}

/** Adds a row's numbers and histogram to `target`, leaving exemplars alone: what a lens needs. */
export function addCounts(target: RollupValue, row: CountRow): RollupValue {
  target.count += row.count;
  target.errors += row.errors;
  target.thrownHere += row.thrownHere;
  target.sumUs += row.sumUs;
  target.minUs = minOf(target.minUs, row.minUs);
  target.maxUs = maxOf(target.maxUs, row.maxUs);
  mergeInto(target.hist, decodeBuckets(row.hist));
  target.mappedBy |= row.mappedBy;
  target.confidenceSum += row.confidenceSum;
  target.ambiguous += row.ambiguous;
  return target;
}

export function decodeRollup(row: StoredValue): RollupValue {
  return {
    count: row.count,
    errors: row.errors,
    thrownHere: row.thrownHere,
    sumUs: row.sumUs,
    minUs: row.minUs,
    maxUs: row.maxUs,
    hist: decodeBuckets(row.hist),
    mappedBy: row.mappedBy,
    confidenceSum: row.confidenceSum,
    ambiguous: row.ambiguous,
    exemplars: parseExemplars(row.exemplars),
  };
}

export function rowFunction(row: RollupRow): FunctionRef {
  return { file: row.file, qualifiedName: row.qualifiedName, line: row.line };
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function params(key: RollupKey, value: RollupValue) {
  return {
    ...key,
    count: value.count,
    errors: value.errors,
    thrownHere: value.thrownHere,
    sumUs: value.sumUs,
    minUs: value.minUs,
    maxUs: value.maxUs,
    hist: encodeBuckets(value.hist),
    mappedBy: value.mappedBy,
    confidenceSum: value.confidenceSum,
    ambiguous: value.ambiguous,
    exemplars: serializeExemplars(value.exemplars),
  };
}

/**
 * `mergeInto(target, decodeBuckets(bytes))` without the intermediate map, for the window sums that
 * merge thousands of rows per lens. The format is analysis/histogram.ts `encodeBuckets`: pairs of
 * zig-zag index delta and count, as varints; a malformed blob falls back to `decodeBuckets`, which
 * throws the descriptive error.
 */
export function addEncodedBuckets(target: Buckets, bytes: Uint8Array): Buckets {
  let pos = 0;
  let prev = 0;
  const n = bytes.length;
  while (pos < n) {
    let d = 0;
    let mult = 1;
    let b: number;
    do {
      if (pos >= n || mult > 2 ** 49) return mergeInto(target, decodeBuckets(bytes));
      b = bytes[pos++]!;
      d += (b & 0x7f) * mult;
      mult *= 128;
    } while (b >= 0x80);
    let count = 0;
    mult = 1;
    do {
      if (pos >= n || mult > 2 ** 49) return mergeInto(target, decodeBuckets(bytes));
      b = bytes[pos++]!;
      count += (b & 0x7f) * mult;
      mult *= 128;
    } while (b >= 0x80);
    const index = prev + (d % 2 === 0 ? d / 2 : -(d + 1) / 2);
    target.set(index, (target.get(index) ?? 0) + count);
    prev = index;
  }
  return target;
}

/** One call's part of a rollup row. */
export interface CallCounts {
  durationUs: number;
  isError: boolean;
  confidence: number;
  ambiguous: boolean;
}

interface StoredCounts {
  count: number;
  errors: number;
  sumUs: number;
  hist: Buffer;
  confidenceSum: number;
  ambiguous: number;
}

function without(row: StoredCounts, call: CallCounts) {
  const hist = decodeBuckets(row.hist);
  const i = bucketIndex(call.durationUs);
  const n = (hist.get(i) ?? 0) - 1;
  if (n > 0) hist.set(i, n);
  else hist.delete(i);
  return {
    count: Math.max(0, row.count - 1),
    errors: Math.max(0, row.errors - (call.isError ? 1 : 0)),
    sumUs: row.sumUs - call.durationUs,
    hist: encodeBuckets(hist),
    confidenceSum: row.confidenceSum - call.confidence,
    ambiguous: Math.max(0, row.ambiguous - (call.ambiguous ? 1 : 0)),
  };
}

function windowParams(fromMin: number, toMin: number, services?: string[], environments?: string[]) {
  return {
    from: fromMin,
    to: toMin,
    services: services ? JSON.stringify(services) : null,
    environments: environments ? JSON.stringify(environments) : null,
  };
}

export class RollupsTable {
  private readonly q;

  constructor(db: Database) {
    // Upserts merge on conflict inside SQLite, so one statement per key does the read, the merge
    // and the write. These functions exist only on this connection, not in the schema.
    db.function('prodlens_hist_merge', { deterministic: true }, (a: unknown, b: unknown) =>
      encodeBuckets(mergeInto(decodeBuckets(a as Buffer), decodeBuckets(b as Buffer))),
    );
    db.function('prodlens_exemplars_merge', { deterministic: true }, (a: unknown, b: unknown) =>
      serializeExemplars(mergeExemplars(parseExemplars(a as string), parseExemplars(b as string))),
    );
    db.aggregate('prodlens_hist_sum', {
      start: () => new Map<number, number>(),
      step: (acc: Buckets, hist: unknown) => addEncodedBuckets(acc, hist as Buffer),
      result: (acc: Buckets) => encodeBuckets(acc),
    });
    db.aggregate('prodlens_bit_or', { start: 0, step: (acc: number, bits: unknown) => acc | (bits as number) });
    this.q = prepareNamed(db, sql, 'tables/rollups.sql', [
      'add',
      'inWindow',
      'inWindowForFiles',
      'forFunction',
      'forSeries',
      'oldMinuteRows',
      'deleteRow',
      'addHour',
      'hoursInWindow',
      'hoursInWindowForFiles',
      'hoursForFunction',
      'counts',
      'setCounts',
      'hourCounts',
      'setHourCounts',
      'firstMinute',
      'lastMinute',
      'hourRows',
      'deleteHours',
    ] as const);
  }

  /** Adds `value` to the row at `key` (one upsert; histogram and exemplars merge on conflict). */
  add(key: RollupKey, value: RollupValue): void {
    this.q.add.run(params(key, value));
  }

  /** Adds `value` to the fn_hour row of the hour starting at `key.minute`. */
  addHour(key: Omit<RollupKey, 'widthMin'>, value: RollupValue): void {
    const { widthMin: _, ...p } = params({ ...key, widthMin: 60 }, value);
    this.q.addHour.run(p);
  }

  /**
   * Takes one call out of the fn_rollup row at `key`: count, errors, sum, histogram, confidence.
   * Min, max and exemplars cannot be taken back and stay as they are.
   */
  subtract(key: RollupKey, call: CallCounts): void {
    const row = this.q.counts.get(key) as StoredCounts | undefined;
    if (row) this.q.setCounts.run({ ...key, ...without(row, call) });
  }

  /** Takes the same call out of its fn_hour row, for an hour already rolled. */
  subtractHour(key: RollupKey, call: CallCounts): void {
    const hour = { seriesId: key.seriesId, fnId: key.fnId, minute: Math.floor(key.minute / 60) * 60 };
    const row = this.q.hourCounts.get(hour) as StoredCounts | undefined;
    if (row) this.q.setHourCounts.run({ ...hour, ...without(row, call) });
  }

  /** fn_hour rows of the whole hours in [fromMin, toMin) (both multiples of 60). */
  hoursInWindow(fromMin: number, toMin: number, files: string[] | undefined, services?: string[], environments?: string[]): CountRow[] {
    const p = windowParams(fromMin, toMin, services, environments);
    if (files) return this.q.hoursInWindowForFiles.all({ ...p, files: JSON.stringify(files) }) as CountRow[];
    return this.q.hoursInWindow.all(p) as CountRow[];
  }

  hoursForFunction(fnId: number, fromMin: number, toMin: number): RollupRow[] {
    return this.q.hoursForFunction.all({ fnId, from: fromMin, to: toMin }) as RollupRow[];
  }

  inWindow(fromMin: number, toMin: number, files: string[] | undefined, services?: string[], environments?: string[]): CountRow[] {
    const p = windowParams(fromMin, toMin, services, environments);
    if (files) return this.q.inWindowForFiles.all({ ...p, files: JSON.stringify(files) }) as CountRow[];
    return this.q.inWindow.all(p) as CountRow[];
  }

  forFunction(fnId: number, fromMin: number, toMin: number): RollupRow[] {
    return this.q.forFunction.all({ fnId, from: fromMin, to: toMin }) as RollupRow[];
  }

  forSeries(seriesId: number, fromMin: number, toMin: number): RollupRow[] {
    return this.q.forSeries.all({ seriesId, from: fromMin, to: toMin }) as RollupRow[];
  }

  /**
   * Folds up to `limit` minute rows in [fromMin, cutoffMin) into their hour rows and deletes them.
   * Returns how many minute rows it folded. Run inside a transaction.
   */
  coarsen(fromMin: number, cutoffMin: number, limit: number): number {
    const rows = this.q.oldMinuteRows.all(fromMin, cutoffMin, limit) as OldRow[];
    for (const row of rows) this.q.deleteRow.run(row.minute, row.fnId, row.seriesId);
    for (const { key, value } of sumPerHour(rows)) this.add(key, value);
    return rows.length;
  }

  /**
   * Rolls whole hours from `fromMin` towards `toMin` (both multiples of 60) into fn_hour: an hour's
   * fn_hour rows are replaced by the sums of its fn_rollup rows, minute and coarsened hour rows
   * alike, so rolling again, or over an hour fn_hour already holds part of, changes nothing. Hours
   * without fn_rollup rows are passed over in one step. Stops after the hour that brings the rows
   * read to `limit`, and returns how far it rolled and the rows it read. Run inside a transaction
   * that moves the mark (meta 'hour_rollups_to_min') to the returned minute.
   */
  rollHours(fromMin: number, toMin: number, limit: number): { rolledToMin: number; rows: number } {
    let at = fromMin;
    let rows = 0;
    while (at < toMin && rows < limit) {
      const first = this.q.firstMinute.get(at, toMin) as { minute: number } | undefined;
      const end = first ? Math.floor(first.minute / 60) * 60 + 60 : toMin;
      this.q.deleteHours.run(at, end);
      if (first) {
        const hourRows = this.q.hourRows.all(end - 60, end) as OldRow[];
        for (const { key, value } of sumPerHour(hourRows)) this.addHour(key, value);
        rows += hourRows.length;
      }
      at = end;
    }
    return { rolledToMin: at, rows };
  }

  /** The minute of the newest fn_rollup row, or null when there is none. */
  lastMinute(): number | null {
    const row = this.q.lastMinute.get() as { minute: number } | undefined;
    return row ? row.minute : null;
  }
}

/** Rows summed per function, series and whole hour, each merged in the order given (`coarsen`'s minute order). */
function sumPerHour(rows: OldRow[]): Iterable<{ key: RollupKey; value: RollupValue }> {
  const hours = new Map<string, { key: RollupKey; value: RollupValue }>();
  for (const row of rows) {
    const hour = Math.floor(row.minute / 60) * 60;
    const k = `${row.fnId}/${hour}/${row.seriesId}`;
    let acc = hours.get(k);
    if (!acc) {
      acc = { key: { seriesId: row.seriesId, fnId: row.fnId, minute: hour, widthMin: 60 }, value: emptyRollup() };
      hours.set(k, acc);
    }
    mergeRollup(acc.value, decodeRollup(row));
  }
  return hours.values();
}

/**
 * The end of the whole hours fn_hour holds (meta 'hour_rollups_to_min'): fn_hour is complete for
 * the hours in [hour_rollups_from_min, this), and reads take later hours from fn_rollup. Ingest
 * adds to fn_hour only below it; maintenance rolls hours into fn_hour and moves it.
 *
 * A store without the key was last written when ingest added every span to fn_hour as well, so
 * fn_hour is complete for every hour from hour_rollups_from_min on, and any mark from there to the
 * end of its newest rollup hour reads exactly. The mark is derived as that end, but not past the
 * start of the current hour: the current hour is then rolled like any other, and a span stamped far
 * ahead does not keep ingest writing fn_hour until that time. Rolling replaces fn_hour rows, so the
 * partial rows of the hours past the mark are overwritten, never added to.
 */
export function hourRollupsTo(meta: MetaTable, rollups: RollupsTable, nowMs: number): number {
  const stored = meta.get('hour_rollups_to_min');
  return stored !== null ? Number(stored) : derivedHourRollupsTo(meta, rollups, nowMs);
}

/** `hourRollupsTo`, stored when it was derived, so the writes that follow in the transaction keep it true. */
export function settleHourRollupsTo(meta: MetaTable, rollups: RollupsTable, nowMs: number): number {
  const stored = meta.get('hour_rollups_to_min');
  if (stored !== null) return Number(stored);
  const mark = derivedHourRollupsTo(meta, rollups, nowMs);
  meta.set('hour_rollups_to_min', String(mark));
  return mark;
}

function derivedHourRollupsTo(meta: MetaTable, rollups: RollupsTable, nowMs: number): number {
  const from = Math.ceil(meta.getNumber('hour_rollups_from_min') / 60) * 60;
  const last = rollups.lastMinute();
  if (last === null) return from;
  const currentHour = Math.floor(nowMs / 3_600_000) * 60;
  return Math.max(from, Math.min(Math.floor(last / 60) * 60 + 60, currentHour));
}
