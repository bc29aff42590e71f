package reports

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"saima"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// reportTime is when the test reports are generated: 2026-10-15 in Beijing.
var reportTime = time.Date(2026, 10, 15, 9, 30, 0, 0, saima.Beijing)

func percent(v float64) *float64 { return &v }

func date(y int, m time.Month, d int) saima.Date { return saima.NewDate(y, m, d) }

func score(track, unit string, value float64, rank, prevRank int, contribs ...saima.Contribution) saima.Score {
	return saima.Score{
		Period: saima.Quarter(2026, 3), Track: track, RuleSet: "2026年度赛马规则", RuleSetVersion: "3f2a9c1d77e0",
		Unit: unit, Value: value, Rank: rank, PrevRank: prevRank, Contributions: contribs,
	}
}

func contribution(name string, raw, score, weight float64) saima.Contribution {
	return saima.Contribution{
		Indicator: name, Name: name, Raw: raw, Score: score, Weight: weight, Points: score * weight,
	}
}

// smallQuarterly is the fixed report behind the golden text file.
func smallQuarterly() *Quarterly {
	haishu := score(saima.KindDistrict, "宁波市海曙区", 88.45, 1, 3,
		contribution("项目按时开工率", 95, 95, 0.6),
		contribution("问题整改率", 80.5, 80.5, 0.4))
	ninghai := score(saima.KindDistrict, "宁海县", 80, 2, 0,
		contribution("项目按时开工率", 80, 80, 0.6),
		saima.Contribution{
			Indicator: "问题整改率", Name: "问题整改率", Missing: true, Score: 80, Weight: 0.4, Points: 32,
		})
	tracks := []TrackRanking{{Track: saima.KindDistrict, Scores: []saima.Score{haishu, ninghai}}}

	return &Quarterly{
		Title:       DefaultTitle,
		Period:      saima.Quarter(2026, 3),
		RuleSet:     "2026年度赛马规则（版本 3f2a9c1d）",
		GeneratedAt: reportTime,
		DataAsOf:    date(2026, 10, 1).Time(),
		DataVersion: time.Date(2026, 10, 14, 18, 5, 0, 0, saima.Beijing),
		Tracks:      tracks,
		Units: []UnitSection{
			{
				Unit:    saima.Unit{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
				Score:   haishu,
				Summary: "宁波市海曙区综合得分88.5分，排名第1，较上期上升2名。",
				Projects: []ProjectLine{{
					Code: "NB-2026-003", Name: "海曙区老旧小区改造（二期）", Period: saima.Quarter(2026, 3),
					Percent: percent(85), Progress: "完成施工图设计，主体工程进行中。", Problems: "无",
				}},
				Overdue: []saima.Milestone{{
					ProjectCode: "NB-2026-003", Name: "主体工程完工", Planned: date(2026, 9, 15), Status: "进行中",
				}},
			},
			{
				Unit:    saima.Unit{Name: "宁海县", Kind: saima.KindDistrict, Track: saima.KindDistrict},
				Score:   ninghai,
				Summary: "宁海县上期未参与排名。",
				Projects: []ProjectLine{{
					Code: "NB-2026-039", Name: "宁海县农村供水保障工程", Period: saima.Month(2026, 9),
					Progress: "项目负责人张堃、技术负责人李喆，已完成管网铺设46公里",
				}},
			},
		},
	}
}

// hardQuarterly is a report full of hard cases: a 500-character narrative,
// rare and undrawable characters, injection text, and a track long enough
// to span pages.
func hardQuarterly(tb testing.TB) *Quarterly {
	tb.Helper()
	long := longProgressText(tb)
	q := smallQuarterly()

	bigdata := score(saima.KindDepartment, "市大数据局", 91.25, 1, 1,
		contribution("数据共享率", 97.4, 97.4, 0.5), contribution("接口调用量", 3.7, 85.1, 0.5))
	finance := score(saima.KindDepartment, "市财政局", 75.57, 2, 1)
	rare := score(saima.KindDepartment, "吉𠮷镇堃喆赟龑👍", 60.04, 3, 2)
	departments := []saima.Score{bigdata, finance, rare}
	q.Tracks = append(q.Tracks, TrackRanking{Track: saima.KindDepartment, Scores: departments})

	var many []saima.Score
	for i := range 70 {
		many = append(many, score("试点赛道", fmt.Sprintf("试点单位%02d", i+1), 99-float64(i)*1.25, i+1, 0))
	}
	q.Tracks = append(q.Tracks, TrackRanking{Track: "试点赛道", Scores: many})

	q.Units = append(q.Units,
		UnitSection{
			Unit:    saima.Unit{Name: "市大数据局"},
			Score:   bigdata,
			Summary: long,
			Projects: []ProjectLine{
				{Code: "NB-2026-045", Name: "城市大脑数据中台（二期）", Percent: percent(86.7), Progress: long,
					Problems: "服务器扩容采购流程较长，运维人员不足"},
				{Code: "NB-2026-048", Name: "公共数据授权运营平台", Percent: percent(55),
					Progress: "完成首批3个场景授权", Problems: "无"},
			},
			Overdue: []saima.Milestone{{
				ProjectCode: "NB-2026-045", Name: "数据归集完成", Planned: date(2026, 6, 30), Status: "已完成",
			}},
		},
		UnitSection{
			Unit:  saima.Unit{Name: "市财政局"},
			Score: finance,
			Projects: []ProjectLine{
				{Code: "NB-2026-057", Name: "__f__function(){alert(1)}__f__", Percent: percent(90),
					Progress: "完成与省平台接口联调"},
				{Code: "NB-2026-060", Name: "城市大脑" + scriptName + "数据中台", Percent: percent(40.885),
					Progress: "=1+2", Problems: `路径C:\data\new\、引号"和'都应原样显示`},
			},
		},
		UnitSection{
			Unit:  saima.Unit{Name: "吉𠮷镇堃喆赟龑👍"},
			Score: rare,
			Projects: []ProjectLine{
				{Code: "NB-2026-004", Name: "海曙区智慧社区试点", Percent: percent(88),
					Progress: "进展顺利👍居民满意度达96%", Problems: "✅已整改"},
			},
		},
	)
	return q
}

// renderPDF writes q to a file and returns its path and what was logged.
func renderPDF(tb testing.TB, q *Quarterly) (path, logged string) {
	tb.Helper()
	var buf, logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if err := WriteQuarterly(&buf, q, testFonts(tb), log); err != nil {
		tb.Fatalf("WriteQuarterly: %v", err)
	}
	path = filepath.Join(tb.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, logs.String()
}

// popplerText runs pdftotext from poppler-utils on path and returns the
// text, with a form feed after every page.
func popplerText(tb testing.TB, path string, args ...string) string {
	tb.Helper()
	args = append(append([]string{"-enc", "UTF-8"}, args...), path, "-")
	out, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		tb.Fatalf("pdftotext %s: %v (install poppler-utils)", strings.Join(args, " "), err)
	}
	return string(out)
}

// footerRE matches a page footer in pdftotext output, which may drop the
// narrow spaces around the numbers.
var footerRE = regexp.MustCompile(`^第 ?(\d+) ?页 ?/ ?共 ?(\d+) ?页$`)

// bodyText removes the running header and footer lines from pdftotext
// output, then the line breaks and page breaks, so that text broken across
// lines and pages reads as one string again. pdftotext reads the header's
// title and period as separate lines.
func bodyText(text string, q *Quarterly) string {
	var body []string
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\f", "\n"), "\n") {
		if footerRE.MatchString(line) || line == q.Title || line == q.Period.Label() {
			continue
		}
		body = append(body, line)
	}
	return strings.Join(body, "")
}

