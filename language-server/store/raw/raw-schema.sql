-- The raw-span store: a SQLite file of its own next to the main store (raw/raw-database.ts), so a
-- worker thread can write a pull's raw spans (raw/raw-writer.ts) while the main thread writes the
-- pull's rollups: SQLite allows one writer per file. The main connection attaches it as `raw`; no
-- table here shares a name with one of the main file, so queries name them unqualified.
--
-- Raw spans, kept within the retention bounds (maintenance.ts). `bytes` is the row's estimated
-- size, summed into raw_meta 'raw_bytes' so the size bound needs no table scan. Rowid order is
-- arrival order, which retention uses instead of a start-time index. trace_key is the trace id's
-- first 13 hex digits as an integer: an index on it is far cheaper to maintain than one on random
-- text. series_id and fn_id name rows of the main file.
CREATE TABLE spans (
  id             INTEGER PRIMARY KEY,
  trace_key      INTEGER NOT NULL,
  trace_id       TEXT NOT NULL,
  span_id        TEXT NOT NULL,
  parent_span_id TEXT,
  fn_id          INTEGER,
  series_id      INTEGER NOT NULL,
  name           TEXT NOT NULL,
  kind           INTEGER NOT NULL,
  start_ns       INTEGER NOT NULL,
  duration_us    REAL NOT NULL,
  status         INTEGER NOT NULL,
  status_message TEXT NOT NULL,
  attributes     TEXT NOT NULL,
  exceptions     TEXT NOT NULL,
  bytes          INTEGER NOT NULL
);
CREATE INDEX spans_trace ON spans (trace_key);
CREATE INDEX spans_fn_time ON spans (fn_id, start_ns) WHERE fn_id IS NOT NULL;

-- raw_cursor: the collector cursor of the last pull whose raw spans are stored (the main file's
-- pull_cursor says the same of its rollups). raw_bytes: estimated bytes of the raw spans stored.
CREATE TABLE raw_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
