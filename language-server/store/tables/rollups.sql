-- Window reads serve lenses and reports: one row per function, summed in SQLite (a 7-day lens
-- would otherwise turn thousands of rows into JS objects), without text columns, which cost more
-- per row than the rest together; the caller looks functions up by id.
-- Window predicates: a row overlaps [from, to) minutes when it starts before `to` and ends after
-- `from`; hour rows (width 60) count whole. `minute > from - 60` lets the index bound the scan.

-- hist and exemplars are merged by the JS functions RollupsTable registers on the connection.
-- name: add
INSERT INTO fn_rollup (minute, fn_id, width_min, series_id, count, errors, thrown_here,
                       sum_us, min_us, max_us, hist, mapped_by, confidence_sum, ambiguous, exemplars)
VALUES (@minute, @fnId, @widthMin, @seriesId, @count, @errors, @thrownHere,
        @sumUs, @minUs, @maxUs, @hist, @mappedBy, @confidenceSum, @ambiguous, @exemplars)
ON CONFLICT (minute, fn_id, width_min, series_id) DO UPDATE SET
  count = count + excluded.count,
  errors = errors + excluded.errors,
  thrown_here = thrown_here + excluded.thrown_here,
  sum_us = sum_us + excluded.sum_us,
  min_us = min(coalesce(min_us, excluded.min_us), coalesce(excluded.min_us, min_us)),
  max_us = max(coalesce(max_us, excluded.max_us), coalesce(excluded.max_us, max_us)),
  hist = prodlens_hist_merge(hist, excluded.hist),
  mapped_by = mapped_by | excluded.mapped_by,
  confidence_sum = confidence_sum + excluded.confidence_sum,
  ambiguous = ambiguous + excluded.ambiguous,
  exemplars = prodlens_exemplars_merge(exemplars, excluded.exemplars);

-- name: inWindow
SELECT r.fn_id AS fnId, sum(r.count) AS count, sum(r.errors) AS errors, sum(r.thrown_here) AS thrownHere,
       sum(r.sum_us) AS sumUs, min(r.min_us) AS minUs, max(r.max_us) AS maxUs, prodlens_hist_sum(r.hist) AS hist,
       prodlens_bit_or(r.mapped_by) AS mappedBy, sum(r.confidence_sum) AS confidenceSum, sum(r.ambiguous) AS ambiguous
FROM fn_rollup r JOIN functions f ON f.id = r.fn_id JOIN series s ON s.id = r.series_id
WHERE r.minute > @from - 60 AND r.minute < @to AND r.minute + r.width_min > @from
  AND (@services IS NULL OR s.service IN (SELECT value FROM json_each(@services)))
  AND (@environments IS NULL OR s.environment IN (SELECT value FROM json_each(@environments)))
GROUP BY r.fn_id;

-- name: inWindowForFiles
SELECT r.fn_id AS fnId, sum(r.count) AS count, sum(r.errors) AS errors, sum(r.thrown_here) AS thrownHere,
       sum(r.sum_us) AS sumUs, min(r.min_us) AS minUs, max(r.max_us) AS maxUs, prodlens_hist_sum(r.hist) AS hist,
       prodlens_bit_or(r.mapped_by) AS mappedBy, sum(r.confidence_sum) AS confidenceSum, sum(r.ambiguous) AS ambiguous
FROM functions f JOIN fn_rollup r ON r.fn_id = f.id JOIN series s ON s.id = r.series_id
WHERE f.file IN (SELECT value FROM json_each(@files))
  AND r.minute > @from - 60 AND r.minute < @to AND r.minute + r.width_min > @from
  AND (@services IS NULL OR s.service IN (SELECT value FROM json_each(@services)))
  AND (@environments IS NULL OR s.environment IN (SELECT value FROM json_each(@environments)))
GROUP BY r.fn_id;

-- name: forFunction
SELECT r.fn_id AS fnId, f.file, f.qualified_name AS qualifiedName, f.line, s.service, s.environment, s.version,
       r.count, r.errors, r.thrown_here AS thrownHere, r.sum_us AS sumUs, r.min_us AS minUs, r.max_us AS maxUs,
       r.hist, r.mapped_by AS mappedBy, r.confidence_sum AS confidenceSum, r.ambiguous, r.exemplars
