import type { Database } from 'better-sqlite3';
import { type Buckets, record } from '../../analysis/histogram';
import { prepareNamed } from '../named-statements';
import sql from './function-routes.sql';
import type { Tables } from './index';

/** One function's calls from one entry route in a window. */
export interface RouteCalls {
  route: string;
  histogram: Buckets;
  requests: number;
  errors: number;
}

export interface FunctionRouteCalls {
  /** Per function id, per entry route. */
  byFunction: Map<number, Map<string, RouteCalls>>;
  /** Raw calls read; equal to the limit when the read stopped early. */
  calls: number;
  truncated: boolean;
}

/** The prime the sampling condition of function-routes.sql reduces rowids by. */
const SAMPLE_MODULUS = 1_048_573;

/** Entry route of a call whose trace lost its entry span (sampled away or dropped). */
export const NO_ENTRY_ROUTE = '(no entry span)';

/** Raw calls of chosen functions split by the entry route of their trace (the per-function traffic mix). */
export class FunctionRoutesTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/function-routes.sql', ['callsWithRoutes'] as const);
  }

  /** `fns` pairs a function id with the share of its calls to read (0..1). */
  calls(seriesId: number, fns: ReadonlyArray<readonly [number, number]>, fromNs: bigint, toNs: bigint, limit: number): FunctionRouteCalls {
    const sampled = JSON.stringify(fns.map(([id, share]) => [id, Math.ceil(Math.min(1, share) * SAMPLE_MODULUS)]));
    const byFunction = new Map<number, Map<string, RouteCalls>>();
    let calls = 0;
    const rows = this.q.callsWithRoutes.raw(true).iterate({ seriesId, fns: sampled, fromNs, toNs, limit }) as IterableIterator<[number, number, number, string | null]>;
    for (const [fnId, durationUs, status, route] of rows) {
      calls++;
      let routes = byFunction.get(fnId);
      if (!routes) byFunction.set(fnId, (routes = new Map()));
      const name = route ?? NO_ENTRY_ROUTE;
      let r = routes.get(name);
      if (!r) routes.set(name, (r = { route: name, histogram: new Map(), requests: 0, errors: 0 }));
      record(r.histogram, durationUs);
      r.requests++;
      if (status === 2) r.errors++;
    }
    return { byFunction, calls, truncated: calls >= limit };
  }
}

export interface FunctionRoutesQuery {
  service: string;
  environment: string;
  version: string;
  /** `share`: the fraction of the function's calls to read, a pseudo-random sample (1 reads all). */
  fns: ReadonlyArray<{ file: string; qualifiedName: string; share: number }>;
  fromMs: number;
  toMs: number;
  /** Most raw calls read for one side; the read stops there and says so. */
  limit: number;
}

export interface FunctionRoutes {
  /** In the order of the query's functions; functions the store does not know have no routes. */
  functions: Array<{ file: string; qualifiedName: string; routes: RouteCalls[] }>;
  calls: number;
  truncated: boolean;
}

export function functionRoutes(t: Pick<Tables, 'series' | 'functions' | 'functionRoutes'>, q: FunctionRoutesQuery): FunctionRoutes {
  const seriesId = t.series.find(q);
  const ids = q.fns.map((f) => t.functions.find(f));
  const known = q.fns.flatMap((f, i) => (ids[i] === null || ids[i] === undefined ? [] : [[ids[i], f.share] as const]));
  const read = seriesId === null || known.length === 0
    ? { byFunction: new Map<number, Map<string, RouteCalls>>(), calls: 0, truncated: false }
    : t.functionRoutes.calls(seriesId, known, BigInt(Math.floor(q.fromMs)) * 1_000_000n, BigInt(Math.ceil(q.toMs)) * 1_000_000n, q.limit);
  return {
    functions: q.fns.map((f, i) => {
      const id = ids[i];
      const routes = id === null || id === undefined ? undefined : read.byFunction.get(id);
      return { file: f.file, qualifiedName: f.qualifiedName, routes: routes ? [...routes.values()] : [] };
    }),
    calls: read.calls,
    truncated: read.truncated,
  };
}
