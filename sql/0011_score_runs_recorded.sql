-- The store version at which SaveScores wrote each scoring run, on the
-- same clock as evaluations.recorded. computed_at has whole seconds, so
-- two drafts of one period saved in the same second have equal
-- computed_at, and recorded orders them. Rows written before this file
-- read 0 and are ordered by computed_at alone.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.score_runs ADD COLUMN recorded UInt64 DEFAULT 0;
