-- name: get
SELECT value FROM raw_meta WHERE key = ?;

-- name: set
INSERT INTO raw_meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: remove
DELETE FROM raw_meta WHERE key = ?;
