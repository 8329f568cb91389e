-- Schema version 2: hour rollups kept from ingest on.
--
-- fn_rollup holds minute rows until maintenance coarsens them after two days, so a 7-day window
-- used to read up to 10,080 minute rows per function. fn_hour holds every span's contribution per
-- whole hour as soon as it is ingested, so a long window reads its whole hours here and only its
-- ragged edges from fn_rollup (store/queries.ts). Columns mean what they mean in fn_rollup;
-- `hour` is the hour's first Unix minute. Ingest writes both tables in the same transaction.
-- The key leads with the function: a lens reads a file's functions over many hours, and with the
-- rows clustered per function that is one range scan each instead of a random lookup per row.
CREATE TABLE fn_hour (
  hour           INTEGER NOT NULL,
  fn_id          INTEGER NOT NULL REFERENCES functions (id),
  series_id      INTEGER NOT NULL REFERENCES series (id),
  count          INTEGER NOT NULL,
  errors         INTEGER NOT NULL,
  thrown_here    INTEGER NOT NULL,
  sum_us         REAL NOT NULL,
  min_us         REAL,
  max_us         REAL,
  hist           BLOB NOT NULL,
  mapped_by      INTEGER NOT NULL,
  confidence_sum REAL NOT NULL,
  ambiguous      INTEGER NOT NULL,
  exemplars      TEXT NOT NULL,
  PRIMARY KEY (fn_id, hour, series_id)
) WITHOUT ROWID;
CREATE INDEX fn_hour_time ON fn_hour (hour);

-- A store that already holds rollups has no hour rows for them: fn_hour is complete only from the
-- next whole hour on, and queries read fn_rollup alone before this minute. A new store: from 0.
INSERT INTO meta (key, value)
SELECT 'hour_rollups_from_min',
       CASE WHEN EXISTS (SELECT 1 FROM fn_rollup)
            THEN CAST((CAST(strftime('%s', 'now') AS INTEGER) / 3600 + 1) * 60 AS TEXT)
            ELSE '0' END;

-- Exception log records whose span has not arrived yet (store/pending-logs.ts). Children, and
-- logs, are exported before the spans they belong to, often in an earlier batch; such a record
-- waits here, in the same transaction as the cursor that brought it, until its span arrives (it is
-- then attached and counted) or it expires (counted without a span). `thrown` is the ThrownHere
-- JSON the resolver found in its stack, or NULL. Bounded in rows by the store.
CREATE TABLE pending_log_exceptions (
  id          INTEGER PRIMARY KEY,
  trace_id    TEXT NOT NULL,
  span_id     TEXT NOT NULL,
  time_ns     INTEGER NOT NULL,
  service     TEXT NOT NULL,
  environment TEXT NOT NULL,
  version     TEXT NOT NULL,
  exception   TEXT NOT NULL,
  thrown      TEXT,
  arrived_ms  INTEGER NOT NULL
);
