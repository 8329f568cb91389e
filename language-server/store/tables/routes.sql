-- name: add
INSERT INTO route_minute (series_id, route, minute, width_min, count, errors)
VALUES (?, ?, ?, 1, ?, ?)
ON CONFLICT (series_id, route, minute, width_min)
DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors;

-- name: forSeries
SELECT route, sum(count) AS requests, sum(errors) AS errors
FROM route_minute
WHERE series_id = @seriesId AND minute > @from - 60 AND minute < @to AND minute + width_min > @from
GROUP BY route
ORDER BY requests DESC, route
LIMIT 1000;

-- name: oldMinuteIds
SELECT id FROM route_minute WHERE width_min = 1 AND minute < ? ORDER BY minute LIMIT ?;

-- name: foldIntoHours
INSERT INTO route_minute (series_id, route, minute, width_min, count, errors)
SELECT series_id, route, (minute / 60) * 60, 60, sum(count), sum(errors)
FROM route_minute
WHERE id IN (SELECT value FROM json_each(?))
GROUP BY series_id, route, minute / 60
ON CONFLICT (series_id, route, minute, width_min)
DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors;

-- name: deleteIds
DELETE FROM route_minute WHERE id IN (SELECT value FROM json_each(?));
