-- name: byKey
SELECT id FROM series WHERE service = ? AND environment = ? AND version = ?;

-- name: insert
INSERT INTO series (service, environment, version) VALUES (?, ?, ?);
