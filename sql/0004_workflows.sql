-- The ledger's own workflows. So far this file holds the decision columns
-- of the lifecycle. Tables for lists (清单), the problem loop and
-- leader-led items are to follow the ledger's pattern (see 0001):
-- append-only MergeTree rows with upload_id and version, key_hash DEFAULT
-- cityHash64(record key), and a <table>_superseded list.

-- Stage events gain the decision's documents, the change (变更) columns,
-- the accountability noted on exit and a round. A re-argument after a
-- change repeats a stage, so the record key becomes (project_code, stage,
-- round). Round 1 hashes exactly as the old key did, so rows written before
-- this migration keep their keys and a corrected upload still supersedes
-- them. Changing only a column's DEFAULT rewrites no data on either engine.
--
-- NOTE: unlike the CREATE statements, these ALTERs are not idempotent,
-- because 18.16 has no ADD COLUMN IF NOT EXISTS. A migration interrupted
-- between them, or two instances migrating at once, fails with "column
-- already exists" and needs the remaining statement run by hand.
ALTER TABLE {db}.stage_events
    ADD COLUMN round UInt16 DEFAULT 1,
    ADD COLUMN documents String,
    ADD COLUMN change_item String,
    ADD COLUMN change_reason String,
    ADD COLUMN accountability String;

ALTER TABLE {db}.stage_events
    MODIFY COLUMN key_hash UInt64 DEFAULT
        if(round <= 1, cityHash64(project_code, stage), cityHash64(project_code, stage, round));
