package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"saima"
)

// This file recognises the formats that saima does not read. A clerk who
// uploads one gets an error that names the format and how to save the
// file as XLSX, rather than one that calls the workbook damaged.

// Stream names of an OLE2 compound file, as its directory stores them in
// UTF-16LE. Office wraps an XLSX saved with a password to open it in such
// a file, with the streams EncryptedPackage and EncryptionInfo
// ([MS-OFFCRYPTO] 2.3.4.4 and 2.3.4.5). An Excel 97-2003 workbook has the
// stream Workbook, as the .xls in testdata shows, and a Word document has
// WordDocument.
var (
	oleEncryptedPackage = utf16LE("EncryptedPackage")
	oleWorkbook         = utf16LE("Workbook")
	oleWordDocument     = utf16LE("WordDocument")
)

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// oleError returns the error for an OLE2 compound file at the start of
// br, by the stream names in its first sniffSize bytes. The directory of
// a small file lies there. A file whose directory lies further in gets
// the message that names both kinds of workbook.
func oleError(br *bufio.Reader) error {
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err
	}
	switch {
	case bytes.Contains(head, oleEncryptedPackage):
		return saima.Errorf(saima.KindInvalid,
			"这是设有打开密码（已加密）的xlsx工作簿，系统无法读取；"+
				"请用Excel或WPS输入密码打开，清除打开密码（Excel在“文件 > 信息 > 保护工作簿 > 用密码进行加密”中删去密码）后保存，再重新上传")
	case bytes.Contains(head, oleWordDocument):
		return saima.Errorf(saima.KindInvalid,
			"这是Word文档（.doc），不是表格，系统无法读取；请把数据填入系统提供的xlsx模板，或用Excel、WPS表格另存为“Excel 工作簿（*.xlsx）”后重新上传")
	case bytes.Contains(head, oleWorkbook):
		return saima.Errorf(saima.KindInvalid,
			"这是Excel 97-2003格式（.xls）的工作簿，系统无法读取；"+
				"请用Excel或WPS打开，另存为“Excel 工作簿（*.xlsx）”或“CSV UTF-8（逗号分隔）”，再重新上传")
	}
	return saima.Errorf(saima.KindInvalid,
		"这是Excel 97-2003格式（.xls）的文件，或设有打开密码的xlsx文件，系统无法读取；"+
			"请用Excel或WPS打开，取消打开密码后另存为“Excel 工作簿（*.xlsx）”或“CSV UTF-8（逗号分隔）”，再重新上传")
}

// binaryFormats are the file types that people upload in place of a
// table (a printed PDF, a screenshot or phone photo, a compressed archive,
// a document), each told apart by its leading bytes, with the error it
// gets. Read as text, they would fail as an unknown header or an unknown
// encoding, which misleads.
var binaryFormats = []struct {
	is      func(head []byte) bool
	message string
}{
	{prefix("%PDF-"), "这是PDF文件，不是表格，系统无法读取；请上传原来的xlsx或CSV表格文件，或把数据填入系统提供的xlsx模板后重新上传"},
	{prefix("\x89PNG\r\n\x1a\n"), pictureMessage("PNG")},
	{prefix("\xff\xd8\xff"), pictureMessage("JPEG")},
	{prefix("GIF87a", "GIF89a"), pictureMessage("GIF")},
	{isBMP, pictureMessage("BMP")},
	{prefix("II*\x00", "MM\x00*"), pictureMessage("TIFF")},
	{isWebP, pictureMessage("WebP")},
	{isoMedia(true), pictureMessage("HEIC")},
	{isoMedia(false), "这是视频文件，不是表格，系统无法读取；请上传表格文件本身（xlsx或CSV），不要上传录屏或视频"},
	{prefix("\x1f\x8b"), archiveMessage("gzip压缩文件（.gz）")},
	{prefix("7z\xbc\xaf\x27\x1c"), archiveMessage("7z压缩包")},
	{prefix("Rar!\x1a\x07"), archiveMessage("RAR压缩包")},
	{isBzip2, archiveMessage("bzip2压缩文件（.bz2）")},
	{prefix("\xfd7zXZ\x00"), archiveMessage("xz压缩文件（.xz）")},
	{prefix("\x28\xb5\x2f\xfd"), archiveMessage("zstd压缩文件（.zst）")},
	{isTar, archiveMessage("tar归档文件（.tar）")},
	{prefix(`{\rtf`), "这是RTF格式的文档（写字板或Word保存的），不是表格，系统无法读取；" +
		"请把数据填入系统提供的xlsx模板，或用Excel、WPS表格另存为“Excel 工作簿（*.xlsx）”后重新上传"},
	{isMHT, "这是“单个文件网页”（.mht或.mhtml）格式的文件，系统无法读取；" +
		"请用Excel或WPS打开，另存为“Excel 工作簿（*.xlsx）”后重新上传"},
	{prefix("SQLite format 3\x00"), "这是SQLite数据库文件，不是表格，系统无法读取；请从数据库导出xlsx或CSV文件后重新上传"},
	{isWindowsProgram, programMessage("Windows程序或程序库（.exe或.dll）")},
	{prefix("\x7fELF"), programMessage("Linux程序或程序库（ELF格式）")},
	{isUTF32, "这是UTF-32编码的文本文件，系统只能读取UTF-8、GBK（GB18030）或UTF-16编码的文本；" +
		"请用Excel或WPS打开，另存为“CSV UTF-8（逗号分隔）”或“Excel 工作簿（*.xlsx）”后重新上传，" +
		"或在记事本中选择“另存为”，编码选“UTF-8”后重新上传"},
}

