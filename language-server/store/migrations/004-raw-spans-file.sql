-- Raw spans move to their own file, attached as `raw` (raw/raw-database.ts), with their byte count;
-- the raw cursor starts where the rollups' is. INSERT OR IGNORE keeps ids, so a copy cut short by a
-- crash (the two files commit apart) is completed, not doubled, when the migration runs again.
INSERT OR IGNORE INTO raw.spans SELECT * FROM main.spans;
INSERT OR REPLACE INTO raw.raw_meta (key, value) SELECT 'raw_bytes', CAST(coalesce(sum(bytes), 0) AS TEXT) FROM raw.spans;
INSERT OR REPLACE INTO raw.raw_meta (key, value) SELECT 'raw_cursor', value FROM main.meta WHERE key = 'pull_cursor';
DELETE FROM main.meta WHERE key = 'raw_bytes';
DROP TABLE main.spans;
