package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"saima"
)

// This file reads the workbooks and CSV files in testdata/ that
// LibreOffice Calc 7.4 saved, and checks what a clerk's typing turns into
// there. testdata/README.md describes how each file was made.

// trapsRoster is the test roster with 慈溪市, which the traps files name.
var trapsRoster = append(testRoster[:len(testRoster):len(testRoster)],
	saima.Unit{Name: "慈溪市", Kind: saima.KindDistrict, Track: saima.KindDistrict})

// parseTestdata parses testdata/name as an upload of that name.
func parseTestdata(tb testing.TB, name string) *Result {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := Parse(f, Options{FileName: name, Roster: trapsRoster, Today: uploadDay})
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", name, err)
	}
	return res
}

// errorAt returns the error on row and column of res, or nil.
func errorAt(res *Result, row int, column string) *Issue {
	for i, is := range res.Errors {
		if is.Row == row && is.Column == column {
			return &res.Errors[i]
		}
	}
	return nil
}

// The traps files hold 填报期间 typed as 2026.10 into a General cell,
// which the cell keeps as the number 2026.1 and CSV writes as 2026.1.
func TestLibreOfficePeriodNumber(t *testing.T) {
	for _, name := range []string{"libreoffice_traps.xlsx", "libreoffice_traps.csv"} {
		t.Run(name, func(t *testing.T) {
			res := parseTestdata(t, name)
			is := errorAt(res, 2, "填报期间")
			if is == nil {
				t.Fatalf("no error on row 2 填报期间; errors = %q, progress = %q",
					issueStrings(res.Errors), progressLines(res.Batch.Progress))
			}
			if is.Value != "2026.1" || !strings.Contains(is.Reason, "10月") {
				t.Errorf("row 2 error = %q, want value 2026.1 and a reason naming 10月", is.String())
			}
		})
	}
}

// Row 3 of the traps files has a 项目名称 looked up by a formula that
// found nothing, which the workbook stores as the error value #N/A and
// the CSV as its text.
func TestLibreOfficeFormulaError(t *testing.T) {
	for _, name := range []string{"libreoffice_traps.xlsx", "libreoffice_traps.csv"} {
		t.Run(name, func(t *testing.T) {
			res := parseTestdata(t, name)
			is := errorAt(res, 3, "项目名称")
			if is == nil {
				t.Fatalf("no error on row 3 项目名称; errors = %q, progress = %q",
					issueStrings(res.Errors), progressLines(res.Batch.Progress))
			}
			if is.Value != "#N/A" || !strings.Contains(is.Reason, "公式") {
				t.Errorf("row 3 error = %q, want value #N/A and a reason about the formula", is.String())
			}
		})
	}
}

func TestFormulaErrorValues(t *testing.T) {
	tests := []struct {
		name, cell string
		column     string
		bad        bool
	}{
		{"OK text", "正在施工", "进展情况", false},
		{"OK hash in text", "#1号楼已封顶", "进展情况", false},
		{"ErrDivZero", "#DIV/0!", "进展情况", true},
		{"ErrRef", "#REF!", "存在问题", true},
		{"ErrName lower case", "#name?", "项目名称", true},
		{"ErrValue", " #VALUE! ", "项目名称", true},
		{"ErrLibreOffice", "Err:502", "进展情况", true},
		{"ErrInPercent", "#DIV/0!", "完成率", true},
		{"ErrInCode", "#N/A", "项目编号", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := map[string]string{"单位": "宁波市海曙区", "项目编号": "NB-2026-003", "项目名称": "改造",
				"填报期间": "2026Q3", "完成率": "85%", "进展情况": "正常", "存在问题": "无"}
			cells[tt.column] = tt.cell
			cols := []string{"单位", "项目编号", "项目名称", "填报期间", "完成率", "进展情况", "存在问题"}
			var row []string
			for _, c := range cols {
				row = append(row, `"`+cells[c]+`"`)
			}
			csv := strings.Join(cols, ",") + "\n" + strings.Join(row, ",") + "\n"
			res := parseText(t, "p.csv", csv, Options{})
			is := errorAt(res, 2, tt.column)
			if !tt.bad {
				requireNoErrors(t, res)
				return
			}
			if is == nil || !strings.Contains(is.Reason, "公式") {
				t.Fatalf("errors = %q, want one on %s about the formula", issueStrings(res.Errors), tt.column)
			}
			if len(res.Errors) != 1 {
				t.Errorf("errors = %q, want only the one on %s", issueStrings(res.Errors), tt.column)
			}
		})
	}
}

