-- milestone_tally counts the current milestones by what the quarterly and
-- annual evaluations read of them: the unit, the month planned, the month
-- done, and whether done on time. Periods start and end on month
-- boundaries, so months are all an evaluation needs, and a tally keyed by
-- them stays small however many milestones there are. It is kept at
-- commit time, so that scoring reads it instead of every milestone and
-- without the superseded lookup.
--
-- Each committed upload adds, under its own version, +n for the n rows it
-- wrote and -n for the n rows it was the first committed upload to
-- supersede. Summing n over the visible versions therefore counts exactly
-- the milestones that current() keeps, at any as-of version. project_code
-- is kept only for rows without a unit, which take their project's unit
-- when read. For a milestone not done, actual_month is 2105-12-01, the
-- last month of the Date type. on_time is 1 when the milestone was done on
-- or before its planned day, and done is 1 when it was done at all.
-- SummingMergeTree folds rows with equal keys together and drops those
-- that sum to zero.
CREATE TABLE IF NOT EXISTS {db}.milestone_tally (
    version UInt64,
    unit String,
    project_code String,
    planned_month Date,
    actual_month Date,
    on_time UInt8,
    done UInt8,
    n Int64
) ENGINE = SummingMergeTree((n))
ORDER BY (version, unit, project_code, planned_month, actual_month, on_time, done);
