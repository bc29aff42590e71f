-- A done mark can be withdrawn (撤销标注): a new row of the same list and
-- item with withdrawn = 1, the reason in note and the day of the
-- withdrawal in date. Being the latest version, it supersedes the mark,
-- and readers skip it, so the item is open again; a later mark replaces
-- it in turn. Rows written before this file read 0.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.list_done ADD COLUMN withdrawn UInt8;
