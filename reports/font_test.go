package reports

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testFonts loads the fonts that `npm ci` installs in the repository root.
func testFonts(tb testing.TB) *Fonts {
	tb.Helper()
	fonts, err := LoadFonts(filepath.Join("..", RegularFontPath), filepath.Join("..", BoldFontPath))
	if err != nil {
		tb.Fatalf("LoadFonts: %v", err)
	}
	return fonts
}

func testGlyphs(tb testing.TB) *glyphSet {
	tb.Helper()
	glyphs, err := testFonts(tb).coverage()
	if err != nil {
		tb.Fatalf("coverage: %v", err)
	}
	return glyphs
}

func TestLoadFontsCachesByPath(t *testing.T) {
	a := testFonts(t)
	b := testFonts(t)
	if a != b {
		t.Errorf("second LoadFonts returned a new *Fonts, want the cached one")
	}
	if len(a.Regular) < 1<<20 || len(a.Bold) < 1<<20 {
		t.Errorf("font sizes = %d and %d bytes, want about 10 MB each", len(a.Regular), len(a.Bold))
	}
}

func TestLoadFontsMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "NotoSansSC_400Regular.ttf")
	_, err := LoadFonts(missing, filepath.Join("..", BoldFontPath))
	if err == nil {
		t.Fatal("LoadFonts(missing file) = nil error, want an error")
	}
	for _, want := range []string{missing, "npm ci", "make setup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("LoadFonts(missing file) error = %q, want it to contain %q", err, want)
		}
	}
}

func TestLoadFontsRejectsNonTrueType(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"Empty", nil},
		{"Text", []byte("this is not a font file at all")},
		{"OpenTypeCFF", append([]byte("OTTO"), make([]byte, 64)...)},
		{"NoCmap", []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "font.ttf")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadFonts(path, path); err == nil {
				t.Errorf("LoadFonts(%s font) = nil error, want an error", tt.name)
			}
		})
	}
}

func TestGlyphSetKnownCharacters(t *testing.T) {
	glyphs := testGlyphs(t)
	tests := []struct {
		r    rune
		want bool
	}{
		{'中', true},
		{'堃', true},
		{'喆', true},
		{'赟', true},
		{'龑', true},
		{'A', true},
		{'%', true},
		{'×', true},
		{'↑', true},
		{'↓', true},
		{'—', true},
		{Placeholder, true},
		{'✅', false},    // U+2705: not in Noto Sans SC
		{'𠮷', false},    // U+20BB7: outside the BMP, which gofpdf cannot draw
		{'👍', false},    // U+1F44D
		{0xFFFF, false}, // a noncharacter
	}
	for _, tt := range tests {
		if got := glyphs.has(tt.r); got != tt.want {
			t.Errorf("has(%q U+%04X) = %v, want %v", tt.r, tt.r, got, tt.want)
		}
	}
}

// TestGlyphSetMatchesFontconfig compares the parsed cmap with the character
// set that fontconfig reports for the same file.
func TestGlyphSetMatchesFontconfig(t *testing.T) {
	fcQuery, err := exec.LookPath("fc-query")
	if err != nil {
		t.Skip("fc-query (fontconfig) is not installed")
	}
	for _, path := range []string{RegularFontPath, BoldFontPath} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			font, err := os.ReadFile(filepath.Join("..", path))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseGlyphSet(font)
			if err != nil {
				t.Fatalf("parseGlyphSet: %v", err)
			}
			out, err := exec.Command(fcQuery, "--format=%{charset}", filepath.Join("..", path)).Output()
			if err != nil {
				t.Fatalf("fc-query: %v", err)
			}
			want := parseFontconfigCharset(t, string(out))

			diffs := 0
			for r := rune(0); r <= 0xFFFF; r++ {
				if got.has(r) != want.has(r) && diffs < 10 {
					t.Errorf("has(U+%04X) = %v, fontconfig says %v", r, got.has(r), want.has(r))
					diffs++
				}
			}
		})
	}
}

// parseFontconfigCharset reads fontconfig's charset format, a list of hex
// code points and ranges such as "20-7e a0 4e00-9fa5", keeping the BMP.
func parseFontconfigCharset(tb testing.TB, s string) *glyphSet {
	tb.Helper()
	g := new(glyphSet)
	for field := range strings.FieldsSeq(s) {
		lo, hi, _ := strings.Cut(field, "-")
		if hi == "" {
			hi = lo
		}
		a, errA := strconv.ParseUint(lo, 16, 32)
		b, errB := strconv.ParseUint(hi, 16, 32)
		if errA != nil || errB != nil {
			tb.Fatalf("fc-query charset field %q is not a hex range", field)
		}
		for r := a; r <= min(b, 0xFFFF); r++ {
			g.add(rune(r))
		}
	}
	return g
}

func TestTextCleanerClean(t *testing.T) {
	tests := []struct {
		name, in, want string
		replaced       []string
	}{
		{"Plain", "堃喆赟龑 ClickHouse 86.7%", "堃喆赟龑 ClickHouse 86.7%", nil},
		{"OutsideBMP", "奉化区𠮷岙村", "奉化区□岙村", []string{"'𠮷' U+20BB7"}},
		{"Emoji", "进展顺利👍", "进展顺利□", []string{"'👍' U+1F44D"}},
		{"MissingGlyph", "✅已整改", "□已整改", []string{"'✅' U+2705"}},
		{"LineEnds", "一\r\n二\r三\n四", "一\n二\n三\n四", nil},
		{"Tab", "甲\t乙", "甲 乙", nil},
		{"Control", "甲\x00乙\x7f", "甲□乙□", []string{"'\\x00' U+0000", "'\\x7f' U+007F"}},
		{"Injection", scriptName + "=1+2", scriptName + "=1+2", nil},
		{"ZeroWidth", "海曙\u200b区\u200d\ufeff", "海曙区", nil},
		{"VariationSelector", "葛\U000E0100藤\ufe0f", "葛藤", nil},
		{"ZWJEmoji", "👨\u200d👩", "□□", []string{"'👨' U+1F468", "'👩' U+1F469"}},
		{"SoftHyphen", "Click\u00adHouse", "ClickHouse", nil},
	}
	glyphs := testGlyphs(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTextCleaner(glyphs)
			if got := c.clean(tt.in); got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := c.replacedList(); strings.Join(got, ",") != strings.Join(tt.replaced, ",") {
				t.Errorf("replacedList() after clean(%q) = %q, want %q", tt.in, got, tt.replaced)
			}
		})
	}
}
