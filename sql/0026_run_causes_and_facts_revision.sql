-- Why a scoring run left each of its unranked units out, one element per
-- element of unranked_units. 'roster' means that the roster keeps the
-- unit out (赛道 不参与排名). 'no data' means that the unit had no value
-- for any indicator in the period. Rows written before this file read an
-- empty array, and their units are told apart by the reason's text, as
-- before.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.score_runs ADD COLUMN unranked_causes Array(String);

-- The revision of the facts that a scoring run read (scoring.FactsRevision),
-- which a published version recomputes with. Records written before this
-- file read 0: one-day projects (开始日期 equal to 计划完成日期) are left
-- out of 计划进度达成率. Revision 1 counts them.
ALTER TABLE {db}.evaluations ADD COLUMN facts_revision UInt32 DEFAULT 0;
