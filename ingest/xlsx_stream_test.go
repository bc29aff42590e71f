package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"saima"
)

const (
	mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	relNS  = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
)

// rawWorkbook zips a one-sheet workbook from the XML of its sheet data and
// merged ranges and, when sst is not empty, a shared string table.
func rawWorkbook(tb testing.TB, sheetData, merges, sst string) []byte {
	tb.Helper()
	parts := map[string]string{
		"xl/workbook.xml": `<workbook ` + mainNS + ` xmlns:r="` + relNS + `"><sheets>` +
			`<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relNS + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + relNS + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<worksheet ` + mainNS + `><sheetData>` + sheetData + `</sheetData>` + merges + `</worksheet>`,
	}
	if sst != "" {
		parts["xl/sharedStrings.xml"] = `<sst ` + mainNS + `>` + sst + `</sst>`
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := z.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXSizeLimits(t *testing.T) {
	progress := row(1, progressHeaderCells[:5]...) +
		row(2, text("余姚市"), text("NB-1"), text("项目"), text("2026Q3"), text("50%"))
	padding := strings.Repeat(" ", 2<<20) // unpacks to 2 MB and zips to a few KB
	tests := []struct {
		name  string
		file  []byte
		limit int64
		want  string
	}{
		{"within the limits", rawWorkbook(t, progress, "", ""), 1 << 20, ""},
		{"file too large", rawWorkbook(t, progress, "", ""), 600,
			"xlsx文件超过600 字节的上限；请删除不需要的工作表、图片和空白行列，或拆分后分批上传"},
		{"unpacks too large", rawWorkbook(t, progress+padding, "", ""), 1 << 20,
			"xlsx文件解压后超过1 MB的上限，可能含有大量空白行列、图片或异常内容；请删除后另存为xlsx，或拆分后分批上传"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(tt.file), Options{Roster: testRoster, Today: uploadDay, MaxXLSXBytes: tt.limit})
			if tt.want == "" {
				if err != nil || !res.OK() || len(res.Batch.Progress) != 1 {
					t.Fatalf("Parse() = %v, %v, want one record", res, err)
				}
				return
			}
			if saima.ErrorKind(err) != saima.KindInvalid || saima.ErrorMessage(err) != tt.want {
				t.Errorf("Parse() error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestXLSXPartLongerThanStated reads a worksheet whose zip entry states a
// smaller size than it unpacks to, as a zip bomb would: reading stops at
// the stated size.
func TestXLSXPartLongerThanStated(t *testing.T) {
	sheet := []byte(`<worksheet ` + mainNS + `><sheetData>` + row(1, text("单位")) +
		strings.Repeat(row(2, text("余姚市")), 1000) + `</sheetData></worksheet>`)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(sheet)
	fw.Close()

	good := rawWorkbook(t, "", "", "")
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := z.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(sheet),
				CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 200})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(deflated.Bytes())
			continue
		}
		if err := z.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	z.Close()

	_, err = Parse(bytes.NewReader(buf.Bytes()), Options{Roster: testRoster, Today: uploadDay})
	if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "无法读取工作表“s”") {
		t.Errorf("Parse() error = %v, want the unreadable-sheet message", err)
	}
}

func TestXLSXSharedStrings(t *testing.T) {
	sst := `<si><t>单位</t></si><si><t>项目编号</t></si><si><t>填报期间</t></si><si><t>完成率</t></si>` +
		`<si><t>进展情况</t></si>` +
		`<si><r><t>余</t></r><r><rPr><b/></rPr><t>姚市</t></r><rPh sb="0" eb="1"><t>ヨ</t></rPh></si>` +
		`<si><t xml:space="preserve">第一行_x000D_
第二行 &amp; _x005F_x000D_</t></si>`
	shared := func(i int) func(string) string {
		return func(ref string) string { return fmt.Sprintf(`<c r="%s" t="s"><v>%d</v></c>`, ref, i) }
	}
	inlineRich := func(ref string) string {
		return `<c r="` + ref + `" t="inlineStr"><is><r><t>NB-</t></r><r><t>1</t></r></is></c>`
	}
	data := row(1, shared(0), shared(1), shared(2), shared(3), shared(4)) +
		row(2, shared(5), inlineRich, text("2026Q3"), text("50%"), shared(6))
	res := parseText(t, "s.xlsx", string(rawWorkbook(t, data, "", sst)), Options{})
	requireNoErrors(t, res)
	p := res.Batch.Progress[0]
	if p.Unit != "余姚市" || p.ProjectCode != "NB-1" || p.Progress != "第一行\r\n第二行 & _x000D_" {
		t.Errorf("record = %+v, want runs joined, phonetics dropped and _x escapes read", p)
	}
}

func TestXLSXRowsWithoutReferences(t *testing.T) {
	// Rows and cells without r attributes follow the one before; row 4 is
	// missing, so row 5 keeps its number.
	plain := func(v string) string { return `<c t="inlineStr"><is><t>` + v + `</t></is></c>` }
	data := `<row>` + plain("单位") + plain("项目编号") + plain("填报期间") + plain("完成率") + `</row>` +
		`<row>` + plain("余姚市") + plain("NB-1") + plain("2026Q3") + plain("50%") + `</row>` +
		`<row r="3"><c r="B3" t="inlineStr"><is><t>NB-2</t></is></c>` + plain("2026Q3") + plain("60%") + `</row>` +
		`<row r="5">` + plain("宁海县") + plain("NB-3") + plain("2026Q3") + plain("135%") + `</row>`
	res := parseText(t, "r.xlsx", string(rawWorkbook(t, data, "", "")), Options{})
	want := []string{
		"r.xlsx 工作表“s”第3行“单位”列为空，此列必须填写，请填写单位后重新上传",
		"r.xlsx 工作表“s”第5行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// TestXLSXManyMerges has more merged ranges than fit in one read of the
// merge scan, so that some mergeCell elements straddle two reads.
func TestXLSXManyMerges(t *testing.T) {
	var data, merges strings.Builder
	data.WriteString(row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率")))
	merges.WriteString(`<mergeCells count="3000">`)
	for i := range 3000 {
		top, below := 2+2*i, 3+2*i
		data.WriteString(row(top, text("余姚市"), text(fmt.Sprintf("NB-%d", top)), text("2026Q3"), text("50%")))
		data.WriteString(row(below, nil, text(fmt.Sprintf("NB-%d", below)), text("2026Q3"), text("50%")))
		fmt.Fprintf(&merges, `<mergeCell ref="A%d:A%d"/>`, top, below)
	}
	merges.WriteString(`</mergeCells>`)
	if merges.Len() < 64<<10 {
		t.Fatalf("merges take %d bytes, want more than one 64 KiB read", merges.Len())
	}
	res := parseText(t, "m.xlsx", string(rawWorkbook(t, data.String(), merges.String(), "")), Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 6000 {
		t.Fatalf("records = %d, want 6000", len(res.Batch.Progress))
	}
	for _, p := range res.Batch.Progress {
		if p.Unit != "余姚市" {
			t.Fatalf("record %s has unit %q, want the merged 余姚市", p.ProjectCode, p.Unit)
		}
	}
}

func TestScanMerges(t *testing.T) {
	xml := `<worksheet><sheetData><row r="1"><c><v>1</v></c></row></sheetData>` +
		`<mergeCells count="3"><mergeCell ref="A1:B2"/><x:mergeCell ref='C3:D4'/>` +
		`<mergeCell ref="Z9:A1"/></mergeCells><mergeCellsExtra/></worksheet>`
	got, err := scanMerges(iotest.OneByteReader(strings.NewReader(xml)))
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, m := range got {
		refs = append(refs, fmt.Sprintf("%d,%d:%d,%d", m.r1, m.c1, m.r2, m.c2))
	}
	// Z9:A1 runs backwards and is dropped.
	if want := []string{"1,1:2,2", "3,3:4,4"}; !slices.Equal(refs, want) {
		t.Errorf("scanMerges() = %q, want %q", refs, want)
	}
}

func TestCellColumn(t *testing.T) {
	tests := []struct {
		ref  string
		want int
	}{
		{"A1", 1}, {"Z9", 26}, {"AA10", 27}, {"xfd1", 16384}, {"", 7}, {"12", 7},
		// Beyond XFD every reference reads as one past it, so that many
		// letters cannot overflow the count.
		{"XFE1", 16385}, {strings.Repeat("Z", 30) + "1", 16385},
	}
	for _, tt := range tests {
		if got := cellColumn(tt.ref, 7); got != tt.want {
			t.Errorf("cellColumn(%q, 7) = %d, want %d", tt.ref, got, tt.want)
		}
	}
}

// TestXLSXColumnBeyondXFD rejects a cell past Excel's last column, which
// would otherwise pad its row with one empty cell per column before it:
// a file of a few kilobytes with a cell at ZZZZZZ2 took gigabytes.
func TestXLSXColumnBeyondXFD(t *testing.T) {
	data := row(1, progressHeaderCells[:5]...) +
		row(2, text("余姚市"), text("NB-1"), text("项目"), text("2026Q3"), text("50%")) +
		`<row r="3"><c r="XFE3" t="inlineStr"><is><t>x</t></is></c></row>`
	_, err := Parse(bytes.NewReader(rawWorkbook(t, data, "", "")), Options{Roster: testRoster, Today: uploadDay})
	want := "工作表“s”第3行的单元格“XFE3”超出了Excel的最后一列XFD（第16384列），Excel和WPS不会写出这样的单元格，" +
		"文件可能已损坏或由其他程序生成；请用Excel或WPS打开后另存为xlsx再上传"
	if saima.ErrorKind(err) != saima.KindInvalid || saima.ErrorMessage(err) != want {
		t.Errorf("Parse() error = %v, want %q", err, want)
	}
}

// TestScanMergesBeyondXFD drops a merged range that reaches past column
// XFD, which would fill each row it covers up to its last column.
func TestScanMergesBeyondXFD(t *testing.T) {
	xml := `<mergeCells><mergeCell ref="A1:XFD2"/><mergeCell ref="A3:XFE4"/>` +
		`<mergeCell ref="A5:` + strings.Repeat("Z", 20) + `6"/></mergeCells>`
	got, err := scanMerges(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].c2 != 16384 {
		t.Errorf("scanMerges() kept %d ranges, want only A1:XFD2", len(got))
	}
}
