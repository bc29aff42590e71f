package clickhouse_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// accountEngines open a fresh store on each engine: chDB, and the
// ClickHouse server that chtest starts, so that the accounts schema and
// queries run on both.
var accountEngines = []struct {
	name string
	open func(testing.TB) *clickhouse.Store
}{
	{"embedded", func(tb testing.TB) *clickhouse.Store { return chtest.Store(tb) }},
	{"server", func(tb testing.TB) *clickhouse.Store {
		srv := chtest.StartServer(tb)
		db := srv.NewDatabase(tb)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		s, err := clickhouse.NewStore(context.Background(), srv.Open(tb, db), db, log)
		if err != nil {
			tb.Fatalf("open store on the server: %v", err)
		}
		return s
	}},
}

var accountTime = time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)

func haishuAccount() saima.Account {
	return saima.Account{
		Name:         "haishu",
		Role:         saima.RoleUnit,
		Unit:         "宁波市海曙区",
		DisplayName:  "海曙区数改专班",
		PasswordHash: "$2a$10$first",
		ChangedAt:    accountTime,
		ChangedBy:    "cli",
	}
}

func TestAccounts(t *testing.T) {
	for _, engine := range accountEngines {
		t.Run(engine.name, func(t *testing.T) {
			s := engine.open(t)
			ctx := t.Context()
			testAccountRoundTrip(t, ctx, s)
			testAccountLatestVersionWins(t, ctx, s)
			testAccountTokenLookup(t, ctx, s)
			testAccountList(t, ctx, s)
		})
	}
}

func testAccountRoundTrip(t *testing.T, ctx context.Context, s *clickhouse.Store) {
	t.Helper()
	if _, ok, err := s.GetAccount(ctx, "haishu"); err != nil || ok {
		t.Fatalf("GetAccount(haishu) before saving = %v, %v; want not found", ok, err)
	}
	want := haishuAccount()
	if err := s.SaveAccount(ctx, want); err != nil {
		t.Fatalf("SaveAccount: %v", err)
	}
	got, ok, err := s.GetAccount(ctx, "haishu")
	if err != nil || !ok {
		t.Fatalf("GetAccount(haishu) = %v, %v; want the account", ok, err)
	}
	if !got.ChangedAt.Equal(want.ChangedAt) {
		t.Errorf("ChangedAt = %v, want %v", got.ChangedAt, want.ChangedAt)
	}
	got.ChangedAt = want.ChangedAt
	if got != want {
		t.Errorf("GetAccount(haishu) = %+v, want %+v", got, want)
	}
}

func testAccountLatestVersionWins(t *testing.T, ctx context.Context, s *clickhouse.Store) {
	t.Helper()
	changed := haishuAccount()
	changed.PasswordHash = "$2a$10$second"
	changed.Disabled = true
	// The same second as the first version: the version column, not
	// changed_at, must order them.
	if err := s.SaveAccount(ctx, changed); err != nil {
		t.Fatalf("SaveAccount: %v", err)
	}
	got, _, err := s.GetAccount(ctx, "haishu")
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "$2a$10$second" || !got.Disabled {
		t.Errorf("GetAccount after a change = hash %q disabled %v, want $2a$10$second disabled true",
			got.PasswordHash, got.Disabled)
	}
}

func testAccountTokenLookup(t *testing.T, ctx context.Context, s *clickhouse.Store) {
	t.Helper()
	a := haishuAccount()
	a.TokenHash = "aa11"
	if err := s.SaveAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.TokenHash = "bb22"
	if err := s.SaveAccount(ctx, a); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		hash string
		want bool
	}{
		{"bb22", true},
		{"aa11", false}, // replaced by the newer token
		{"", false},
		{"cc33", false},
	}
	for _, tt := range tests {
		got, ok, err := s.FindAccountByTokenHash(ctx, tt.hash)
		if err != nil {
			t.Fatalf("FindAccountByTokenHash(%q): %v", tt.hash, err)
		}
		if ok != tt.want || (ok && got.Name != "haishu") {
			t.Errorf("FindAccountByTokenHash(%q) = %q, %v; want found %v", tt.hash, got.Name, ok, tt.want)
		}
	}
}

