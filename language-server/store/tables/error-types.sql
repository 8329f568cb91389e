-- name: add
INSERT INTO error_types (service, environment, version, fn_id, type, count, first_seen_ms, last_seen_ms, message)
VALUES (@service, @environment, @version, @fnId, @type, @count, @firstSeenMs, @lastSeenMs, @message)
ON CONFLICT (service, environment, version, fn_id, type) DO UPDATE SET
  count = count + excluded.count,
  first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
  last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
  message = CASE WHEN excluded.last_seen_ms >= last_seen_ms THEN excluded.message ELSE message END;

-- name: forVersion
SELECT e.fn_id AS fnId, f.file, f.qualified_name AS qualifiedName, f.line, e.type, e.count,
       e.first_seen_ms AS firstSeenMs, e.last_seen_ms AS lastSeenMs, e.message
FROM error_types e LEFT JOIN functions f ON f.id = e.fn_id
WHERE e.service = ? AND e.environment = ? AND e.version = ?
ORDER BY e.count DESC, e.type
LIMIT 1000;
