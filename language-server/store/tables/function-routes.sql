-- Per-function calls split by the entry route of their trace, read from raw spans for the deploy
-- diff's traffic-mix check. The entry span of a call is the earliest span of the same trace and
-- series that is a SERVER or CONSUMER span or has no parent: the request that brought the trace into
-- this service. Hot functions are sampled (each call kept with the function's share). Calls are read through spans_fn_time (one range per function), entry spans through
-- spans_trace, so the cost follows the window's calls, not the table.

-- name: callsWithRoutes
WITH calls AS (
  SELECT s.fn_id, s.trace_key, s.trace_id, s.duration_us, s.status
  FROM json_each(@fns) AS f
  JOIN spans s ON s.fn_id = f.value ->> 0 AND s.start_ns >= @fromNs AND s.start_ns < @toNs
  -- A pseudo-random share of each function's calls, decided from the rowid, which the index holds,
  -- so calls left out cost an index step and nothing more.
  WHERE (s.id * 2654435761) % 1048573 < f.value ->> 1
    AND s.series_id = @seriesId
)
SELECT c.fn_id AS fnId, c.duration_us AS durationUs, c.status AS status,
       (SELECT route FROM (
          -- SQLite takes the bare column from the row of min(): the earliest entry span, no sort.
          SELECT coalesce(
                   CASE WHEN e.attributes ->> '$."http.route"' IS NOT NULL
                        THEN trim(coalesce(e.attributes ->> '$."http.request.method"', e.attributes ->> '$."http.method"', '') || ' ' ||
                                  (e.attributes ->> '$."http.route"'))
                   END,
                   e.attributes ->> '$."rpc.method"',
                   e.name) AS route,
                 min(e.start_ns)
          FROM spans e
          WHERE e.trace_key = c.trace_key AND e.trace_id = c.trace_id AND e.series_id = @seriesId
            AND (e.kind IN (2, 5) OR e.parent_span_id IS NULL))) AS route
FROM calls c
LIMIT @limit;
