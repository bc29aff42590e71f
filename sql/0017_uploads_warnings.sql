-- The warning list of an upload, kept the way 0015_uploads_errors.sql
-- keeps its error list. Element i of each array belongs to the same
-- warning. One row contains at most 100 warnings (ingest.DefaultMaxErrors),
-- the column warnings counts the rest too, and long texts are cut short.
-- A rejected upload keeps the warnings of its file beside its errors, and
-- an imported one the warnings it was taken with. Other rows, and the rows
-- written before this file, read empty arrays.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.uploads
    ADD COLUMN warning_sheet Array(String),
    ADD COLUMN warning_row Array(UInt32),
    ADD COLUMN warning_column Array(String),
    ADD COLUMN warning_value Array(String),
    ADD COLUMN warning_reason Array(String),
    ADD COLUMN warning_fix Array(String),
    ADD COLUMN warning_own_subject Array(UInt8);
