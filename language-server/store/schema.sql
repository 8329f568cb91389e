-- Prodlens store, schema version 1. Applied by migrations.ts to an empty database; later changes
-- are new migrations appended there, never edits to this file once released.
--
-- Times: *_ms are Unix milliseconds, `minute` is Unix minutes (ms / 60000), start_ns is Unix
-- nanoseconds (fits a 64-bit INTEGER until the year 2262). Durations are microseconds, the unit of
-- the latency histogram.

-- Functions that telemetry has been mapped to. `line` is the 0-based workspace line last reported.
CREATE TABLE functions (
  id             INTEGER PRIMARY KEY,
  file           TEXT NOT NULL,
  qualified_name TEXT NOT NULL,
  line           INTEGER NOT NULL,
  UNIQUE (file, qualified_name)
);

-- (service, environment, version) triples, interned so rollup and span keys are small integers.
CREATE TABLE series (
  id          INTEGER PRIMARY KEY,
  service     TEXT NOT NULL,
  environment TEXT NOT NULL,
  version     TEXT NOT NULL,
  UNIQUE (service, environment, version)
);

-- Per-function rollups per series (service, environment, version). width_min is 1 for minute rows and 60 for hour rows made by coarsening;
-- `minute` is the first minute the row covers. hist is the scale-5 exponential histogram of
-- durations in microseconds (analysis/histogram.ts encodeBuckets). mapped_by is a bit set over
-- MAPPED_BY_BITS (tables/rollups.ts); confidence_sum / count is the mean mapping confidence.
-- exemplars is JSON (exemplars.ts): the slowest spans and first/last span per error fingerprint.
-- The key leads with the minute, so upserts of a batch land at the right edge of the B-tree (about
-- twice as fast as a function-first key when every span opens its own row) and window scans are
-- range scans. Minute rows older than meta 'coarsened_before_min' do not exist: maintenance folds
-- them into hours and ingest writes late spans straight into hour rows, so coarsening only ever
-- looks at minutes after that mark.
CREATE TABLE fn_rollup (
  minute         INTEGER NOT NULL,
  fn_id          INTEGER NOT NULL REFERENCES functions (id),
  width_min      INTEGER NOT NULL,
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
  PRIMARY KEY (minute, fn_id, width_min, series_id)
) WITHOUT ROWID;
CREATE INDEX fn_rollup_fn ON fn_rollup (fn_id, minute);
CREATE INDEX fn_rollup_series ON fn_rollup (series_id, minute);

-- Entry spans (server/consumer kind, or trace roots) per name: the traffic mix.
CREATE TABLE route_minute (
  id          INTEGER PRIMARY KEY,
  series_id   INTEGER NOT NULL REFERENCES series (id),
  route       TEXT NOT NULL,
  minute      INTEGER NOT NULL,
  width_min   INTEGER NOT NULL,
  count       INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  UNIQUE (series_id, route, minute, width_min)
);
CREATE INDEX route_minute_time ON route_minute (width_min, minute);

-- Raw spans, kept within the retention bounds (maintenance.ts). `bytes` is the row's estimated
-- size, summed into meta 'raw_bytes' so the size bound needs no table scan. Rowid order is arrival
-- order, which retention uses instead of a start-time index. trace_key is the trace id's first 13
-- hex digits as an integer: an index on it is far cheaper to maintain than one on random text.
CREATE TABLE spans (
  id             INTEGER PRIMARY KEY,
  trace_key      INTEGER NOT NULL,
  trace_id       TEXT NOT NULL,
  span_id        TEXT NOT NULL,
  parent_span_id TEXT,
  fn_id          INTEGER,
  series_id      INTEGER NOT NULL REFERENCES series (id),
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

-- Exception types per version and function (fn_id 0: not tied to a function), for "new error types".
CREATE TABLE error_types (
  service       TEXT NOT NULL,
  environment   TEXT NOT NULL,
  version       TEXT NOT NULL,
  fn_id         INTEGER NOT NULL,
  type          TEXT NOT NULL,
  count         INTEGER NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  message       TEXT NOT NULL,
  PRIMARY KEY (service, environment, version, fn_id, type)
) WITHOUT ROWID;

-- Versions seen per (service, environment), from telemetry or from explicit markers.
CREATE TABLE deploys (
  service       TEXT NOT NULL,
  environment   TEXT NOT NULL,
  version       TEXT NOT NULL,
  commit_sha    TEXT,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  span_count    INTEGER NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('telemetry', 'marker')),
  PRIMARY KEY (service, environment, version)
) WITHOUT ROWID;

-- Telemetry that found no function, so users can see what is missing and why. route '' = none.
CREATE TABLE unmapped (
  service      TEXT NOT NULL,
  name         TEXT NOT NULL,
  route        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  count        INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  PRIMARY KEY (service, name, route, reason)
) WITHOUT ROWID;

-- Small key/value facts: the pull cursor, the collector id, the raw span byte total.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