func TestWriteQuarterlyGolden(t *testing.T) {
	path, logged := renderPDF(t, smallQuarterly())
	got := popplerText(t, path, "-layout")
	if logged != "" {
		t.Errorf("WriteQuarterly(small report) logged %q, want nothing", logged)
	}

	golden := filepath.Join("testdata", "quarterly_small.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext output differs from %s "+
			"(run go test -update after checking the PDF):\n got: %s\nwant: %s",
			golden, got, want)
	}
}

func TestWriteQuarterlyIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	fonts := testFonts(t)
	if err := WriteQuarterly(&a, smallQuarterly(), fonts, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteQuarterly(&b, smallQuarterly(), fonts, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings of the same report differ (%d and %d bytes)", a.Len(), b.Len())
	}
}

func TestWriteQuarterlyHardText(t *testing.T) {
	q := hardQuarterly(t)
	path, logged := renderPDF(t, q)
	text := popplerText(t, path)
	body := bodyText(text, q)

	t.Run("UnitNamesAndScores", func(t *testing.T) {
		for _, tr := range q.Tracks {
			for _, s := range tr.Scores {
				name := strings.NewReplacer("𠮷", "□", "👍", "□").Replace(s.Unit)
				if !strings.Contains(text, name) {
					t.Errorf("PDF text lacks unit name %q", name)
				}
				if !strings.Contains(text, saima.FormatComposite(s.Value)) {
					t.Errorf("PDF text lacks score %s of %s", saima.FormatComposite(s.Value), name)
				}
			}
		}
	})
	t.Run("RareCharacters", func(t *testing.T) {
		for _, want := range []string{"堃喆赟龑", "张堃", "李喆", "吉□镇堃喆赟龑□", "进展顺利□居民满意度达96%", "□已整改"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	})
	t.Run("InjectionTextIsLiteral", func(t *testing.T) {
		for _, want := range []string{
			"</script><script>alert(1)</script>", "=1+2", "__f__function(){alert(1)}__f__",
			`路径C:\data\new\、引号"和'都应原样显示`, "40.885%",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	})
	t.Run("NarrativeJoinsBack", func(t *testing.T) {
		long := longProgressText(t)
		if n := strings.Count(body, long); n != 1 {
			t.Errorf("PDF body text has the 500-character narrative %d times, want 1 (the summary)", n)
		}
	})
	t.Run("PlaceholderWarning", func(t *testing.T) {
		warnings := strings.Count(logged, "level=WARN")
		if warnings != 1 {
			t.Fatalf("WriteQuarterly logged %d warnings, want 1:\n%s", warnings, logged)
		}
		for _, want := range []string{"U+20BB7", "U+1F44D", "U+2705"} {
			if !strings.Contains(logged, want) {
				t.Errorf("warning %q does not list %s", logged, want)
			}
		}
	})
	t.Run("Footers", func(t *testing.T) {
		checkFooters(t, text)
	})
	t.Run("RankingHeaderRepeats", func(t *testing.T) {
		checkRankingHeaders(t, popplerText(t, path, "-layout"))
	})
}

var (
	rankingRowRE    = regexp.MustCompile(`(?m)^\s*\d+\s+试点单位\d+\s+\d+\.\d\s+新\s*$`)
	rankingHeaderRE = regexp.MustCompile(`名次\s+单位\s+综合得分\s+较上期`)
)

// checkRankingHeaders checks, in pdftotext -layout output, that every page
// with rows of the 70-unit ranking table starts the table with its header.
func checkRankingHeaders(t *testing.T, layout string) {
	t.Helper()
	pagesWithRows := 0
	for i, page := range strings.Split(layout, "\f") {
		row := rankingRowRE.FindStringIndex(page)
		if row == nil {
			continue
		}
		pagesWithRows++
		header := rankingHeaderRE.FindStringIndex(page)
		if header == nil || header[0] > row[0] {
			t.Errorf("page %d has ranking rows without the header row above them", i+1)
		}
	}
	if pagesWithRows < 2 {
		t.Errorf("the 70-unit ranking table spans %d pages, want at least 2", pagesWithRows)
	}
}

// checkFooters checks that page n of m carries the footer that pageFooter
// writes, exactly as pdftotext reads it, so that every report's footer
// reads alike whatever its page count.
func checkFooters(t *testing.T, text string) {
	t.Helper()
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	for i, page := range pages {
		want := pageFooter(i+1, len(pages))
		var footer string
		for line := range strings.SplitSeq(page, "\n") {
			if footerRE.MatchString(strings.TrimSpace(line)) {
				footer = strings.TrimSpace(line)
			}
		}
		if footer != want {
			t.Errorf("page %d footer = %q, want %q", i+1, footer, want)
		}
	}
}

// TestWriteQuarterlyLongCell checks the 500-character 进展情况 inside the
// project table: cropped to its column, the cell's lines join back to the
// input on one page, and no line of the cell overlaps the next row.
func TestWriteQuarterlyLongCell(t *testing.T) {
	q := hardQuarterly(t)
	path, _ := renderPDF(t, q)
	long := longProgressText(t)

	// The 进展情况 column spans 80–146 mm from the left edge of the page.
	left, width := mmToPoints(marginLeft+44+18), mmToPoints(66)
	top, height := mmToPoints(marginTop), mmToPoints(contentBottom-marginTop)
	column := popplerText(t, path, "-x", fmt.Sprint(int(left)), "-y", fmt.Sprint(int(top)),
		"-W", fmt.Sprint(int(width)), "-H", fmt.Sprint(int(height)))

	pages := strings.Split(column, "\f")
	page := slices.IndexFunc(pages, func(p string) bool {
		return strings.Contains(strings.ReplaceAll(p, "\n", ""), long)
	})
	if page < 0 {
		t.Fatalf("no page's 进展情况 column holds all 500 characters:\n%s", column)
	}
	if !strings.Contains(strings.ReplaceAll(pages[page], "\n", ""), long+"完成首批3个场景授权") {
		t.Errorf("on page %d, the next row does not follow the 500 characters:\n%s", page+1, pages[page])
	}
	checkLinesApart(t, path, page+1, left, left+width)
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">`)

// checkLinesApart checks that on page n, the text lines between x0 and x1
// points do not overlap each other and stay above the bottom margin, which
// fails when a row is drawn shorter than its lines.
func checkLinesApart(t *testing.T, path string, n int, x0, x1 float64) {
	t.Helper()
	bbox := popplerText(t, path, "-bbox", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n))
	type span struct{ top, bottom float64 }
	var lines []span
	for _, m := range wordRE.FindAllStringSubmatch(bbox, -1) {
		xMin, _ := strconv.ParseFloat(m[1], 64)
		yMin, _ := strconv.ParseFloat(m[2], 64)
		xMax, _ := strconv.ParseFloat(m[3], 64)
		yMax, _ := strconv.ParseFloat(m[4], 64)
		inBody := yMin > mmToPoints(marginTop) && yMin < mmToPoints(pageHeight-15)
		if xMin >= x0 && xMax <= x1 && inBody {
			lines = append(lines, span{yMin, yMax})
		}
	}
	if len(lines) < 20 {
		t.Fatalf("page %d has %d text lines in the column, want the 500-character cell's", n, len(lines))
	}

	slices.SortFunc(lines, func(a, b span) int { return cmp.Compare(a.top, b.top) })
	for i := 1; i < len(lines); i++ {
		prev, cur := lines[i-1], lines[i]
		if cur.top-prev.top > 0.5 && cur.top < prev.bottom-0.3 {
			t.Errorf("page %d: a line at y=%.1fpt overlaps the line above it (y=%.1f–%.1fpt)",
				n, cur.top, prev.top, prev.bottom)
		}
	}
	if last := lines[len(lines)-1]; last.bottom > mmToPoints(contentBottom)+0.5 {
		t.Errorf("page %d: text reaches y=%.1fpt, below the bottom margin at %.1fpt",
			n, last.bottom, mmToPoints(contentBottom))
	}
}

// mmToPoints converts millimetres to PDF points, the unit of pdftotext's
// crop options and bounding boxes.
func mmToPoints(mm float64) float64 { return mm * 72 / 25.4 }

func TestWriteQuarterlyInvalidInput(t *testing.T) {
	fonts := testFonts(t)
	tests := []struct {
		name  string
		q     *Quarterly
		fonts *Fonts
	}{
		{"NilReport", nil, fonts},
		{"NilFonts", smallQuarterly(), nil},
		{"NotAFont", smallQuarterly(), &Fonts{Regular: []byte("not a font"), Bold: []byte("not a font")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteQuarterly(&buf, tt.q, tt.fonts, nil); err == nil {
				t.Errorf("WriteQuarterly(%s) = nil error, want an error", tt.name)
			}
		})
	}
}

// TestWriteQuarterlyRowTallerThanPage checks the one case where a row is
// split: a cell too long for any page continues on the next pages, below a
// repeated header, with nothing lost.
func TestWriteQuarterlyRowTallerThanPage(t *testing.T) {
	q := smallQuarterly()
	huge := strings.Repeat(longProgressText(t), 6)
	q.Units[0].Projects[0].Progress = huge
	path, _ := renderPDF(t, q)

	left, width := mmToPoints(marginLeft+44+18), mmToPoints(66)
	top, height := mmToPoints(marginTop), mmToPoints(contentBottom-marginTop)
	column := popplerText(t, path, "-x", fmt.Sprint(int(left)), "-y", fmt.Sprint(int(top)),
		"-W", fmt.Sprint(int(width)), "-H", fmt.Sprint(int(height)))

	var joined strings.Builder
	pagesWithCell := 0
	for page := range strings.SplitSeq(column, "\f") {
		text := strings.ReplaceAll(page, "\n", "")
		if !strings.Contains(text, "本季度") && !strings.Contains(text, "确保年度目标全面完成") {
			continue
		}
		pagesWithCell++
		header := strings.LastIndex(text, "进展情况")
		if header < 0 {
			t.Errorf("a page with part of the long cell lacks the 进展情况 header:\n%.300s", page)
			continue
		}
		joined.WriteString(text[header+len("进展情况"):])
	}
	if pagesWithCell < 2 {
		t.Fatalf("the 3000-character cell spans %d pages, want at least 2", pagesWithCell)
	}
	if !strings.Contains(joined.String(), huge) {
		t.Errorf("the 3000-character cell does not join back across %d pages", pagesWithCell)
	}
}

func TestWriteQuarterlyBookmarks(t *testing.T) {
	path, _ := renderPDF(t, smallQuarterly())
	pdf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// The outline entries, then the document title from the info dictionary.
	want := []string{"赛道排名", "区县（市）赛道排名", "单位考评详情", "宁波市海曙区", "宁海县", DefaultTitle}
	if got := pdfTitles(t, pdf); !slices.Equal(got, want) {
		t.Errorf("PDF titles = %q, want %q", got, want)
	}
	// Five outline entries, and the five contents entries that link to
	// the same pages.
	if got := bytes.Count(pdf, []byte("/Dest [")); got != 10 {
		t.Errorf("PDF has %d destinations, want 10", got)
	}
	if !bytes.Contains(pdf, []byte("/PageMode /UseOutlines")) {
		t.Errorf("PDF does not open with its outline shown")
	}
}

// unescapePDFString undoes the backslash escapes of a PDF literal string.
func unescapePDFString(s []byte) []byte {
	named := map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f'}
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		if c, ok := named[s[i]]; ok {
			out = append(out, c)
		} else {
			out = append(out, s[i])
		}
	}
	return out
}

var titleRE = regexp.MustCompile(`(?s)/Title \((.*?[^\\])\)\n`)

// pdfTitles returns the /Title strings of a PDF that gofpdf wrote without
// compressing them, as UTF-16BE with a byte order mark.
func pdfTitles(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	var titles []string
	for _, m := range titleRE.FindAllSubmatch(pdf, -1) {
		raw := unescapePDFString(m[1])
		if !bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) || len(raw)%2 != 0 {
			tb.Fatalf("title %q is not UTF-16BE with a byte order mark", raw)
		}
		units := make([]uint16, 0, len(raw)/2-1)
		for i := 2; i < len(raw); i += 2 {
			units = append(units, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		titles = append(titles, string(utf16.Decode(units)))
	}
	return titles
}

// TestWriteQuarterlySharesFonts renders reports in parallel from one Fonts
// value, as a server does, and checks that gofpdf leaves the font bytes
// unchanged. Run it with -race.
func TestWriteQuarterlySharesFonts(t *testing.T) {
	fonts := testFonts(t)
	before := sha256.Sum256(slices.Concat(fonts.Regular, fonts.Bold))

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			errs <- WriteQuarterly(io.Discard, smallQuarterly(), fonts, nil)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("WriteQuarterly: %v", err)
		}
	}
	if after := sha256.Sum256(slices.Concat(fonts.Regular, fonts.Bold)); after != before {
		t.Errorf("font bytes changed while rendering")
	}
}

