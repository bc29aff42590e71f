-- Sign-in accounts. Append-only like the ledger: a new password, token or
-- role is a new row with a higher version, and readers take the latest
-- version per name. Rows are never deleted, so the table is also the audit
-- trail of who changed an account and when (changed_at, changed_by);
-- disabling an account is a version with disabled = 1.
--
-- role is office, leader or unit; unit is the roster name of a unit
-- account's unit and empty otherwise. password_hash is a bcrypt hash and
-- token_hash the SHA-256 hex of the unit's API token; an empty value means
-- none. ORDER BY (name, version) keeps an account's versions together for
-- "latest version per name". A lookup by token_hash reads the whole table,
-- which contains one row per account change: hundreds, not millions.
CREATE TABLE IF NOT EXISTS {db}.accounts (
    name String,
    role String,
    unit String,
    display_name String,
    password_hash String,
    token_hash String,
    disabled UInt8,
    version UInt64,
    changed_at DateTime('Asia/Shanghai'),
    changed_by String
) ENGINE = MergeTree() ORDER BY (name, version);
