-- Why a scoring run left each of its unranked units out, one element per
-- element of unranked_units: 'roster' when the roster keeps the unit out
-- (赛道 不参与排名), 'no data' when the unit had no value for any
-- indicator in the period. Rows written before this file read an empty
-- array, and their units are told apart as before, by the text of the
-- reason.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.score_runs ADD COLUMN unranked_causes Array(String);