func BenchmarkWriteQuarterly(b *testing.B) {
	fonts := testFonts(b)
	q := hardQuarterly(b)
	for b.Loop() {
		if err := WriteQuarterly(io.Discard, q, fonts, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteQuarterlyNarrativeAcrossPages moves the 500-character summary
// down the page by lengthening the indicator table above it, until it
// breaks across pages, and checks that it always joins back once the
// running header and footer are removed.
func TestWriteQuarterlyNarrativeAcrossPages(t *testing.T) {
	long := longProgressText(t)
	crossed := 0
	for n := 24; n <= 44; n += 2 {
		q := smallQuarterly()
		sec := &q.Units[0]
		sec.Summary = long
		sec.Score.Contributions = nil
		for i := range n {
			c := contribution(fmt.Sprintf("指标%02d", i+1), 50, 50, 1/float64(n))
			sec.Score.Contributions = append(sec.Score.Contributions, c)
		}
		path, _ := renderPDF(t, q)
		text := popplerText(t, path)

		if !strings.Contains(bodyText(text, q), long) {
			t.Errorf("with %d indicators, the summary does not join back", n)
		}
		onOnePage := slices.ContainsFunc(strings.Split(text, "\f"), func(page string) bool {
			return strings.Contains(strings.ReplaceAll(page, "\n", ""), long)
		})
		if !onOnePage {
			crossed++
		}
	}
	if crossed == 0 {
		t.Errorf("the summary never broke across pages, so the test checked nothing")
	}
}

// TestWriteQuarterlyRankLists checks that each track's rank lists and
// notes appear below its ranking, with † on a unit an override changed.
func TestWriteQuarterlyRankLists(t *testing.T) {
	q := smallQuarterly()
	q.Tracks[0].Lists = []RankList{
		{Name: "红榜", Units: []ListedUnit{{Name: "宁波市海曙区"}, {Name: "宁海县", Adjusted: true}}},
	}
	q.Tracks[0].ListNotes = []string{"本赛道只有 2 个单位，少于黑榜要求的 6 个，不评黑榜"}
	path, _ := renderPDF(t, q)
	text := strings.Join(strings.Fields(popplerText(t, path)), "")
	for _, want := range []string{
		"红榜：宁波市海曙区、宁海县†", "†综合得分经人工调整，榜单按计分时的综合得分和名次确定。",
		"本赛道只有2个单位，少于黑榜要求的6个，不评黑榜。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestPDFTextWithPageAlias checks that text such as 第{nb}期, which
// contains gofpdf's usual page-count alias, prints as written in the
// quarterly and ledger reports, and that the footers still give the page
// count.
func TestPDFTextWithPageAlias(t *testing.T) {
	const (
		name     = "第{nb}期智慧平台"
		progress = "见{nb}号文件，共{nb}页。"
	)
	q := smallQuarterly()
	q.Units[0].Projects[0].Name = name
	q.Units[0].Projects[0].Progress = progress
	l := ledgerReport(3)
	l.Entries[2].Name = name

	quarterly, _ := renderPDF(t, q)
	for _, tc := range []struct {
		report string
		path   string
		want   []string
	}{
		{"quarterly", quarterly, []string{name, progress}},
		{"ledger", renderLedger(t, l), []string{name}},
	} {
		t.Run(tc.report, func(t *testing.T) {
			text := popplerText(t, tc.path)
			plain := strings.Join(strings.Fields(text), "")
			for _, want := range tc.want {
				if !strings.Contains(plain, want) {
					t.Errorf("%s PDF text lacks %q", tc.report, want)
				}
			}
			checkFooters(t, text)
		})
	}
}

// TestPDFNamesPlaceholders checks that a report which drew [Placeholder]
// states so in its own text: a last section lists each replaced character
// by code point, and the quarterly report's table of contents links it.
func TestPDFNamesPlaceholders(t *testing.T) {
	quarterly, _ := renderPDF(t, hardQuarterly(t))
	for _, tc := range []struct {
		report string
		path   string
		want   []string
	}{
		{"quarterly", quarterly, []string{"U+20BB7", "U+1F44D", "U+2705"}},
		{"ledger", renderLedger(t, ledgerReport(3)), []string{"U+20BB7"}},
	} {
		t.Run(tc.report, func(t *testing.T) {
			plain := strings.Join(strings.Fields(popplerText(t, tc.path)), "")
			note := strings.LastIndex(plain, placeholderHeading)
			if note < 0 {
				t.Fatalf("%s PDF text lacks the section %s", tc.report, placeholderHeading)
			}
			for _, want := range tc.want {
				if !strings.Contains(plain[note:], want) {
					t.Errorf("%s PDF section %s lacks %s", tc.report, placeholderHeading, want)
				}
			}
		})
	}
	t.Run("contents", func(t *testing.T) {
		contents := popplerText(t, quarterly, "-f", "2", "-l", "2")
		if !strings.Contains(contents, placeholderHeading) {
			t.Errorf("the table of contents lacks %s:\n%s", placeholderHeading, contents)
		}
	})
	t.Run("none", func(t *testing.T) {
		path, _ := renderPDF(t, smallQuarterly())
		if text := popplerText(t, path); strings.Contains(text, placeholderHeading) {
			t.Errorf("a report without placeholders has the section %s", placeholderHeading)
		}
	})
}

// TestPDFHeaderMarksCut checks that a running header too long for one
// line, such as that of a unit's report with a long name, ends with an
// ellipsis where it is cut, instead of stopping mid-name.
func TestPDFHeaderMarksCut(t *testing.T) {
	q := smallQuarterly()
	q.Scope = strings.Repeat("宁波市数字化改革专项工作组", 8)
	path, _ := renderPDF(t, q)
	page := popplerText(t, path, "-f", "3", "-l", "3", "-layout")
	header := ""
	for line := range strings.SplitSeq(page, "\n") {
		if header = strings.TrimSpace(line); header != "" {
			break
		}
	}
	if !strings.HasPrefix(header, q.Title) || !strings.HasSuffix(header, "…") {
		t.Errorf("header of page 3 = %q, want the title first and an ellipsis where it is cut", header)
	}
}