// programMessage is the error of a program or program library of kind.
func programMessage(kind string) string {
	return "这是" + kind + "，不是表格，系统无法读取；请上传表格文件本身（xlsx或CSV），" +
		"不要上传打开表格的软件或导出数据的程序"
}

// isWindowsProgram reports whether head starts a Windows program or
// library: the DOS header "MZ", whose other fields always hold zero
// bytes in their first 64 bytes. No text file has a zero byte there,
// except in UTF-16, where "MZ" would not be the first two bytes.
func isWindowsProgram(head []byte) bool {
	return bytes.HasPrefix(head, []byte("MZ")) && bytes.IndexByte(head[:min(len(head), 64)], 0) >= 0
}

// isUTF32 reports whether head starts UTF-32 text, in either byte order.
// With a byte-order mark it starts FF FE 00 00 (little-endian, whose
// first two bytes are UTF-16's mark too) or 00 00 FE FF. Without one,
// each 4 bytes must hold a code point other than U+0000, and one of them
// a line feed, a comma, a tab or the [ of a JSON array, which a table
// has in its first line.
func isUTF32(head []byte) bool {
	if bytes.HasPrefix(head, []byte("\xff\xfe\x00\x00")) || bytes.HasPrefix(head, []byte("\x00\x00\xfe\xff")) {
		return true
	}
	return utf32WithoutBOM(head, binary.LittleEndian) || utf32WithoutBOM(head, binary.BigEndian)
}

// utf32WithoutBOM reports whether head reads as UTF-32 text in order, as
// isUTF32 describes.
func utf32WithoutBOM(head []byte, order binary.ByteOrder) bool {
	n := len(head) / 4
	if n < 2 {
		return false
	}
	separator := false
	for i := range n {
		r := order.Uint32(head[4*i:])
		if r == 0 || r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
			return false
		}
		if r == '\n' || r == ',' || r == '\t' || r == '[' {
			separator = true
		}
	}
	return separator
}

// pictureMessage is the error of a picture in format kind.
func pictureMessage(kind string) string {
	return "这是" + kind + "图片，不是表格，系统无法读取；请上传表格文件本身（xlsx或CSV），不要上传截图或照片"
}

// archiveMessage is the error of a compressed file or archive of kind.
func archiveMessage(kind string) string {
	return "这是" + kind + "，系统无法读取；请解压后上传其中的表格文件（xlsx或CSV）"
}

// prefix returns a test of whether a head starts with one of magics.
func prefix(magics ...string) func([]byte) bool {
	return func(head []byte) bool {
		for _, m := range magics {
			if bytes.HasPrefix(head, []byte(m)) {
				return true
			}
		}
		return false
	}
}

// isBMP reports whether head starts a BMP picture: "BM", the file size
// and four reserved zero bytes, which no text has.
func isBMP(head []byte) bool {
	return len(head) >= 10 && bytes.HasPrefix(head, []byte("BM")) && bytes.Equal(head[6:10], []byte{0, 0, 0, 0})
}

// isWebP reports whether head starts a WebP picture, a RIFF file of form
// WEBP.
func isWebP(head []byte) bool {
	return len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP"
}

// stillBrands are the ISO media brands of still pictures: HEIF and HEIC,
// which phones save photos as, and AVIF.
var stillBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true,
	"mif1": true, "msf1": true, "avif": true, "avis": true,
}

// isoMedia returns a test of whether a head starts an ISO media file (a
// box of type ftyp) whose major brand is a still picture's, when still
// is set, or another's, such as MP4 or QuickTime video.
func isoMedia(still bool) func([]byte) bool {
	return func(head []byte) bool {
		if len(head) < 12 || string(head[4:8]) != "ftyp" {
			return false
		}
		return stillBrands[string(head[8:12])] == still
	}
}

