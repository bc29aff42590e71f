package clickhouse

import (
	"context"
	"time"

	"saima"
)

var accountColumns = []string{"name", "role", "unit", "display_name", "password_hash", "token_hash",
	"disabled", "version", "changed_at", "changed_by"}

const accountFields = "name, role, unit, display_name, password_hash, token_hash, disabled, changed_at, changed_by"

// latestAccounts keeps the newest version of each account.
const latestAccounts = "SELECT " + accountFields + " FROM {db}.accounts " +
	"ORDER BY name, version DESC LIMIT 1 BY name"

// SaveAccount appends a as the newest version of the account a.Name,
// replacing every earlier version for readers. A zero a.ChangedAt is set
// to the current time. It returns an error of kind [saima.KindInvalid]
// when a fails [saima.Account.Validate], and writes nothing then.
func (s *Store) SaveAccount(ctx context.Context, a saima.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.ChangedAt.IsZero() {
		a.ChangedAt = time.Now()
	}
	var disabled uint8
	if a.Disabled {
		disabled = 1
	}
	row := []any{a.Name, string(a.Role), a.Unit, a.DisplayName, a.PasswordHash, a.TokenHash,
		disabled, s.nextVersion(a.ChangedAt), a.ChangedAt, a.ChangedBy}
	return unavailable(s.engine.Insert(ctx, s.table("accounts"), accountColumns, [][]any{row}))
}

// GetAccount returns the newest version of the account called name, with
// its DisabledAt, and false when there is none. Disabled accounts are
// returned too.
func (s *Store) GetAccount(ctx context.Context, name string) (saima.Account, bool, error) {
	q := "SELECT " + accountFields + " FROM {db}.accounts WHERE name = ? ORDER BY version DESC LIMIT 1"
	acct, found, err := s.oneAccount(ctx, q, name)
	if err != nil || !found {
		return acct, found, err
	}
	acct.DisabledAt, err = s.lastDisabled(ctx, name)
	return acct, true, err
}

// lastDisabled returns the newest version of the account name that
// disabled it, read as a time, or the zero time when no version did.
func (s *Store) lastDisabled(ctx context.Context, name string) (time.Time, error) {
	rows, err := s.query(ctx, "SELECT count(), max(version) FROM {db}.accounts WHERE name = ? AND disabled = 1", name)
	if err != nil {
		return time.Time{}, err
	}
	var n, version uint64
	if err := scanAll(rows, func() error { return rows.Scan(&n, &version) }); err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(0, int64(version)), nil
}

// FindAccountByTokenHash returns the account whose newest version has the
// API token hash hash (SHA-256, lowercase hex), and false when there is
// none. A token replaced by a newer version no longer matches. Disabled
// accounts are returned too.
func (s *Store) FindAccountByTokenHash(ctx context.Context, hash string) (saima.Account, bool, error) {
	if hash == "" {
		return saima.Account{}, false, nil
	}
	q := "SELECT * FROM (" + latestAccounts + ") WHERE token_hash = ? LIMIT 1"
	return s.oneAccount(ctx, q, hash)
}

// ListAccounts returns the newest version of every account, by name.
func (s *Store) ListAccounts(ctx context.Context) ([]saima.Account, error) {
	return s.listAccounts(ctx, "SELECT * FROM ("+latestAccounts+") ORDER BY name")
}

func (s *Store) oneAccount(ctx context.Context, q string, args ...any) (saima.Account, bool, error) {
	accounts, err := s.listAccounts(ctx, q, args...)
	if err != nil || len(accounts) == 0 {
		return saima.Account{}, false, err
	}
	return accounts[0], true, nil
}

func (s *Store) listAccounts(ctx context.Context, q string, args ...any) ([]saima.Account, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []saima.Account
	err = scanAll(rows, func() error {
		var a saima.Account
		var role string
		var disabled uint8
		err := rows.Scan(&a.Name, &role, &a.Unit, &a.DisplayName, &a.PasswordHash, &a.TokenHash,
			&disabled, &a.ChangedAt, &a.ChangedBy)
		a.Role, a.Disabled = saima.Role(role), disabled != 0
		out = append(out, a)
		return err
	})
	return out, err
}