FROM fn_rollup r JOIN functions f ON f.id = r.fn_id JOIN series s ON s.id = r.series_id
WHERE r.fn_id = @fnId AND r.minute > @from - 60 AND r.minute < @to AND r.minute + r.width_min > @from;

-- name: forSeries
SELECT r.fn_id AS fnId, f.file, f.qualified_name AS qualifiedName, f.line, s.service, s.environment, s.version,
       r.count, r.errors, r.thrown_here AS thrownHere, r.sum_us AS sumUs, r.min_us AS minUs, r.max_us AS maxUs,
       r.hist, r.mapped_by AS mappedBy, r.confidence_sum AS confidenceSum, r.ambiguous, r.exemplars
FROM fn_rollup r JOIN functions f ON f.id = r.fn_id JOIN series s ON s.id = r.series_id
WHERE r.series_id = @seriesId AND r.minute > @from - 60 AND r.minute < @to AND r.minute + r.width_min > @from;

-- name: oldMinuteRows
SELECT minute, fn_id AS fnId, series_id AS seriesId, count, errors, thrown_here AS thrownHere,
       sum_us AS sumUs, min_us AS minUs, max_us AS maxUs, hist, mapped_by AS mappedBy,
       confidence_sum AS confidenceSum, ambiguous, exemplars
FROM fn_rollup
WHERE minute >= ? AND minute < ? AND width_min = 1
ORDER BY minute
LIMIT ?;

-- name: deleteRow
DELETE FROM fn_rollup WHERE minute = ? AND fn_id = ? AND width_min = 1 AND series_id = ?;

-- Hour rollups (fn_hour, migration 002): the same upsert and reads, whole hours in [from, to).
-- Ingest upserts only hours already rolled (late spans); maintenance rolls the others from fn_rollup.
-- name: addHour
INSERT INTO fn_hour (hour, fn_id, series_id, count, errors, thrown_here,
                     sum_us, min_us, max_us, hist, mapped_by, confidence_sum, ambiguous, exemplars)
VALUES (@minute, @fnId, @seriesId, @count, @errors, @thrownHere,
        @sumUs, @minUs, @maxUs, @hist, @mappedBy, @confidenceSum, @ambiguous, @exemplars)
ON CONFLICT (fn_id, hour, series_id) DO UPDATE SET
  count = count + excluded.count,
  errors = errors + excluded.errors,
  thrown_here = thrown_here + excluded.thrown_here,
  sum_us = sum_us + excluded.sum_us,
  min_us = min(coalesce(min_us, excluded.min_us), coalesce(excluded.min_us, min_us)),
  max_us = max(coalesce(max_us, excluded.max_us), coalesce(excluded.max_us, max_us)),
  hist = prodlens_hist_merge(hist, excluded.hist),
  mapped_by = mapped_by | excluded.mapped_by,
  confidence_sum = confidence_sum + excluded.confidence_sum,
  ambiguous = ambiguous + excluded.ambiguous,
  exemplars = prodlens_exemplars_merge(exemplars, excluded.exemplars);

-- name: hoursInWindow
SELECT r.fn_id AS fnId, sum(r.count) AS count, sum(r.errors) AS errors, sum(r.thrown_here) AS thrownHere,
       sum(r.sum_us) AS sumUs, min(r.min_us) AS minUs, max(r.max_us) AS maxUs, prodlens_hist_sum(r.hist) AS hist,
       prodlens_bit_or(r.mapped_by) AS mappedBy, sum(r.confidence_sum) AS confidenceSum, sum(r.ambiguous) AS ambiguous
FROM fn_hour r JOIN functions f ON f.id = r.fn_id JOIN series s ON s.id = r.series_id
WHERE r.hour >= @from AND r.hour < @to
  AND (@services IS NULL OR s.service IN (SELECT value FROM json_each(@services)))
  AND (@environments IS NULL OR s.environment IN (SELECT value FROM json_each(@environments)))
