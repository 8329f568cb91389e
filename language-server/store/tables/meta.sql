-- name: get
SELECT value FROM meta WHERE key = ?;

-- name: set
INSERT INTO meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: remove
DELETE FROM meta WHERE key = ?;

-- A write that changes nothing: the first statement of a deferred transaction takes the file's write
-- lock with it, waiting on another writer as BEGIN IMMEDIATE would, without locking attached files.
-- name: lock
UPDATE meta SET value = value WHERE 0;
