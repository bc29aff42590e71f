-- One row per scoring run that was stored whole. SaveScores writes it after
-- every score of the run, and readers pick runs from here, never from the
-- scores table itself. On a cluster an INSERT can reach one shard and fail
-- on another, so a run without its row here never shows.
CREATE TABLE IF NOT EXISTS {db}.score_runs (
    period String,
    run_id String,
    computed_at DateTime('Asia/Shanghai'),
    scores UInt32
) ENGINE = MergeTree() ORDER BY (period, run_id);
