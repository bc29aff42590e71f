package saima

import (
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", r, got, err, r)
		}
	}
	for _, s := range []string{"", "Office", "admin"} {
		if _, err := ParseRole(s); ErrorKind(err) != KindInvalid {
			t.Errorf("ParseRole(%q) error = %v, want kind invalid", s, err)
		}
	}
}

func TestRoleLabel(t *testing.T) {
	tests := []struct {
		role Role
		want string
	}{
		{RoleOffice, "改革办"},
		{RoleLeader, "领导"},
		{RoleUnit, "单位"},
		{"admin", "admin"},
	}
	for _, tt := range tests {
		if got := tt.role.Label(); got != tt.want {
			t.Errorf("Role(%q).Label() = %q, want %q", tt.role, got, tt.want)
		}
	}
}

func TestAccountValidate(t *testing.T) {
	tests := []struct {
		name    string
		account Account
		wantErr []string // parts of the message, or none for a valid account
	}{
		{"OK office", Account{Name: "office", Role: RoleOffice}, nil},
		{"OK unit", Account{Name: "haishu.dgo-1_a", Role: RoleUnit, Unit: "宁波市海曙区", DisplayName: "海曙区数改专班"}, nil},
		{"OK name of 64", Account{Name: strings.Repeat("a", 64), Role: RoleLeader}, nil},
		{"ErrNameEmpty", Account{Role: RoleOffice}, []string{"用户名“”无效"}},
		{"ErrNameCapitals", Account{Name: "Office", Role: RoleOffice}, []string{"用户名“Office”无效"}},
		{"ErrNameChinese", Account{Name: "海曙", Role: RoleOffice}, []string{"无效"}},
		{"ErrNameStartsWithDot", Account{Name: ".office", Role: RoleOffice}, []string{"无效"}},
		{"ErrNameOf65", Account{Name: strings.Repeat("a", 65), Role: RoleOffice}, []string{"无效"}},
		{"ErrRole", Account{Name: "boss", Role: "admin"}, []string{"角色“admin”无效"}},
		{"ErrUnitMissing", Account{Name: "haishu", Role: RoleUnit}, []string{"必须指定所属单位"}},
		{"ErrUnitOnOffice", Account{Name: "office", Role: RoleOffice, Unit: "宁波市海曙区"}, []string{"改革办账号不能"}},
		{"ErrDisplayName", Account{Name: "office", Role: RoleOffice, DisplayName: strings.Repeat("改", 65)}, []string{"65 个字"}},
		{"ErrSeveral", Account{Name: "Boss", Role: RoleUnit}, []string{"用户名“Boss”无效", "必须指定所属单位"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.account.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if ErrorKind(err) != KindInvalid {
				t.Fatalf("Validate() = %v, want kind invalid", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(ErrorMessage(err), w) {
					t.Errorf("Validate() = %q, want it to contain %q", ErrorMessage(err), w)
				}
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, account, password string
		wantErr                 string // part of the message, or "" for an accepted password
	}{
		{"OK", "leader", "海曙区-密码-2026", ""},
		{"OK with inner spaces", "leader", "correct horse battery", ""},
		{"OK eight Chinese characters", "leader", "八个汉字的密码呀", ""},
		{"OK name inside a longer password", "leader", "leader-2026-秋", ""},
		{"ErrShort", "leader", "1234567", "至少需要 8 个字符"},
		{"ErrLong", "leader", strings.Repeat("密", 25), "最多 72 字节"},
		{"ErrSpaces", "leader", "        ", "不能全是空格"},
		{"ErrTabsAndSpaces", "leader", " \t \t \u3000  ", "不能全是空格"},
		{"ErrDigits", "leader", "12345678", "太常见"},
		{"ErrPassword", "leader", "password", "太常见"},
		{"ErrPasswordCapitals", "leader", "PassWord", "太常见"},
		{"ErrPasswordTwice", "leader", "passwordpassword", "太常见"},
		{"ErrOnes", "leader", "11111111", "同一个字符"},
		{"ErrOneLetterRepeated", "leader", "aaaaaaaaaa", "同一个字符"},
		{"ErrAccountName", "haishu.dgo", "haishu.dgo", "与账号名相同"},
		{"ErrAccountNameCapitals", "haishu.dgo", "HAISHU.DGO", "与账号名相同"},
		{"ErrAccountNameTwice", "leader", "leaderleader", "与账号名相同"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.account, tt.password)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q, %q) = %v, want nil", tt.account, tt.password, err)
				}
				return
			}
			if ErrorKind(err) != KindInvalid {
				t.Fatalf("CheckPassword(%q, %q) = %v, want kind invalid", tt.account, tt.password, err)
			}
			if !strings.Contains(ErrorMessage(err), tt.wantErr) {
				t.Errorf("CheckPassword(%q, %q) = %q, want it to contain %q",
					tt.account, tt.password, ErrorMessage(err), tt.wantErr)
			}
		})
	}
}

func TestCheckDisplayName(t *testing.T) {
	tests := []struct {
		name, displayName string
		wantErr           string // part of the message, or "" for a valid name
	}{
		{"OK", "海曙区数改专班 (2026)", ""},
		{"OK empty", "", ""},
		{"ErrTab", "海曙\t专班", "第 3 个字符 U+0009"},
		{"ErrCarriageReturn", "专班\r", "第 3 个字符 U+000D"},
		{"ErrLineSeparator", "专\u2028班", "第 2 个字符 U+2028"},
		{"ErrNull", "\x00", "第 1 个字符 U+0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDisplayName(tt.displayName)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckDisplayName(%q) = %v, want nil", tt.displayName, err)
				}
				return
			}
			if ErrorKind(err) != KindInvalid {
				t.Fatalf("CheckDisplayName(%q) = %v, want kind invalid", tt.displayName, err)
			}
			if !strings.Contains(ErrorMessage(err), tt.wantErr) {
				t.Errorf("CheckDisplayName(%q) = %q, want it to contain %q", tt.displayName, ErrorMessage(err), tt.wantErr)
			}
		})
	}
}