func testAccountList(t *testing.T, ctx context.Context, s *clickhouse.Store) {
	t.Helper()
	for _, a := range []saima.Account{
		{Name: "office", Role: saima.RoleOffice, PasswordHash: "$2a$10$x"},
		{Name: "leader", Role: saima.RoleLeader, PasswordHash: "$2a$10$y"},
	} {
		if err := s.SaveAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListAccounts(ctx)
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	if len(list) != 3 || names[0] != "haishu" || names[1] != "leader" || names[2] != "office" {
		t.Fatalf("ListAccounts names = %q, want [haishu leader office] with one version each", names)
	}
	if list[0].TokenHash != "bb22" || list[2].Role != saima.RoleOffice {
		t.Errorf("ListAccounts = %+v, want haishu's newest token and office's role", list)
	}
}

func TestSaveAccountRejectsInvalid(t *testing.T) {
	s := chtest.Store(t)
	tests := []struct {
		name    string
		account saima.Account
	}{
		{"ErrName", saima.Account{Name: "Office Admin", Role: saima.RoleOffice}},
		{"ErrRole", saima.Account{Name: "boss", Role: "admin"}},
		{"ErrUnitMissing", saima.Account{Name: "haishu", Role: saima.RoleUnit}},
		{"ErrUnitOnLeader", saima.Account{Name: "leader", Role: saima.RoleLeader, Unit: "宁波市海曙区"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.SaveAccount(t.Context(), tt.account)
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("SaveAccount(%+v) = %v, want an invalid error", tt.account, err)
			}
			if _, ok, err := s.GetAccount(t.Context(), tt.account.Name); err != nil || ok {
				t.Errorf("GetAccount(%q) after a rejected save = %v, %v; want nothing written", tt.account.Name, ok, err)
			}
		})
	}
}

// Failed sign-ins count per account name until its next successful
// sign-in, and per client address regardless of it.
func TestLoginFailures(t *testing.T) {
	for _, eng := range accountEngines {
		t.Run(eng.name, func(t *testing.T) {
			s := eng.open(t)
			ctx := t.Context()
			at := func(m int) time.Time { return accountTime.Add(time.Duration(m) * time.Minute) }
			for _, f := range []struct {
				name, ip string
				minute   int
			}{{"office", "10.0.0.1", 1}, {"leader", "10.0.0.1", 2}, {"office", "10.0.0.2", 3}, {"office", "10.0.0.1", 5}} {
				if err := s.RecordLoginFailure(ctx, f.name, f.ip, at(f.minute)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.ResetLoginFailures(ctx, "office", at(4)); err != nil {
				t.Fatal(err)
			}

			byName, err := s.LoginFailures(ctx, "office", at(0), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(byName) != 1 || !byName[0].Equal(at(5)) {
				t.Errorf("LoginFailures(office) = %v, want only the failure after the sign-in at %v", byName, at(5))
			}
			byIP, err := s.LoginFailuresFrom(ctx, "10.0.0.1", at(0), 10)
			if err != nil {
				t.Fatal(err)
			}
			want := []time.Time{at(5), at(2), at(1)}
			if len(byIP) != len(want) {
				t.Fatalf("LoginFailuresFrom(10.0.0.1) = %v, want %v", byIP, want)
			}
			for i := range want {
				if !byIP[i].Equal(want[i]) {
					t.Errorf("LoginFailuresFrom(10.0.0.1)[%d] = %v, want %v", i, byIP[i], want[i])
				}
			}
			recent, err := s.LoginFailuresFrom(ctx, "10.0.0.1", at(1), 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(recent) != 1 || !recent[0].Equal(at(5)) {
				t.Errorf("LoginFailuresFrom(since minute 1, limit 1) = %v, want [%v]", recent, at(5))
			}
		})
	}
}
