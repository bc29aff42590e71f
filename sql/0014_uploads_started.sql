-- An upload that writes records is recorded as 'started' before its first
-- record, again about every minute while it writes, and then with its
-- outcome. The latest row of an id is its state: an 'ok' row first, since
-- it made the records visible, and otherwise the row with the highest
-- recorded. Readers of the ledger count only 'ok' rows, as before.
--
-- recorded is the store version (nanoseconds) at which the row was
-- written. owner names the process that wrote it (host/pid/instance), so
-- that a later process can tell an upload still running from one whose
-- process stopped, and record it as 'interrupted'. Rows written before
-- this file read 0 and ''.
--
-- replaced is how many current records an ok upload replaced (see
-- UploadWriter.Replacing); rows written before this file read 0.
--
-- NOTE: like the ALTERs of 0004_workflows.sql, this one is not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS.
ALTER TABLE {db}.uploads
    ADD COLUMN recorded UInt64 DEFAULT 0,
    ADD COLUMN owner String DEFAULT '',
    ADD COLUMN replaced UInt32 DEFAULT 0;
