-- Versions seen per (service, environment): the first and last span and the commit of each. Deploy
-- events are derived from these, the per-minute traffic below and the markers (deploys/events.ts).
-- name: seen
INSERT INTO deploys (service, environment, version, commit_sha, first_seen_ms, last_seen_ms, span_count, source)
VALUES (@service, @environment, @version, @commit, @firstSeenMs, @lastSeenMs, @spanCount, 'telemetry')
ON CONFLICT (service, environment, version) DO UPDATE SET
  commit_sha = coalesce(commit_sha, excluded.commit_sha),
  first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
  last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
  span_count = span_count + excluded.span_count;

-- Each announcement is its own row; the same one sent twice is stored once.
-- name: marker
INSERT INTO deploy_markers (service, environment, version, commit_sha, time_ms)
VALUES (@service, @environment, @version, @commit, @timeMs)
ON CONFLICT (service, environment, time_ms, version) DO UPDATE SET
  commit_sha = coalesce(excluded.commit_sha, commit_sha);

-- name: versions
SELECT service, environment, version, commit_sha AS "commit", first_seen_ms AS firstSeenMs,
       last_seen_ms AS lastSeenMs, span_count AS spanCount, source
FROM deploys
WHERE (@service IS NULL OR service = @service) AND (@environment IS NULL OR environment = @environment)
ORDER BY first_seen_ms
LIMIT 10000;

-- name: markers
SELECT service, environment, version, commit_sha AS "commit", time_ms AS timeMs
FROM deploy_markers
WHERE (@service IS NULL OR service = @service) AND (@environment IS NULL OR environment = @environment)
ORDER BY time_ms
LIMIT 10000;

-- Entry-span requests per version and minute (hour rows once coarsened): who was serving when.
-- name: traffic
SELECT s.service AS service, s.environment AS environment, s.version AS version, r.minute AS minute, sum(r.count) AS requests
FROM series s JOIN route_minute r ON r.series_id = s.id
WHERE s.version != '' AND (@service IS NULL OR s.service = @service) AND (@environment IS NULL OR s.environment = @environment)
GROUP BY s.service, s.environment, s.version, r.minute
ORDER BY r.minute
LIMIT 1000000;
