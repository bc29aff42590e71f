-- The order in which scoring runs were saved. computed_at counts whole
-- seconds, so two drafts of one period made in the same second tied, and
-- the engine chose the current one. recorded is the store version at which
-- SaveScores wrote the row, on the same clock as evaluations.recorded, and
-- breaks such ties. Rows written before this file read 0 and fall back to
-- computed_at alone.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.score_runs ADD COLUMN recorded UInt64 DEFAULT 0;
