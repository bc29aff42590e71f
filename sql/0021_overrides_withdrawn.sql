-- An override can be withdrawn (撤销): a new row of the same period, unit
-- and indicator with withdrawn = 1 and the reason in why. Being the latest,
-- it ends the earlier override, and the computed score shows again. Rows
-- written before this file read 0.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.overrides ADD COLUMN withdrawn UInt8;
