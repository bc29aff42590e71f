package reports

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPDFDatesCarryOffset checks that the document dates are the Beijing
// time of the report with its offset, as the cover shows it, and that the
// file's cross-reference table still points at every object.
func TestPDFDatesCarryOffset(t *testing.T) {
	path, _ := renderPDF(t, smallQuarterly()) // generated 2026-10-15 09:30 Beijing
	cmd := exec.Command("pdfinfo", "-rawdates", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo -rawdates: %v: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("pdfinfo reports problems with the file:\n%s", stderr.String())
	}
	for _, key := range []string{"CreationDate", "ModDate"} {
		want := key + ":" + ` *D:20261015093000\+08'00'`
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("pdfinfo -rawdates = %s, want %s", out, want)
		}
	}

	pdf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, pdf)
}

// checkXref checks that every in-use entry of the file's last
// cross-reference table gives the offset of its object, and startxref
// the offset of the table.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("file does not end with startxref and the end-of-file marker")
	}
	start, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[start:], []byte("xref\n")) {
		t.Fatalf("startxref %d points at %q, want xref", start, pdf[start:min(start+10, len(pdf))])
	}
	lines := strings.Split(string(pdf[start:]), "\n")
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil {
		t.Fatalf("xref subsection header %q: %v", lines[1], err)
	}
	for i := range count {
		var offset, gen int
		var kind string
		if _, err := fmt.Sscanf(lines[2+i], "%d %d %s", &offset, &gen, &kind); err != nil {
			t.Fatalf("xref entry %q: %v", lines[2+i], err)
		}
		if kind != "n" {
			continue
		}
		obj := fmt.Sprintf("%d 0 obj", first+i)
		if !bytes.HasPrefix(pdf[offset:], []byte(obj)) {
			t.Errorf("xref entry of object %d points at %q, want %q", first+i, pdf[offset:min(offset+12, len(pdf))], obj)
		}
	}
}