GROUP BY r.fn_id;

-- name: hoursInWindowForFiles
SELECT r.fn_id AS fnId, sum(r.count) AS count, sum(r.errors) AS errors, sum(r.thrown_here) AS thrownHere,
       sum(r.sum_us) AS sumUs, min(r.min_us) AS minUs, max(r.max_us) AS maxUs, prodlens_hist_sum(r.hist) AS hist,
       prodlens_bit_or(r.mapped_by) AS mappedBy, sum(r.confidence_sum) AS confidenceSum, sum(r.ambiguous) AS ambiguous
FROM functions f JOIN fn_hour r ON r.fn_id = f.id JOIN series s ON s.id = r.series_id
WHERE f.file IN (SELECT value FROM json_each(@files))
  AND r.hour >= @from AND r.hour < @to
  AND (@services IS NULL OR s.service IN (SELECT value FROM json_each(@services)))
  AND (@environments IS NULL OR s.environment IN (SELECT value FROM json_each(@environments)))
GROUP BY r.fn_id;

-- name: hoursForFunction
SELECT r.fn_id AS fnId, f.file, f.qualified_name AS qualifiedName, f.line, s.service, s.environment, s.version,
       r.count, r.errors, r.thrown_here AS thrownHere, r.sum_us AS sumUs, r.min_us AS minUs, r.max_us AS maxUs,
       r.hist, r.mapped_by AS mappedBy, r.confidence_sum AS confidenceSum, r.ambiguous, r.exemplars
FROM fn_hour r JOIN functions f ON f.id = r.fn_id JOIN series s ON s.id = r.series_id
WHERE r.fn_id = @fnId AND r.hour >= @from AND r.hour < @to;

-- Rolling hours into fn_hour (RollupsTable.rollHours): where the next hour with rows starts, that
-- hour's rows in the order `coarsen` merges them (its coarsened hour row first, then minutes), and
-- the fn_hour rows the roll replaces. The newest row tells a store without a roll mark where its
-- fn_hour ends (tables/rollups.ts `hourRollupsTo`).
-- name: firstMinute
SELECT minute FROM fn_rollup WHERE minute >= ? AND minute < ? ORDER BY minute LIMIT 1;

-- name: lastMinute
SELECT minute FROM fn_rollup ORDER BY minute DESC LIMIT 1;

-- name: hourRows
SELECT minute, fn_id AS fnId, series_id AS seriesId, count, errors, thrown_here AS thrownHere,
       sum_us AS sumUs, min_us AS minUs, max_us AS maxUs, hist, mapped_by AS mappedBy,
       confidence_sum AS confidenceSum, ambiguous, exemplars
FROM fn_rollup
WHERE minute >= ? AND minute < ?
ORDER BY minute, width_min DESC;

-- name: deleteHours
DELETE FROM fn_hour WHERE hour >= ? AND hour < ?;

-- Taking a nested call back out of its rows (store/nested-calls.ts): read, subtract in JS, write.
-- name: counts
SELECT count, errors, sum_us AS sumUs, hist, confidence_sum AS confidenceSum, ambiguous
FROM fn_rollup WHERE minute = @minute AND fn_id = @fnId AND width_min = @widthMin AND series_id = @seriesId;

-- name: setCounts
UPDATE fn_rollup SET count = @count, errors = @errors, sum_us = @sumUs, hist = @hist,
                     confidence_sum = @confidenceSum, ambiguous = @ambiguous
WHERE minute = @minute AND fn_id = @fnId AND width_min = @widthMin AND series_id = @seriesId;

-- name: hourCounts
SELECT count, errors, sum_us AS sumUs, hist, confidence_sum AS confidenceSum, ambiguous
FROM fn_hour WHERE hour = @minute AND fn_id = @fnId AND series_id = @seriesId;

-- name: setHourCounts
UPDATE fn_hour SET count = @count, errors = @errors, sum_us = @sumUs, hist = @hist,
                   confidence_sum = @confidenceSum, ambiguous = @ambiguous
WHERE hour = @minute AND fn_id = @fnId AND series_id = @seriesId;