// RevokeSession records that the session id of account ended at revoked.
// expires is the session's own expiry, after which the record no longer
// matters.
func (s *Store) RevokeSession(ctx context.Context, id, account string, revoked, expires time.Time) error {
	row := []any{id, account, revoked, expires}
	err := s.engine.Insert(ctx, s.table("revoked_sessions"), []string{"id", "account", "revoked", "expires"},
		[][]any{row})
	return unavailable(err)
}

// SessionRevoked reports whether the session id was ended by signing out.
func (s *Store) SessionRevoked(ctx context.Context, id string) (bool, error) {
	rows, err := s.query(ctx, "SELECT count() FROM {db}.revoked_sessions WHERE id = ?", id)
	if err != nil {
		return false, err
	}
	var n uint64
	err = scanAll(rows, func() error { return rows.Scan(&n) })
	return n > 0, err
}

var loginFailureColumns = []string{"name", "at_ns", "ip", "reset"}

// RecordLoginFailure records a failed sign-in on the account name from ip
// at t, counted against both.
func (s *Store) RecordLoginFailure(ctx context.Context, name, ip string, t time.Time) error {
	err := s.engine.Insert(ctx, s.table("login_failures"), loginFailureColumns,
		[][]any{{name, uint64(t.UnixNano()), ip, uint8(0)}})
	if err == nil {
		err = s.engine.Insert(ctx, s.table("login_failures_by_ip"), []string{"ip", "at_ns"},
			[][]any{{ip, uint64(t.UnixNano())}})
	}
	return unavailable(err)
}

// LoginFailuresFrom returns the moments of the failed sign-ins from the
// client address ip after since, newest first, at most limit. A
// successful sign-in does not reset them.
func (s *Store) LoginFailuresFrom(ctx context.Context, ip string, since time.Time, limit int) ([]time.Time, error) {
	q := "SELECT at_ns FROM {db}.login_failures_by_ip WHERE ip = ? AND at_ns > ? ORDER BY at_ns DESC LIMIT ?"
	rows, err := s.query(ctx, q, ip, uint64(since.UnixNano()), limit)
	if err != nil {
		return nil, err
	}
	return scanMoments(rows)
}

// ResetLoginFailures records a successful sign-in on the account name at
// t: failures before it no longer count.
func (s *Store) ResetLoginFailures(ctx context.Context, name string, t time.Time) error {
	err := s.engine.Insert(ctx, s.table("login_failures"), loginFailureColumns,
		[][]any{{name, uint64(t.UnixNano()), "", uint8(1)}})
	return unavailable(err)
}

// LoginFailures returns the moments of the failed sign-ins on the account
// name after since and after its latest successful sign-in, newest first,
// at most limit.
func (s *Store) LoginFailures(ctx context.Context, name string, since time.Time, limit int) ([]time.Time, error) {
	q := "SELECT at_ns FROM {db}.login_failures WHERE name = ? AND reset = 0 AND at_ns > ? AND " +
		"at_ns > (SELECT max(at_ns) FROM {db}.login_failures WHERE name = ? AND reset = 1) " +
		"ORDER BY at_ns DESC LIMIT ?"
	rows, err := s.query(ctx, q, name, uint64(since.UnixNano()), name, limit)
	if err != nil {
		return nil, err
	}
	return scanMoments(rows)
}

// scanMoments reads a column of nanoseconds since 1970.
func scanMoments(rows Rows) ([]time.Time, error) {
	var out []time.Time
	err := scanAll(rows, func() error {
		var ns uint64
		err := rows.Scan(&ns)
		out = append(out, time.Unix(0, int64(ns)))
		return err
	})
	return out, err
}
