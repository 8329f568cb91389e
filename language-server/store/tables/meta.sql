-- name: get
SELECT value FROM meta WHERE key = ?;

-- name: set
INSERT INTO meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: remove
DELETE FROM meta WHERE key = ?;
