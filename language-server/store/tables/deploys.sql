-- name: seen
INSERT INTO deploys (service, environment, version, commit_sha, first_seen_ms, last_seen_ms, span_count, source)
VALUES (@service, @environment, @version, @commit, @firstSeenMs, @lastSeenMs, @spanCount, 'telemetry')
ON CONFLICT (service, environment, version) DO UPDATE SET
  commit_sha = coalesce(commit_sha, excluded.commit_sha),
  first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
  last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
  span_count = span_count + excluded.span_count;

-- An explicit marker names the commit with authority and marks the row as announced.
-- name: marker
INSERT INTO deploys (service, environment, version, commit_sha, first_seen_ms, last_seen_ms, span_count, source)
VALUES (@service, @environment, @version, @commit, @timeMs, @timeMs, 0, 'marker')
ON CONFLICT (service, environment, version) DO UPDATE SET
  commit_sha = coalesce(excluded.commit_sha, commit_sha),
  first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
  last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
  source = 'marker';

-- name: list
SELECT service, environment, version, commit_sha AS "commit", first_seen_ms AS firstSeenMs,
       last_seen_ms AS lastSeenMs, span_count AS spanCount, source
FROM deploys
WHERE (@service IS NULL OR service = @service) AND (@environment IS NULL OR environment = @environment)
ORDER BY first_seen_ms DESC, version
LIMIT 1000;
