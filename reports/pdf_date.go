package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// dateKeys open the two dates of a PDF's document information dictionary
// as gofpdf v1.16.2 writes them, each followed by 14 digits (YYYYMMDDHHmmSS).
var dateKeys = []string{"/CreationDate (D:", "/ModDate (D:"}

var startXrefRE = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)

// zoneDates appends the offset of at's zone, such as +08'00', to the
// CreationDate and ModDate of pdf. gofpdf v1.16.2 writes them as a wall
// time without a zone, which poppler reads as UTC. The bytes added move
// every object after them, so zoneDates rewrites the offsets of the
// cross-reference table and of startxref too.
func zoneDates(pdf []byte, at time.Time) ([]byte, error) {
	_, offset := at.Zone()
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	zone := fmt.Sprintf("%c%02d'%02d'", sign, offset/3600, offset/60%60)

	var inserts []int
	for _, key := range dateKeys {
		i := bytes.LastIndex(pdf, []byte(key))
		end := i + len(key) + len("20060102150405")
		if i < 0 || end >= len(pdf) || pdf[end] != ')' {
			return nil, fmt.Errorf("zone pdf dates: no %s followed by 14 digits", key)
		}
		inserts = append(inserts, end)
	}
	slices.Sort(inserts)

	out := make([]byte, 0, len(pdf)+len(inserts)*len(zone))
	last := 0
	for _, i := range inserts {
		out = append(append(out, pdf[last:i]...), zone...)
		last = i
	}
	out = append(out, pdf[last:]...)
	shift := func(o int) int {
		for _, i := range inserts {
			if i < o {
				o += len(zone)
			}
		}
		return o
	}
	return shiftXref(out, shift)
}

// shiftXref rewrites the offsets of pdf's one cross-reference table, and
// startxref, with shift. Each entry keeps its 10-digit width, so only the
// number after startxref may change length, and nothing follows it but
// the end-of-file marker.
func shiftXref(pdf []byte, shift func(int) int) ([]byte, error) {
	m := startXrefRE.FindSubmatchIndex(pdf)
	if m == nil {
		return nil, fmt.Errorf("shift xref: no startxref at the end of the file")
	}
	old, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
	start := shift(old)
	if !bytes.HasPrefix(pdf[start:], []byte("xref\n")) {
		return nil, fmt.Errorf("shift xref: no xref table at offset %d", start)
	}

	pos := start + len("xref\n")
	header := pdf[pos:]
	eol := bytes.IndexByte(header, '\n')
	var first, count int
	if _, err := fmt.Sscanf(string(header[:eol]), "%d %d", &first, &count); err != nil {
		return nil, fmt.Errorf("shift xref: read subsection header: %w", err)
	}
	pos += eol + 1
	const entry = 20 // "0000012345 00000 n \n"
	for range count {
		if pos+entry > len(pdf) || pdf[pos+17] != 'n' && pdf[pos+17] != 'f' {
			return nil, fmt.Errorf("shift xref: malformed entry at offset %d", pos)
		}
		if pdf[pos+17] == 'n' {
			o, err := strconv.Atoi(string(pdf[pos : pos+10]))
			if err != nil {
				return nil, fmt.Errorf("shift xref: read entry: %w", err)
			}
			copy(pdf[pos:pos+10], fmt.Sprintf("%010d", shift(o)))
		}
		pos += entry
	}

	tail := fmt.Appendf(nil, "%d", start)
	return slices.Concat(pdf[:m[2]], tail, pdf[m[3]:]), nil
}
