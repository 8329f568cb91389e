-- name: byKey
SELECT id, line FROM functions WHERE file = ? AND qualified_name = ?;

-- name: byId
SELECT file, qualified_name AS qualifiedName, line FROM functions WHERE id = ?;

-- name: insert
INSERT INTO functions (file, qualified_name, line) VALUES (?, ?, ?);

-- name: updateLine
UPDATE functions SET line = ? WHERE id = ?;
