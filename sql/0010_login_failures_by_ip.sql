-- Failed sign-ins per client address, so that every saima instance counts
-- the same failures from one address, as login_failures does per account
-- name. A successful sign-in resets nothing here: an address that guesses
-- at many accounts stays limited. at_ns is the moment in nanoseconds since
-- 1970. Like login_failures, the table is never pruned, and readers look
-- at one address's recent rows only.
CREATE TABLE IF NOT EXISTS {db}.login_failures_by_ip (
    ip String,
    at_ns UInt64
) ENGINE = MergeTree() ORDER BY (ip, at_ns);
