package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Paths of the Noto Sans SC fonts relative to the repository root, where
// `npm ci` installs them. They are not part of the source tree.
const (
	RegularFontPath = "node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"
	BoldFontPath    = "node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"
)

// Placeholder is drawn in place of every character the fonts have no glyph
// for, such as 𠮷 (outside the BMP) or ✅.
const Placeholder = '□'

// Fonts holds the TrueType files a PDF report embeds. Each file is about
// 10 MB, so load them once with [LoadFonts] and share the value between
// reports. A Fonts is safe for concurrent use, and WriteQuarterly embeds
// only the glyphs a document uses.
//
// A Fonts built by hand needs both fields set. Its glyph coverage is parsed
// on first use.
type Fonts struct {
	Regular []byte // Noto Sans SC Regular, TrueType outlines
	Bold    []byte // Noto Sans SC Bold, TrueType outlines

	once   sync.Once
	glyphs *glyphSet // code points both fonts can draw
	err    error
}

var fontCache struct {
	sync.Mutex
	loaded map[[2]string]*Fonts
}

// LoadFonts reads the regular and bold font files, checks that each is a
// TrueType font with the Unicode cmap that gofpdf reads, and returns them.
// Later calls with the same paths return the same *Fonts without reading
// the files again. A failed load is not cached, so a call after `npm ci`
// succeeds.
//
// A missing file is an error that names the path and the command that
// installs it.
func LoadFonts(regularPath, boldPath string) (*Fonts, error) {
	key := [2]string{regularPath, boldPath}
	fontCache.Lock()
	defer fontCache.Unlock()
	if f, ok := fontCache.loaded[key]; ok {
		return f, nil
	}

	f, err := readFonts(regularPath, boldPath)
	if err != nil {
		return nil, err
	}
	if fontCache.loaded == nil {
		fontCache.loaded = make(map[[2]string]*Fonts)
	}
	fontCache.loaded[key] = f
	return f, nil
}

func readFonts(regularPath, boldPath string) (*Fonts, error) {
	regular, err := readFontFile(regularPath)
	if err != nil {
		return nil, err
	}
	bold, err := readFontFile(boldPath)
	if err != nil {
		return nil, err
	}

	f := &Fonts{Regular: regular, Bold: bold}
	if _, err := f.coverage(); err != nil {
		return nil, err
	}
	return f, nil
}

func readFontFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("font file %s is missing: "+
			"run `npm ci` (or `make setup`) in the repository root to install it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	return b, nil
}

// coverage returns the code points that both fonts can draw, parsing the
// cmap tables once.
func (f *Fonts) coverage() (*glyphSet, error) {
	f.once.Do(func() {
		regular, err := parseGlyphSet(f.Regular)
		if err != nil {
			f.err = fmt.Errorf("regular font: %w", err)
			return
		}
		bold, err := parseGlyphSet(f.Bold)
		if err != nil {
			f.err = fmt.Errorf("bold font: %w", err)
			return
		}
		regular.intersect(bold)
		f.glyphs = regular
	})
	return f.glyphs, f.err
}

// textCleaner prepares text for gofpdf, which panics on code points above
// U+FFFF and draws nothing useful for code points missing from the font.
// It remembers every replaced code point so that one warning per document
// can list them.
type textCleaner struct {
	glyphs   *glyphSet
	replaced map[rune]bool
}

func newTextCleaner(glyphs *glyphSet) *textCleaner {
	return &textCleaner{glyphs: glyphs, replaced: make(map[rune]bool)}
}

// clean returns s with line ends turned into "\n", tabs into spaces,
// invisible format characters dropped, and every other code point the
// fonts cannot draw replaced by [Placeholder].
// Use line instead for text drawn on a single line.
func (c *textCleaner) clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case invisible(r):
			return -1
		case c.glyphs.has(r) && !unicode.IsControl(r):
			return r
		}
		c.replaced[r] = true
		return Placeholder
	}, s)
}

// invisible reports whether r is a format character that text shows as
// nothing: a joiner or zero-width space, a variation selector (as in 葛󠄀
// or an emoji's ❤️), a direction mark or a soft hyphen. They are dropped
// rather than drawn as [Placeholder] or as a visible glyph. The list follows
// Unicode's Default_Ignorable_Code_Point property for the characters met
// in text, not the whole property.
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0xFEFF:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	case r >= 0x180B && r <= 0x180F, r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// line cleans s for a single-line place such as a heading or bookmark,
// where a line break becomes a space.
func (c *textCleaner) line(s string) string {
	return strings.ReplaceAll(c.clean(s), "\n", " ")
}

// replacedRunes returns the replaced code points in ascending order.
func (c *textCleaner) replacedRunes() []rune {
	runes := make([]rune, 0, len(c.replaced))
	for r := range c.replaced {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	return runes
}

// replacedList returns the replaced code points in ascending order, each
// written as the character and its U+ number.
func (c *textCleaner) replacedList() []string {
	runes := c.replacedRunes()
	out := make([]string, len(runes))
	for i, r := range runes {
		out[i] = fmt.Sprintf("%q U+%04X", r, r)
	}
	return out
}

// placeholderHeading is the title of the section that ends a report which
// drew [Placeholder], listing the characters it replaced.
const placeholderHeading = "缺字说明"

// placeholderSection draws the section that lists the code points of
// replaced, the characters drawn as [Placeholder]. It draws nothing when
// replaced is empty. The report names them by number, because the fonts
// cannot draw them, so that a reader can tell what each □ stood for.
func (d *document) placeholderSection(replaced []rune) {
	if len(replaced) == 0 {
		return
	}
	codes := make([]string, len(replaced))
	for i, r := range replaced {
		codes[i] = fmt.Sprintf("U+%04X", r)
	}
	d.pdf.Ln(6)
	d.heading(placeholderHeading, 0, 10)
	d.paragraph(fmt.Sprintf("本报告所用的 Noto Sans SC 字体缺少以下 %d 个字符，文中各以“%c”代替，"+
		"原字符以上传的数据为准：%s。", len(replaced), Placeholder, strings.Join(codes, "、")),
		"", sizeBody, "L")
}
