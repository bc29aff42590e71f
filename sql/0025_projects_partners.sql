-- A project's cooperating units (协同单位): roster units other than its
-- 责任单位 and 牵头单位 that work on it, as a multi-span project has. A
-- unit account may upload its own milestones on a project that lists it
-- here. Rows written before this file read an empty array.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.projects ADD COLUMN partners Array(String);
