-- name: insert
INSERT INTO spans (trace_key, trace_id, span_id, parent_span_id, fn_id, series_id, name, kind,
                   start_ns, duration_us, status, status_message, attributes, exceptions, bytes)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: bySpanId
SELECT id, fn_id AS fnId, exceptions, bytes FROM spans WHERE trace_key = ? AND trace_id = ? AND span_id = ?;

-- name: setExceptions
UPDATE spans SET exceptions = ?, bytes = ? WHERE id = ?;

-- name: byTrace
SELECT s.trace_id AS traceId, s.span_id AS spanId, s.parent_span_id AS parentSpanId, s.fn_id AS fnId,
       f.file, f.qualified_name AS qualifiedName, f.line, r.service, r.environment, r.version, s.name, s.kind,
       CAST(s.start_ns AS TEXT) AS startNs, s.duration_us AS durationUs, s.status AS statusCode,
       s.status_message AS statusMessage, s.attributes, s.exceptions
FROM spans s LEFT JOIN functions f ON f.id = s.fn_id JOIN series r ON r.id = s.series_id
WHERE s.trace_key = ? AND s.trace_id = ?
ORDER BY s.start_ns, s.id
LIMIT 10000;

-- name: recentForFunction
SELECT s.trace_id AS traceId, s.span_id AS spanId, s.parent_span_id AS parentSpanId, s.fn_id AS fnId,
       f.file, f.qualified_name AS qualifiedName, f.line, r.service, r.environment, r.version, s.name, s.kind,
       CAST(s.start_ns AS TEXT) AS startNs, s.duration_us AS durationUs, s.status AS statusCode,
       s.status_message AS statusMessage, s.attributes, s.exceptions
FROM spans s JOIN functions f ON f.id = s.fn_id JOIN series r ON r.id = s.series_id
WHERE s.fn_id = @fnId AND s.start_ns >= @fromNs AND s.start_ns < @toNs
ORDER BY s.start_ns DESC
LIMIT @limit;

-- name: outliersForFunction
SELECT s.trace_id AS traceId, s.span_id AS spanId, s.parent_span_id AS parentSpanId, s.fn_id AS fnId,
       f.file, f.qualified_name AS qualifiedName, f.line, r.service, r.environment, r.version, s.name, s.kind,
       CAST(s.start_ns AS TEXT) AS startNs, s.duration_us AS durationUs, s.status AS statusCode,
       s.status_message AS statusMessage, s.attributes, s.exceptions
FROM spans s JOIN functions f ON f.id = s.fn_id JOIN series r ON r.id = s.series_id
WHERE s.fn_id = @fnId AND s.start_ns >= @fromNs AND s.start_ns < @toNs
  AND (s.status = 2 OR s.duration_us >= @minDurationUs)
ORDER BY s.start_ns DESC
LIMIT @limit;

-- Retention goes in arrival (rowid) order. A span stamped in the future is dropped when it reaches
-- the head, so clock skew cannot hold back the age bound.
-- name: deleteExpired
DELETE FROM spans
WHERE id IN (SELECT id FROM spans ORDER BY id LIMIT @limit)
  AND (start_ns < @beforeNs OR start_ns > @futureNs)
RETURNING bytes;

-- name: deleteOldest
DELETE FROM spans
WHERE id IN (SELECT id FROM spans ORDER BY id LIMIT ?)
RETURNING bytes;

-- name: count
SELECT count(*) AS n FROM spans;
