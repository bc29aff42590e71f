-- Work lists (清单), the problem loop's steps and the half-year reports of
-- leader-led projects. Like the ledger (0001), every table is append-only
-- MergeTree with upload_id and version, key_hash is cityHash64 of the
-- record key, and a <table>_superseded list names replaced versions.
-- ORDER BY starts with the record key so that a key's versions sit
-- together.

-- One row per list item. deadline is the item's 完成时限.
CREATE TABLE IF NOT EXISTS {db}.list_items (
    list String,
    item_id String,
    name String,
    unit String,
    goal String,
    deadline Date,
    field String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(list, item_id)
) ENGINE = MergeTree() ORDER BY (list, item_id, version);

-- One row per item marked done. marked_by is empty when the upload left
-- 标注人 blank, and readers then take the uploading account from uploads.
CREATE TABLE IF NOT EXISTS {db}.list_done (
    list String,
    item_id String,
    unit String,
    date Date,
    marked_by String,
    note String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(list, item_id)
) ENGINE = MergeTree() ORDER BY (list, item_id, version);

-- One row per dated step of a problem: a loop stage or an escalation
-- (升级), at level 1 (牵头单位) to 4 (主要领导).
CREATE TABLE IF NOT EXISTS {db}.problem_steps (
    problem_id String,
    step String,
    level UInt8,
    date Date,
    handler String,
    note String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(problem_id, step, level)
) ENGINE = MergeTree() ORDER BY (problem_id, step, level, version);

-- One row per half-year report of a leader-led project; half is 2026H1.
-- The leader's office confirms a report by writing it again with
-- confirmed_by and confirmed set. confirmed is NULL until then.
CREATE TABLE IF NOT EXISTS {db}.leader_reports (
    project_code String,
    half String,
    leader String,
    unit String,
    results String,
    problems String,
    next_steps String,
    submitted Date,
    confirmed_by String,
    confirmed Nullable(Date),
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(project_code, half)
) ENGINE = MergeTree() ORDER BY (project_code, half, version);

CREATE TABLE IF NOT EXISTS {db}.list_items_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.list_done_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.problem_steps_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.leader_reports_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);
