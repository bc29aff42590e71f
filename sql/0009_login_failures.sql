-- Failed sign-ins per account name, so that every saima instance counts
-- the same failures. at_ns is the moment in nanoseconds since 1970: a
-- successful sign-in writes a row with reset = 1, and only failures after
-- the latest such row count. The table is never pruned: one row per
-- failure is small, and readers look at one name's recent rows only.
CREATE TABLE IF NOT EXISTS {db}.login_failures (
    name String,
    at_ns UInt64,
    ip String,
    reset UInt8
) ENGINE = MergeTree() ORDER BY (name, at_ns);
