-- Sessions ended by signing out. A session cookie carries its own expiry
-- and signature, so a copy taken before sign-out would stay valid until it
-- expires. Every instance therefore also checks this table, by session ID.
-- expires is the session's own expiry, after which the row no longer
-- matters. ClickHouse 18.16 has no TTL to remove such rows, and at one row
-- per sign-out the table grows by thousands of rows a year, not millions.
CREATE TABLE IF NOT EXISTS {db}.revoked_sessions (
    id String,
    account String,
    revoked DateTime('Asia/Shanghai'),
    expires DateTime('Asia/Shanghai')
) ENGINE = MergeTree() ORDER BY id;