// isBzip2 reports whether head starts a bzip2 file: "BZh", the block size
// digit and the magic of the first block.
func isBzip2(head []byte) bool {
	return len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' &&
		string(head[4:10]) == "1AY&SY"
}

// isTar reports whether head starts a POSIX tar archive, whose first
// header has the magic ustar at offset 257.
func isTar(head []byte) bool {
	return len(head) >= 262 && string(head[257:262]) == "ustar"
}

// isMHT reports whether head starts a MIME web archive, as Excel's and
// Word's “单个文件网页” saves are: a header block that opens with
// MIME-Version, or with the From line that Internet Explorer writes.
func isMHT(head []byte) bool {
	lower := bytes.ToLower(head[:min(len(head), 512)])
	return bytes.HasPrefix(lower, []byte("mime-version:")) ||
		bytes.HasPrefix(lower, []byte("from:")) && bytes.Contains(lower, []byte("\nmime-version:"))
}

// binaryHeadSize is how many leading bytes binaryFormatError looks at:
// enough for the tar magic at offset 257.
const binaryHeadSize = 512

// binaryFormatError returns the error for a file that starts with head
// and is one of binaryFormats, or nil.
func binaryFormatError(head []byte) error {
	for _, f := range binaryFormats {
		if f.is(head) {
			return saima.Errorf(saima.KindInvalid, "%s", f.message)
		}
	}
	return nil
}

// maxListedParts is how many of a zip archive's files a message lists.
const maxListedParts = 5

// zipError returns the error for a zip archive that is not an XLSX
// workbook, or nil when it may be one: when it has one of the parts that
// openBook starts from. An OpenDocument file names its type in its first
// part, mimetype. A Word or PowerPoint file has its main part where an
// XLSX workbook has xl/workbook.xml.
func zipError(zr *zip.Reader) error {
	var names []string
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		files[name] = f
		if !strings.HasSuffix(name, "/") {
			names = append(names, f.Name)
		}
	}
	switch {
	case files["mimetype"] != nil:
		return openDocumentError(files["mimetype"])
	case files["xl/workbook.bin"] != nil:
		return saima.Errorf(saima.KindInvalid,
			"这是Excel二进制工作簿（.xlsb），系统无法读取；请用Excel打开，另存为“Excel 工作簿（*.xlsx）”后重新上传")
	case files["ofd.xml"] != nil:
		return saima.Errorf(saima.KindInvalid,
			"这是OFD版式文件（电子公文或电子发票的格式），不是表格，系统无法读取；请上传原来的xlsx或CSV表格文件，或把数据填入系统提供的xlsx模板后重新上传")
	case files["index/document.iwa"] != nil:
		return saima.Errorf(saima.KindInvalid,
			"这是Numbers表格（.numbers），系统无法读取；请在Numbers中选择“文件 > 导出到 > Excel”，导出xlsx文件后重新上传")
	case files["word/document.xml"] != nil:
		return saima.Errorf(saima.KindInvalid,
			"这是Word文档（.docx），不是表格，系统无法读取；请把数据填入系统提供的xlsx模板，或用Excel、WPS表格另存为“Excel 工作簿（*.xlsx）”后重新上传")
	case files["ppt/presentation.xml"] != nil:
		return saima.Errorf(saima.KindInvalid,
			"这是PowerPoint演示文稿（.pptx），不是表格，系统无法读取；请把数据填入系统提供的xlsx模板后重新上传")
	case files["[content_types].xml"] != nil, files["_rels/.rels"] != nil, files["xl/workbook.xml"] != nil:
		return nil
	}
	if len(names) > maxListedParts {
		names = append(names[:maxListedParts], "…")
	}
	return saima.Errorf(saima.KindInvalid,
		"这是一个zip压缩包，不是xlsx工作簿（压缩包中的文件有：%s）；"+
			"请解压后上传其中的表格文件，或用Excel、WPS打开表格，另存为“Excel 工作簿（*.xlsx）”后重新上传",
		strings.Join(names, "、"))
}

// openDocumentError returns the error for an OpenDocument file whose
// mimetype part is f.
func openDocumentError(f *zip.File) error {
	var mime []byte
	if rc, err := f.Open(); err == nil {
		mime, _ = io.ReadAll(io.LimitReader(rc, 100))
		rc.Close()
	}
	return openDocumentTypeError(strings.TrimSpace(string(mime)))
}

