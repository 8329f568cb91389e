import type { Database } from 'better-sqlite3';
import { DeploysTable } from './deploys';
import { ErrorTypesTable } from './error-types';
import { FunctionsTable } from './functions';
import { FunctionRoutesTable } from './function-routes';
import { MetaTable } from './meta';
import { PendingLogsTable } from './pending-logs';
import { RawMetaTable } from '../raw/raw-meta';
import { RollupsTable } from './rollups';
import { RoutesTable } from './routes';
import { SeriesTable } from './series';
import { SpansTable } from './spans';
import { UnmappedTable } from './unmapped';

/** Every table module, prepared against one connection. */
export interface Tables {
  meta: MetaTable;
  functions: FunctionsTable;
  functionRoutes: FunctionRoutesTable;
  series: SeriesTable;
  rollups: RollupsTable;
  routes: RoutesTable;
  spans: SpansTable;
  errorTypes: ErrorTypesTable;
  deploys: DeploysTable;
  unmapped: UnmappedTable;
  pendingLogs: PendingLogsTable;
  /** raw_meta of the attached raw-span file (raw/raw-schema.sql). */
  rawMeta: RawMetaTable;
}

export function prepareTables(db: Database): Tables {
  return {
    meta: new MetaTable(db),
    functions: new FunctionsTable(db),
    functionRoutes: new FunctionRoutesTable(db),
    series: new SeriesTable(db),
    rollups: new RollupsTable(db),
    routes: new RoutesTable(db),
    spans: new SpansTable(db),
    errorTypes: new ErrorTypesTable(db),
    deploys: new DeploysTable(db),
    unmapped: new UnmappedTable(db),
    pendingLogs: new PendingLogsTable(db),
    rawMeta: new RawMetaTable(db),
  };
}
