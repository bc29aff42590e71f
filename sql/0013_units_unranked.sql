-- A unit's 不参与排名原因: why the office keeps it on the roster but out
-- of the ranking, with the track 不参与排名. Empty for every other unit,
-- and for the rows written before this file.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.units ADD COLUMN unranked_reason String;