// openDocumentTypeError returns the error for an OpenDocument file of
// media type mime, packed as a zip or flat as one XML file. A spreadsheet
// gets the same message in both forms, because LibreOffice saves both
// to xlsx the same way.
func openDocumentTypeError(mime string) error {
	if strings.Contains(mime, "opendocument.spreadsheet") {
		return saima.Errorf(saima.KindInvalid,
			"这是ODS格式（OpenDocument电子表格，LibreOffice的默认格式）的文件，系统只能读取xlsx工作簿和CSV文本；"+
				"请用LibreOffice打开，选择“文件 > 另存为”，文件类型选“Excel 2007-365 (.xlsx)”（WPS选“Excel 文件（*.xlsx）”），保存后重新上传")
	}
	return saima.Errorf(saima.KindInvalid,
		"这是OpenDocument文档（%s），不是电子表格，系统无法读取；请把数据填入系统提供的xlsx模板后重新上传", mime)
}

// flatDocumentType matches the media type on the root element of a flat
// OpenDocument file, such as a .fods that LibreOffice saves.
var flatDocumentType = regexp.MustCompile(`office:mimetype\s*=\s*["']([^"']+)["']`)

// flatDocumentError returns the error for a flat OpenDocument file whose
// first bytes, lower-cased, are lower. LibreOffice 7.4 writes about 2 KB of
// namespaces before the media type. When the type is not in lower, a
// body of <office:spreadsheet> marks a spreadsheet.
func flatDocumentError(lower []byte) error {
	if m := flatDocumentType.FindSubmatch(lower); m != nil {
		return openDocumentTypeError(string(m[1]))
	}
	if bytes.Contains(lower, []byte("<office:spreadsheet")) {
		return openDocumentTypeError("application/vnd.oasis.opendocument.spreadsheet")
	}
	return saima.Errorf(saima.KindInvalid,
		"这是OpenDocument格式的文件，系统只能读取xlsx工作簿和CSV文本；"+
			"请用LibreOffice打开，选择“文件 > 另存为”，文件类型选“Excel 2007-365 (.xlsx)”，保存后重新上传")
}

// markupHead returns the first 8 KiB of text in br as UTF-8. Excel saves
// "Unicode text" and some exporters write HTML in UTF-16, with or without
// a byte-order mark, and its raw bytes never match markupStart.
func markupHead(br *bufio.Reader) []byte {
	head, _ := br.Peek(8 << 10)
	enc := bomEncoding(head)
	if enc == "" {
		enc = utf16WithoutBOM(head)
	}
	var order unicode.Endianness
	switch enc {
	case EncodingUTF16LE:
		order = unicode.LittleEndian
	case EncodingUTF16BE:
		order = unicode.BigEndian
	default:
		return head
	}
	text, err := unicode.UTF16(order, unicode.UseBOM).NewDecoder().Bytes(head[:len(head)&^1])
	if err != nil {
		return nil
	}
	return text
}

// markupStart matches the start of a file that is markup rather than
// CSV: after an optional UTF-8 byte-order mark and whitespace, a tag.
// The mark is written as the code point U+FEFF, because the regexp
// package reads `\xEF` as the code point U+00EF, not as a byte.
var markupStart = regexp.MustCompile(`^\x{FEFF}?\s*<[!?A-Za-z]`)

// markupError returns the error for a text file at the start of br that
// is HTML or XML, or nil. Many systems export a table as HTML under an
// .xls name, which Excel opens as a workbook, and Excel and LibreOffice
// save "XML 电子表格 2003". Read as CSV, either gave an error about an
// unknown header made of tags.
func markupError(br *bufio.Reader) error {
	head := markupHead(br)
	if !markupStart.Match(head) {
		return nil
	}
	lower := bytes.ToLower(head)
	switch {
	case bytes.Contains(lower, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
		return saima.Errorf(saima.KindInvalid,
			"这是“XML 电子表格 2003”格式的文件，系统无法读取；请用Excel、WPS或LibreOffice打开，另存为“Excel 工作簿（*.xlsx）”后重新上传")
	case bytes.Contains(lower, []byte("urn:oasis:names:tc:opendocument:xmlns:office")):
		// Before HTML, because a flat ODS file's sheets are <table:table>.
		return flatDocumentError(lower)
	case bytes.Contains(lower, []byte("<html")), bytes.Contains(lower, []byte("<table")),
		bytes.Contains(lower, []byte("<!doctype html")):
		return saima.Errorf(saima.KindInvalid,
			"这是网页（HTML）格式的文件，不是真正的Excel工作簿，从其他系统导出的.xls文件常是这种格式；"+
				"请用Excel或WPS打开，另存为“Excel 工作簿（*.xlsx）”后重新上传")
	}
	return saima.Errorf(saima.KindInvalid,
		"这是XML格式的文件，不是表格，系统无法读取；请把数据填入系统提供的xlsx模板，或另存为“Excel 工作簿（*.xlsx）”后重新上传")
}
