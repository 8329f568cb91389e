-- name: insert
INSERT INTO pending_log_exceptions (trace_id, span_id, time_ns, service, environment, version, exception, thrown, arrived_ms)
VALUES (@traceId, @spanId, @timeNs, @service, @environment, @version, @exception, @thrown, @arrivedMs);

-- The table is bounded, so a batch reads its keys once rather than probing it for every span.
-- name: keys
SELECT id, trace_id AS traceId, span_id AS spanId FROM pending_log_exceptions;

-- name: byId
SELECT id, trace_id AS traceId, span_id AS spanId, CAST(time_ns AS TEXT) AS timeNs, service, environment, version,
       exception, thrown, arrived_ms AS arrivedMs
FROM pending_log_exceptions WHERE id = ?;

-- name: expired
SELECT id, trace_id AS traceId, span_id AS spanId, CAST(time_ns AS TEXT) AS timeNs, service, environment, version,
       exception, thrown, arrived_ms AS arrivedMs
FROM pending_log_exceptions WHERE arrived_ms < ? ORDER BY id LIMIT ?;

-- name: remove
DELETE FROM pending_log_exceptions WHERE id = ?;

-- name: count
SELECT count(*) AS n FROM pending_log_exceptions;
