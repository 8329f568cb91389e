-- name: add
INSERT INTO unmapped (service, name, route, reason, count, last_seen_ms)
VALUES (@service, @name, @route, @reason, @count, @lastSeenMs)
ON CONFLICT (service, name, route, reason) DO UPDATE SET
  count = count + excluded.count,
  last_seen_ms = max(last_seen_ms, excluded.last_seen_ms);

-- name: list
SELECT service, name, route, reason, count, last_seen_ms AS lastSeenMs
FROM unmapped
ORDER BY count DESC, service, name
LIMIT ?;
