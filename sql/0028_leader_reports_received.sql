-- The day saima first received a half-year report of a leader-led project
-- (领衔事项半年报告): the Beijing day of its first upload, or the day the
-- office stated for an import of old history (saima import --received).
-- Lateness is judged by the later of this day and 报送日期, so a backdated
-- 报送日期 does not hide a late report. Rows written before this file
-- read NULL, and their lateness goes by 报送日期 alone.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.leader_reports ADD COLUMN received Nullable(Date);
