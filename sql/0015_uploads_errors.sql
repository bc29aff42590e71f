-- The error list of a rejected or failed upload, so that a clerk who closed
-- the upload's result page can open it again from the audit log. Element i
-- of each array belongs to the same error, as in the c_ arrays of scores.
-- The import lists at most 100 errors (ingest.DefaultMaxErrors) and only
-- counts the rest in errors, so one row contains at most 100 elements per
-- array, and long cell values are cut short before they are written.
-- error_own_subject is 1 where the reason names its own subject. Other rows,
-- and the rows written before this file, read empty arrays.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.uploads
    ADD COLUMN error_sheet Array(String),
    ADD COLUMN error_row Array(UInt32),
    ADD COLUMN error_column Array(String),
    ADD COLUMN error_value Array(String),
    ADD COLUMN error_reason Array(String),
    ADD COLUMN error_fix Array(String),
    ADD COLUMN error_own_subject Array(UInt8);
