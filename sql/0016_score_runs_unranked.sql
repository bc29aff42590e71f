-- The units that a scoring run left out of the ranking on purpose (赛道
-- 不参与排名), with the 单位类别 and 不参与排名原因 that the roster gave
-- them when the run read it, one array element per unit. They sit in the
-- run's score_runs row, which SaveScores writes after the scores, so a
-- reader that picks the run also finds its list, and a run that broke off
-- has neither.
--
-- unranked_stored is 1 on the rows written since this file, including a
-- run that left out no unit. Rows written before it read 0 and empty
-- arrays: such a run never stored its list.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.score_runs
    ADD COLUMN unranked_stored UInt8 DEFAULT 0,
    ADD COLUMN unranked_units Array(String),
    ADD COLUMN unranked_kinds Array(String),
    ADD COLUMN unranked_reasons Array(String);
