-- Deploys are events (a version becoming the serving one at a time), not one row per version: a
-- rollback to 1.4.1 or a re-deploy of it is a deploy of its own. Telemetry events are derived from
-- the per-minute traffic of each version (deploys/events.ts); explicit markers are kept here, one row
-- per announcement, instead of being merged into the version's first appearance.
CREATE TABLE deploy_markers (
  service     TEXT NOT NULL,
  environment TEXT NOT NULL,
  version     TEXT NOT NULL,
  commit_sha  TEXT,
  time_ms     INTEGER NOT NULL,
  PRIMARY KEY (service, environment, time_ms, version)
) WITHOUT ROWID;

-- Markers recorded before this migration move here; the deploys table keeps telemetry only.
INSERT OR IGNORE INTO deploy_markers (service, environment, version, commit_sha, time_ms)
SELECT service, environment, version, commit_sha, first_seen_ms FROM deploys WHERE source = 'marker';
DELETE FROM deploys WHERE source = 'marker' AND span_count = 0;
UPDATE deploys SET source = 'telemetry' WHERE source = 'marker';