// Row 4 of the traps files has the 18-digit code 123456789012345678
// typed into a General cell. The workbook keeps it as a number with 15
// significant digits, 1.23456789012346E+17, and the CSV writes it as
// shown, 1.23E+17. Either way its last digits are gone.
func TestLibreOfficeLongNumberCode(t *testing.T) {
	for _, name := range []string{"libreoffice_traps.xlsx", "libreoffice_traps.csv"} {
		t.Run(name, func(t *testing.T) {
			res := parseTestdata(t, name)
			is := errorAt(res, 4, "项目编号")
			if is == nil {
				t.Fatalf("no error on row 4 项目编号; errors = %q, progress = %q",
					issueStrings(res.Errors), progressLines(res.Batch.Progress))
			}
			if !strings.Contains(is.Reason, "15位") || !strings.Contains(is.Fix, "文本") {
				t.Errorf("row 4 error = %q, want a reason about 15 digits and a fix naming the text format", is.String())
			}
		})
	}
}

func TestCodeInScientificNotation(t *testing.T) {
	tests := []struct {
		code string
		bad  bool
	}{
		{"1.23E+17", true},
		{"1.23457E+17", true},
		{"3.30203e+17", true},
		{"NB-2026-003", false},
		{"2E3", false},
		{"E+17", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			csv := "单位,项目编号,填报期间,完成率\n宁波市海曙区," + tt.code + ",2026Q3,85%\n"
			res := parseText(t, "p.csv", csv, Options{})
			if !tt.bad {
				requireNoErrors(t, res)
				return
			}
			if is := errorAt(res, 2, "项目编号"); is == nil || !strings.Contains(is.Reason, "科学计数") {
				t.Errorf("errors = %q, want one on 项目编号 about scientific notation", issueStrings(res.Errors))
			}
		})
	}
}

// Row 5 of the traps files has the code 00123 typed into a cell formatted
// 00000, which keeps the number 123 and shows 00123, as the CSV writes it.
func TestLibreOfficeZeroPaddedCode(t *testing.T) {
	for _, name := range []string{"libreoffice_traps.xlsx", "libreoffice_traps.csv"} {
		t.Run(name, func(t *testing.T) {
			res := parseTestdata(t, name)
			var codes []string
			for _, p := range res.Batch.Progress {
				if p.Unit == "余姚市" {
					codes = append(codes, p.ProjectCode)
				}
			}
			if len(codes) != 1 || codes[0] != "00123" {
				t.Errorf("余姚市's 项目编号 = %q, want [00123] as the cell shows it", codes)
			}
		})
	}
}

