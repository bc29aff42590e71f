-- A list item's 下达日期, the day it was put on its list. A done mark may
-- not be dated before it, or, when it is NULL, before the day of the
-- item's first upload. Rows written before this file read NULL.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.list_items ADD COLUMN issued Nullable(Date);
