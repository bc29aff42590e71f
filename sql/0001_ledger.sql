-- The ledger (一本账). Every data table is append-only: a correction is a
-- new row with a higher version, and readers pick the latest version per
-- record key among rows whose upload succeeded (see uploads). Plain
-- MergeTree rather than ReplacingMergeTree, because a background merge must
-- never drop the history that explains a published score.
--
-- ORDER BY starts with the record key so that "latest version per key"
-- reads neighbouring rows. Tables stay unpartitioned: the ledger holds
-- thousands to millions of rows, far below where partitions pay off.

CREATE TABLE IF NOT EXISTS {db}.units (
    name String,
    code String,
    aliases Array(String),
    kind String,
    track String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(name)
) ENGINE = MergeTree() ORDER BY (name, version);

CREATE TABLE IF NOT EXISTS {db}.projects (
    code String,
    name String,
    unit String,
    lead_unit String,
    system String,
    scope String,
    type String,
    batch String,
    lists Array(String),
    leader_led UInt8,
    leader String,
    budget Nullable(Decimal(18, 4)),
    start_date Nullable(Date),
    due_date Nullable(Date),
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(code)
) ENGINE = MergeTree() ORDER BY (code, version);

CREATE TABLE IF NOT EXISTS {db}.stage_events (
    project_code String,
    stage String,
    date Date,
    decided_by String,
    opinion String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(project_code, stage)
) ENGINE = MergeTree() ORDER BY (project_code, stage, version);

-- unit is empty when the upload named none; readers then take the
-- project's responsible unit.
CREATE TABLE IF NOT EXISTS {db}.milestones (
    project_code String,
    name String,
    unit String,
    planned Date,
    actual Nullable(Date),
    status String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(project_code, name)
) ENGINE = MergeTree() ORDER BY (project_code, name, version);

-- period is 2026Q3 or 2026-09; quarter is the quarter either falls in, so
-- that a quarter's scoring reads its months too.
CREATE TABLE IF NOT EXISTS {db}.progress (
    unit String,
    project_code String,
    project_name String,
    period String,
    quarter String,
    percent Nullable(Decimal(18, 4)),
    report_date Nullable(Date),
    progress String,
    problems String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(unit, project_code, period)
) ENGINE = MergeTree() ORDER BY (unit, project_code, period, version);

CREATE TABLE IF NOT EXISTS {db}.assessments (
    unit String,
    indicator String,
    mode String,
    period String,
    quarter String,
    project_code String,
    score Decimal(18, 4),
    full_marks Nullable(Decimal(18, 4)),
    evaluator String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(unit, indicator, mode, period)
) ENGINE = MergeTree() ORDER BY (unit, indicator, mode, period, version);

CREATE TABLE IF NOT EXISTS {db}.problems (
    id String,
    unit String,
    project_code String,
    source String,
    category String,
    stage String,
    level UInt8,
    opened Date,
    closed Nullable(Date),
    summary String,
    upload_id String,
    version UInt64,
    key_hash UInt64 DEFAULT cityHash64(id)
) ENGINE = MergeTree() ORDER BY (id, version);

-- One row per state of an upload. Rows of a data table count only once an
-- 'ok' row for their upload_id exists, which is written after all of them.
-- version is the version every data row of the upload carries, so readers
-- can match rows to uploads by an integer.
-- committed is the version (nanoseconds) at which that row was written: a
-- reader "as of" version V sees exactly the uploads committed at or before
-- V, which is how a published evaluation reproduces its numbers.
CREATE TABLE IF NOT EXISTS {db}.uploads (
    id String,
    dataset String,
    uploader String,
    unit String,
    at DateTime('Asia/Shanghai'),
    file_name String,
    sha256 String,
    rows UInt32,
    imported UInt32,
    warnings UInt32,
    errors UInt32,
    outcome String,
    message String,
    duplicate_of String,
    version UInt64,
    committed UInt64
) ENGINE = MergeTree() ORDER BY (id, at);

-- Computed scores, one row per unit per scoring run. Contributions are
-- parallel arrays (Nested would work on both engines too, but plain arrays
-- keep inserts simple). A run is identified by run_id; readers take the
-- latest run of a period.
CREATE TABLE IF NOT EXISTS {db}.scores (
    period String,
    track String,
    run_id String,
    computed_at DateTime('Asia/Shanghai'),
    ruleset String,
    ruleset_version String,
    unit String,
    value Float64,
    rank UInt32,
    prev_rank UInt32,
    c_indicator Array(String),
    c_name Array(String),
    c_raw Array(Float64),
    c_missing Array(UInt8),
    c_score Array(Float64),
    c_weight Array(Float64),
    c_points Array(Float64)
) ENGINE = MergeTree() ORDER BY (period, run_id, track, unit);

-- Superseded versions, one table per data table. key_hash is
-- cityHash64 of the record key, filled in by the data table's DEFAULT.
-- Writing an upload adds here every older visible version of the keys it
-- writes (and its own rows when a newer upload already holds their keys).
-- Readers then keep the rows whose (key_hash, version) is not listed: a
-- lookup of two integers in a small set, instead of sorting the whole
-- table by key to find each key's latest version, so scoring over millions
-- of milestones stays close to a plain aggregate. An entry counts only
-- when its own upload succeeded. Two keys of one upload colliding in 64
-- bits would hide each other's older versions; at a million keys the odds
-- are about 1 in 10^7.
CREATE TABLE IF NOT EXISTS {db}.units_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.projects_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.stage_events_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.milestones_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.progress_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.assessments_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);

CREATE TABLE IF NOT EXISTS {db}.problems_superseded (
    key_hash UInt64,
    version UInt64,
    upload_id String
) ENGINE = MergeTree() ORDER BY (key_hash, version);
