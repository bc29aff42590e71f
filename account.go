package saima

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role decides what an account may see and do.
type Role string

// Roles. The zero Role is not valid.
const (
	// RoleOffice is the reform office (改革办): every page, every upload,
	// rows of any unit.
	RoleOffice Role = "office"

	// RoleLeader is a city leader (领导): every page and report, and no
	// uploads.
	RoleLeader Role = "leader"

	// RoleUnit is one unit's account (单位): the leaderboard, its own
	// unit's page, and uploads of its own unit's rows only.
	RoleUnit Role = "unit"
)

// Roles lists every role, in the order menus show them.
var Roles = []Role{RoleOffice, RoleLeader, RoleUnit}

// ParseRole returns the role named s, such as "office". It returns an
// error of kind [KindInvalid] for any other text.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(KindInvalid, "角色“%s”无效，应为 office（改革办）、leader（领导）或 unit（单位）", s)
}

// Label returns the Chinese name of r, such as 改革办, or r itself when r
// is not a known role.
func (r Role) Label() string {
	switch r {
	case RoleOffice:
		return "改革办"
	case RoleLeader:
		return "领导"
	case RoleUnit:
		return "单位"
	}
	return string(r)
}

// Account is a person or program that signs in. Accounts are stored
// append-only: a change is a new version of the whole account, and the
// newest version per Name wins.
type Account struct {
	// Name is the sign-in name: 1–64 lowercase ASCII letters, digits,
	// dots, underscores or hyphens, starting with a letter or digit.
	Name string

	Role Role

	// Unit is the roster name of the account's unit. It is set for
	// RoleUnit only, and must then be the roster's spelling, not an alias,
	// because uploads compare it with the unit of every row.
	Unit string

	// DisplayName is shown beside Name, such as 海曙区数改专班; optional.
	DisplayName string

	// PasswordHash is the bcrypt hash of the password. Empty means the
	// account cannot sign in with a password.
	PasswordHash string

	// TokenHash is the SHA-256 of the unit's API token, as lowercase hex.
	// Empty means the account has no token.
	TokenHash string

	// Disabled accounts can neither sign in nor use their token.
	Disabled bool

	// DisabledAt is when a version of the account last disabled it, in
	// the nanosecond resolution of the stored version, and zero when none
	// did. Sessions signed in before it stay ended after the account is
	// enabled again. The store's GetAccount fills it, and its other reads
	// and its writes leave it out.
	DisabledAt time.Time

	// ChangedAt is when this version was written, in whole seconds once
	// stored. ChangedBy is who wrote it, such as cli:root or demo.
	ChangedAt time.Time
	ChangedBy string
}

var accountNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// maxDisplayName is the longest display name, in characters.
const maxDisplayName = 64

// Validate returns an error of kind [KindInvalid] that lists every
// problem of a, or nil. It checks the name, the role, that Unit is set
// exactly for unit accounts and the display name's length. It does not
// check that Unit is on the roster.
func (a Account) Validate() error {
	var problems []string
	if !accountNameRE.MatchString(a.Name) {
		problems = append(problems, fmt.Sprintf("用户名“%s”无效：应为 1–64 个小写英文字母、数字、点、下划线或连字符，并以字母或数字开头", a.Name))
	}
	if _, err := ParseRole(string(a.Role)); err != nil {
		problems = append(problems, ErrorMessage(err))
	}
	switch {
	case a.Role == RoleUnit && a.Unit == "":
		problems = append(problems, "单位账号必须指定所属单位")
	case a.Role != RoleUnit && a.Unit != "":
		problems = append(problems, fmt.Sprintf("只有单位账号可以指定所属单位，%s账号不能", a.Role.Label()))
	}
	if n := utf8.RuneCountInString(a.DisplayName); n > maxDisplayName {
		problems = append(problems, fmt.Sprintf("显示名称有 %d 个字，最多 %d 个", n, maxDisplayName))
	}
	if len(problems) == 0 {
		return nil
	}
	return Errorf(KindInvalid, "账号 %s 无效：%s", a.Name, strings.Join(problems, "；"))
}

// CheckDisplayName returns an error of kind [KindInvalid] when name
// contains a control character, such as a tab or a line break, which would
// break the table that saima account list prints. [Account.Validate] does
// not check it, so that an account stored with such a name can still be
// changed.
func CheckDisplayName(name string) error {
	for i, r := range []rune(name) {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return Errorf(KindInvalid, "显示名称“%s”的第 %d 个字符 U+%04X 是制表符、换行或其他控制字符，"+
				"请去掉它，只用文字、数字和标点", name, i+1, r)
		}
	}
	return nil
}

// Password limits. bcrypt reads at most 72 bytes, so a longer password
// would be cut without notice.
const (
	MinPasswordChars = 8
	MaxPasswordBytes = 72
)

// commonPasswords are passwords of at least MinPasswordChars characters
// that appear at the top of published lists of leaked passwords, compared
// in lowercase. The list is short on purpose: it stops the obvious
// choices, not a dictionary attack.
var commonPasswords = []string{
	"12345678", "123456789", "1234567890", "87654321", "12341234", "11223344",
	"password", "password1", "password123", "passwordpassword", "passw0rd",
	"qwertyui", "qwertyuiop", "qwerty123", "1qaz2wsx", "1q2w3e4r", "abcd1234", "abc12345",
	"a1234567", "asdfghjk", "iloveyou", "admin123", "woaini1314", "5201314520",
}

// CheckPassword returns an error of kind [KindInvalid] when password may
// not be the password of the account named name. A password needs
// MinPasswordChars characters and at most MaxPasswordBytes bytes. It may
// not be whitespace only, one character repeated, one of a short list of
// the most common passwords, or the account name (once or repeated),
// whatever its case. name may be "" when the account is not known.
func CheckPassword(name, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return Errorf(KindInvalid, "密码太短：至少需要 %d 个字符", MinPasswordChars)
	}
	if len(password) > MaxPasswordBytes {
		return Errorf(KindInvalid, "密码太长：最多 %d 字节（约 24 个汉字或 72 个英文字符）", MaxPasswordBytes)
	}
	if strings.TrimFunc(password, unicode.IsSpace) == "" {
		return Errorf(KindInvalid, "密码不能全是空格或制表符：请设置含字母、数字或汉字的密码")
	}
	const advice = "请换一个不易猜到的密码，例如几个词加数字组合"
	lower := strings.ToLower(password)
	if first, _ := utf8.DecodeRuneInString(password); strings.Trim(password, string(first)) == "" {
		return Errorf(KindInvalid, "密码不能由同一个字符重复组成：%s", advice)
	}
	if slices.Contains(commonPasswords, lower) {
		return Errorf(KindInvalid, "密码太常见，容易被猜中：%s", advice)
	}
	if repeats(lower, strings.ToLower(name)) {
		return Errorf(KindInvalid, "密码不能与账号名相同：%s", advice)
	}
	return nil
}

// repeats reports whether s is part written once or more times in a row.
func repeats(s, part string) bool {
	return part != "" && len(s)%len(part) == 0 && strings.Repeat(part, len(s)/len(part)) == s
}