// zipOf returns a zip archive of the named parts, each holding its text.
func zipOf(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Files that are not XLSX workbooks, under whatever name the clerk gave
// them, get an error that names what the file is and how to save it.
func TestFileOfAnotherFormat(t *testing.T) {
	readTestdata := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// An encrypted package holds these two streams, as [MS-OFFCRYPTO]
	// names them, in an OLE compound file.
	encrypted := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...)
	for _, name := range []string{"EncryptionInfo", "EncryptedPackage"} {
		for _, r := range name {
			encrypted = append(encrypted, byte(r), 0)
		}
		encrypted = append(encrypted, make([]byte, 64)...)
	}
	tests := []struct {
		name string
		file string
		data []byte
		want []string // parts of the message
	}{
		{"ODS", "progress.ods", readTestdata("progress.ods"), []string{"ODS", "LibreOffice", "xlsx"}},
		{"ODS named xlsx", "progress.xlsx", readTestdata("progress.ods"), []string{"ODS", "xlsx"}},
		{"ODS named csv", "progress.csv", readTestdata("progress.ods"), []string{"ODS", "xlsx"}},
		// A flat ODS file is the same spreadsheet as one XML file, whose
		// sheets are <table:table> elements, not an HTML table.
		{"flat ODS", "progress.fods", readTestdata("progress.fods"), []string{"ODS", "LibreOffice", "xlsx"}},
		{"flat ODS named xls", "progress.xls", readTestdata("progress.fods"), []string{"ODS", "LibreOffice", "xlsx"}},
		{"hand-written flat ODS", "traps.fods", readTestdata("libreoffice_traps.fods"), []string{"ODS", "LibreOffice", "xlsx"}},
		{"UTF-16LE flat ODS", "progress.fods", utf16Text(true, false, readTestdata("progress.fods")), []string{"ODS", "xlsx"}},
		{"flat ODF text", "说明.fodt", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
			`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3" ` +
			`office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>` +
			`<table:table table:name="表格1"/></office:text></office:body></office:document>`),
			[]string{"OpenDocument", "opendocument.text", "xlsx"}},
		{"XLS", "progress.xls", readTestdata("progress.xls"), []string{"97-2003", "xlsx"}},
		{"XLS named xlsx", "progress.xlsx", readTestdata("progress.xls"), []string{"97-2003", "xlsx"}},
		{"encrypted XLSX", "progress.xlsx", encrypted, []string{"密码", "xlsx"}},
		{"HTML named xls", "progress_html.xls", readTestdata("progress_html.xls"), []string{"网页", "xlsx"}},
		{"HTML table", "导出.xls", []byte("\r\n <TABLE border=1><TR><TD>单位</TD></TR></TABLE>"), []string{"网页", "xlsx"}},
		{"XML Spreadsheet 2003", "progress.xml", readTestdata("progress.xml"), []string{"XML 电子表格 2003", "xlsx"}},
		// Exporters write a UTF-8 byte-order mark so that Excel reads the
		// Chinese text, sometimes with a line break or space after it.
		{"BOM and HTML", "导出.xls", withBOM("", readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"BOM, newline and HTML", "导出.xls", withBOM("\n", readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"BOM, CRLF and HTML", "导出.xls", withBOM("\r\n", readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"BOM, space and HTML", "导出.xls", withBOM(" ", readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"BOM and XML Spreadsheet 2003", "progress.xml", withBOM("", readTestdata("progress.xml")),
			[]string{"XML 电子表格 2003", "xlsx"}},
		{"BOM, newline and XML Spreadsheet 2003", "progress.xml", withBOM("\n", readTestdata("progress.xml")),
			[]string{"XML 电子表格 2003", "xlsx"}},
		{"UTF-16LE HTML", "导出.xls", utf16Text(true, false, readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"UTF-16LE HTML without BOM", "导出.xls", utf16Text(false, false, readTestdata("progress_html.xls")),
			[]string{"网页", "xlsx"}},
		{"UTF-16BE HTML", "导出.xls", utf16Text(true, true, readTestdata("progress_html.xls")), []string{"网页", "xlsx"}},
		{"UTF-16LE XML Spreadsheet 2003", "progress.xls", utf16Text(true, false, readTestdata("progress.xml")),
			[]string{"XML 电子表格 2003", "xlsx"}},
		{"UTF-16LE XML Spreadsheet 2003 without BOM", "progress.xml", utf16Text(false, false, readTestdata("progress.xml")),
			[]string{"XML 电子表格 2003", "xlsx"}},
		{"UTF-16BE XML Spreadsheet 2003 without BOM", "progress.xml", utf16Text(false, true, readTestdata("progress.xml")),
			[]string{"XML 电子表格 2003", "xlsx"}},
		{"Word document", "progress.docx", zipOf(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>"),
			[]string{"Word", "xlsx"}},
		{"zip of other files", "progress.xlsx", zipOf(t, "进度/a.csv", "单位\n", "说明.txt", "x"),
			[]string{"压缩包", "进度/a.csv", "xlsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(tt.data), Options{FileName: tt.file, Roster: trapsRoster, Today: uploadDay})
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Parse error = %v, want an invalid-input error", err)
			}
			msg := saima.ErrorMessage(err)
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("Parse error = %q, want it to contain %q", msg, want)
				}
			}
			if strings.Contains(tt.name, "ODS") && strings.Contains(msg, "网页") {
				t.Errorf("Parse error = %q, want no mention of a web page", msg)
			}
			if tt.name != "encrypted XLSX" && strings.Contains(msg, "密码") {
				t.Errorf("Parse error = %q, want no mention of a password", msg)
			}
		})
	}
}

// withBOM returns data after a UTF-8 byte-order mark and the text sep.
func withBOM(sep string, data []byte) []byte {
	return append([]byte("\xEF\xBB\xBF"+sep), data...)
}

// utf16Text returns the UTF-8 text data in UTF-16, big-endian or
// little-endian, after a byte-order mark when bom is set.
func utf16Text(bom, bigEndian bool, data []byte) []byte {
	order := binary.AppendByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	units := utf16.Encode([]rune(string(data)))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	var out []byte
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

// Row 6 of the traps CSV has the 填报日期 that LibreOffice's Chinese
// locale shows with a two-digit year, 26年9月29日, as it formats every date
// typed as 2026年9月29日 into a CSV it imports.
func TestLibreOfficeTwoDigitYear(t *testing.T) {
	res := parseTestdata(t, "libreoffice_traps.csv")
	if is := errorAt(res, 6, "填报日期"); is != nil {
		t.Fatalf("row 6 error = %q, want none", is.String())
	}
	for _, p := range res.Batch.Progress {
		if p.Unit == "慈溪市" && dateString(p.ReportDate) != "2026-09-29" {
			t.Errorf("慈溪市's 填报日期 = %s, want 2026-09-29", dateString(p.ReportDate))
		}
	}
}

// Pictures, archives and documents beyond PDF, PNG, JPEG, gzip, 7z and RAR
// get an error that names their kind too, under any name, instead of a
// header error about semicolons or a Big5 encoding. A clerk sends a phone
// photo (HEIC), a GIF or BMP screenshot, an archive made on a server
// (bzip2, xz, zstd, tar), Excel's binary workbook (.xlsb) or its one-file
// web page (.mht), a WordPad document (.rtf), an OFD document or an Apple
// Numbers sheet. Some also send a program (.exe, .dll or ELF) or a table
// saved as UTF-32 text.
func TestFileOfAnotherBinaryKind(t *testing.T) {
	zeros := make([]byte, 600)
	with := func(head string, rest []byte) []byte { return append([]byte(head), rest...) }
	tarHead := append(append([]byte("进度.csv"), make([]byte, 257-len("进度.csv"))...), []byte("ustar\x0000")...)
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"GIF", "截图.gif", with("GIF89a\x01\x00\x01\x00\x80\x00\x00", zeros), "这是GIF图片"},
		{"GIF 87a named csv", "进度.csv", with("GIF87a\x01\x00\x01\x00", zeros), "这是GIF图片"},
		{"BMP", "截图.bmp", with("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00", zeros), "这是BMP图片"},
		{"TIFF little-endian", "扫描.tif", with("II*\x00\x08\x00\x00\x00", zeros), "这是TIFF图片"},
		{"TIFF big-endian", "扫描.tiff", with("MM\x00*\x00\x00\x00\x08", zeros), "这是TIFF图片"},
		{"WebP", "截图.webp", with("RIFF\x24\x00\x00\x00WEBPVP8 ", zeros), "这是WebP图片"},
		{"HEIC named xlsx", "进度.xlsx", with("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", zeros), "这是HEIC图片"},
		{"AVIF", "照片.avif", with("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", zeros), "这是HEIC图片"},
		{"MP4", "录屏.mp4", with("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2", zeros), "这是视频文件"},
		{"bzip2", "进度.csv.bz2", with("BZh91AY&SY\x4e\x65", zeros), "这是bzip2压缩文件"},
		{"xz", "进度.csv.xz", with("\xfd7zXZ\x00\x00\x04", zeros), "这是xz压缩文件"},
		{"zstd", "进度.csv.zst", with("\x28\xb5\x2f\xfd\x04\x58", zeros), "这是zstd压缩文件"},
		{"tar", "进度.tar", append(tarHead, zeros...), "这是tar归档文件"},
		{"RTF", "进度.rtf", []byte(`{\rtf1\ansi\ansicpg936 单位}`), "这是RTF格式的文档"},
		{"MHT", "进度.mht", []byte("MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n" +
			"Content-Type: multipart/related; boundary=\"----=_NextPart\"\r\n\r\n"), "单个文件网页"},
		{"SQLite", "进度.db", with("SQLite format 3\x00", zeros), "这是SQLite数据库文件"},
		{"EXE", "进度.exe", with("MZ\x90\x00\x03\x00\x00\x00\x04\x00", zeros), "这是Windows程序或程序库（.exe或.dll）"},
		{"DLL named csv", "进度.csv", with("MZ\x90\x00\x03\x00", zeros), "这是Windows程序或程序库"},
		{"ELF", "saima", with("\x7fELF\x02\x01\x01\x00", zeros), "这是Linux程序或程序库（ELF格式）"},
		{"ELF named xlsx", "进度.xlsx", with("\x7fELF\x01\x01\x01\x00", zeros), "这是Linux程序或程序库"},
		{"UTF-32LE with BOM", "进度.csv", utf32Text("\ufeff"+progressCSV, binary.LittleEndian), "这是UTF-32编码的文本文件"},
		{"UTF-32BE with BOM", "进度.csv", utf32Text("\ufeff"+progressCSV, binary.BigEndian), "这是UTF-32编码的文本文件"},
		{"UTF-32LE", "进度.csv", utf32Text(progressCSV, binary.LittleEndian), "这是UTF-32编码的文本文件"},
		{"UTF-32BE", "进度.txt", utf32Text(progressCSV, binary.BigEndian), "这是UTF-32编码的文本文件"},
		{"UTF-32LE JSON", "进度.json", utf32Text(`[{"单位": "余姚市"}]`, binary.LittleEndian), "这是UTF-32编码的文本文件"},
		{"XLSB", "进度.xlsb", zipOf(t, "[Content_Types].xml", "<Types/>", "_rels/.rels", "<Relationships/>",
			"xl/workbook.bin", "\x83\x01", "xl/worksheets/sheet1.bin", "\x81\x01"), "Excel二进制工作簿（.xlsb）"},
		{"OFD", "通知.ofd", zipOf(t, "OFD.xml", "<ofd:OFD/>", "Doc_0/Document.xml", "<ofd:Document/>"), "这是OFD版式文件"},
		{"Numbers", "进度.numbers", zipOf(t, "Index/Document.iwa", "\x00", "Metadata/Properties.plist", "x"), "这是Numbers表格"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(tt.data), Options{FileName: tt.file, Roster: testRoster, Today: uploadDay})
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Parse error = %v, want an invalid-input error", err)
			}
			msg := saima.ErrorMessage(err)
			if !strings.Contains(msg, tt.want) {
				t.Errorf("Parse error = %q, want it to contain %q", msg, tt.want)
			}
			if _, fix, ok := strings.Cut(msg, "；"); !ok || !strings.HasPrefix(fix, "请") {
				t.Errorf("Parse error = %q, want a fix after ；", msg)
			}
		})
	}
}

// progressCSV is a small progress file, in text that utf32Text encodes.
const progressCSV = "单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-2026-017,城市大脑,2026Q3,60%\n"

// utf32Text encodes s as UTF-32 in order, without adding a byte-order
// mark.
func utf32Text(s string, order binary.AppendByteOrder) []byte {
	var b []byte
	for _, r := range s {
		b = order.AppendUint32(b, uint32(r))
	}
	return b
}

// TestIsUTF32NotUTF16 checks that isUTF32 does not take UTF-16LE text,
// whose byte-order mark starts that of UTF-32LE, or UTF-8 text for UTF-32.
func TestIsUTF32NotUTF16(t *testing.T) {
	for _, s := range []string{"\ufeff" + progressCSV, progressCSV, "\ufeff\x01,a\n"} {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		if isUTF32(b) {
			t.Errorf("isUTF32(UTF-16LE of %q) = true, want false", s)
		}
	}
	if isUTF32([]byte(progressCSV)) {
		t.Errorf("isUTF32(UTF-8 text) = true, want false")
	}
}
