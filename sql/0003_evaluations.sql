-- Recorded evaluations: drafts and published versions, the per-unit
-- results that the scores table lacks, and manual overrides. Like the
-- ledger, every table is append-only MergeTree, and saima never deletes a
-- row, so a published evaluation and every override stay queryable.

-- One row per recorded scoring run. version numbers a period's published
-- evaluations 1, 2, … and is 0 for a draft. ruleset_yaml is the rule-set
-- file byte for byte and data_as_of the store version the ledger was read
-- at (see uploads.committed), which together reproduce the run. recorded is
-- the store version at which the row was written, on the same clock as
-- overrides.version. published_at is 1970-01-01 for a draft, because
-- DateTime cannot be empty and Nullable would complicate both engines'
-- inserts. ORDER BY (period, recorded) reads a period's history in order.
CREATE TABLE IF NOT EXISTS {db}.evaluations (
    period String,
    version UInt32,
    run_id String,
    ruleset String,
    ruleset_version String,
    ruleset_yaml String,
    data_as_of UInt64,
    status String,
    created_at DateTime('Asia/Shanghai'),
    created_by String,
    published_at DateTime('Asia/Shanghai'),
    published_by String,
    note String,
    recorded UInt64
) ENGINE = MergeTree() ORDER BY (period, recorded);

-- Per unit of a recorded run: the result's steps (base composite,
-- adjustments, vetoes, grade, lists) and the robustness analysis of its
-- rank. robust is 0 when no analysis was stored (drafts compute theirs on
-- request). Keyed like scores, so one run reads as one range.
CREATE TABLE IF NOT EXISTS {db}.evaluation_units (
    period String,
    run_id String,
    track String,
    unit String,
    base Float64,
    bonus Float64,
    penalty Float64,
    failed UInt8,
    stopped UInt8,
    vetoes Array(String),
    grade String,
    lists Array(String),
    robust UInt8,
    rank_nominal UInt32,
    rank_median Float64,
    rank_q05 Float64,
    rank_q95 Float64,
    rank_mean_shift Float64
) ENGINE = MergeTree() ORDER BY (period, run_id, track, unit);

-- Manual overrides of a computed result, with who made them and why.
-- indicator is an indicator id, or empty for the composite. version is the
-- store version at which the row was written: the latest per (period,
-- unit, indicator) applies, so a new row replaces an earlier override and
-- the earlier one stays as history.
CREATE TABLE IF NOT EXISTS {db}.overrides (
    period String,
    unit String,
    indicator String,
    value Float64,
    who String,
    why String,
    at DateTime('Asia/Shanghai'),
    version UInt64
) ENGINE = MergeTree() ORDER BY (period, unit, indicator, version);
