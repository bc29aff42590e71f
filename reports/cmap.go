package reports

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// glyphSet records which code points of the Basic Multilingual Plane a font
// maps to a real glyph, one bit per code point (8 KiB).
type glyphSet [0x10000 / 64]uint64

// has reports whether r is in the BMP and maps to a glyph other than
// .notdef.
func (g *glyphSet) has(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	return g[r/64]&(1<<(uint(r)%64)) != 0
}

func (g *glyphSet) add(r rune) { g[r/64] |= 1 << (uint(r) % 64) }

// intersect keeps only the code points that h has too.
func (g *glyphSet) intersect(h *glyphSet) {
	for i := range g {
		g[i] &= h[i]
	}
}

// parseGlyphSet reads the coverage of a TrueType font from its cmap table.
//
// It reads the same subtable that gofpdf v1.16.2 draws from: the first
// format 4 subtable for Unicode (platform 0, or platform 3 encoding 1).
// gofpdf ignores format 12, so a code point listed only there cannot be
// drawn, and non-BMP code points are replaced before drawing anyway.
func parseGlyphSet(font []byte) (*glyphSet, error) {
	cmap, err := findTable(font, "cmap")
	if err != nil {
		return nil, err
	}
	sub, err := unicodeFormat4(cmap)
	if err != nil {
		return nil, err
	}
	return parseFormat4(sub)
}

// findTable returns the bytes of the table with the given tag.
func findTable(font []byte, tag string) ([]byte, error) {
	if len(font) < 12 {
		return nil, fmt.Errorf("read font header: file is %d bytes, too short", len(font))
	}
	switch v := binary.BigEndian.Uint32(font); v {
	case 0x00010000, 0x74727565: // TrueType outlines, as gofpdf requires
	default:
		return nil, fmt.Errorf("read font header: version %#08x is not a TrueType font", v)
	}

	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := range n {
		rec := font[min(12+16*i, len(font)):]
		if len(rec) < 16 {
			return nil, fmt.Errorf("read table directory: truncated at record %d", i)
		}
		if string(rec[:4]) != tag {
			continue
		}
		off := int64(binary.BigEndian.Uint32(rec[8:]))
		size := int64(binary.BigEndian.Uint32(rec[12:]))
		if off+size > int64(len(font)) {
			return nil, fmt.Errorf("read table %q: it ends past the end of the file", tag)
		}
		return font[off : off+size], nil
	}
	return nil, fmt.Errorf("read table %q: not found", tag)
}

// unicodeFormat4 returns the cmap subtable that gofpdf would pick.
func unicodeFormat4(cmap []byte) ([]byte, error) {
	if len(cmap) < 4 {
		return nil, errors.New("read cmap: truncated header")
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := range n {
		rec := cmap[min(4+8*i, len(cmap)):]
		if len(rec) < 8 {
			return nil, fmt.Errorf("read cmap: truncated at encoding record %d", i)
		}
		platform := binary.BigEndian.Uint16(rec)
		encoding := binary.BigEndian.Uint16(rec[2:])
		if platform != 0 && (platform != 3 || encoding != 1) {
			continue
		}
		off := int(binary.BigEndian.Uint32(rec[4:]))
		if off+2 > len(cmap) || binary.BigEndian.Uint16(cmap[off:]) != 4 {
			continue
		}
		return cmap[off:], nil
	}
	return nil, errors.New("read cmap: no Unicode subtable in format 4, which gofpdf requires")
}

// parseFormat4 decodes a segment-mapping subtable (cmap format 4). A code
// point is covered when its glyph index, after idDelta and idRangeOffset are
// applied, is not 0.
func parseFormat4(sub []byte) (*glyphSet, error) {
	if len(sub) < 14 {
		return nil, errors.New("read cmap format 4: truncated header")
	}
	segs := int(binary.BigEndian.Uint16(sub[6:])) / 2
	ends := 14
	starts := ends + 2*segs + 2 // two bytes of reservedPad follow endCode
	deltas := starts + 2*segs
	ranges := deltas + 2*segs
	if ranges+2*segs > len(sub) {
		return nil, fmt.Errorf("read cmap format 4: %d segments do not fit in %d bytes",
			segs, len(sub))
	}

	u16 := func(at int) int { return int(binary.BigEndian.Uint16(sub[at:])) }
	g := new(glyphSet)
	for s := range segs {
		start, end := u16(starts+2*s), u16(ends+2*s)
		delta, rangeOffset := u16(deltas+2*s), u16(ranges+2*s)
		for c := start; c <= end && c <= 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if rangeOffset != 0 {
				// idRangeOffset counts bytes from its own slot in the
				// idRangeOffset array to the glyph index of start.
				at := ranges + 2*s + rangeOffset + 2*(c-start)
				if at+2 > len(sub) {
					return nil, fmt.Errorf(
						"read cmap format 4: glyph index for U+%04X is past the subtable", c)
				}
				glyph = u16(at)
				if glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				g.add(rune(c))
			}
		}
	}
	return g, nil
}
