package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// exampleNamePrefix starts the defined name with which a template marks
// its example row. The rest of the name is the mark of the row's cells,
// so the name itself carries it. Excel keeps defined names when it saves
// and moves them with the row when rows are inserted above it.
const exampleNamePrefix = "saima_example_"

// exampleCellText starts the text of the cell right of a template's
// example row. Saving the workbook as CSV drops the defined name but
// keeps this text, so a file without the name finds its example row by
// the text. A template whose example cannot import for the account adds
// why after it.
const exampleCellText = "示例行：原样上传时不导入；填写实际数据时请清空这一格"

// hasExampleCell reports whether the last filled cell of a row starts
// with exampleCellText.
func hasExampleCell(cells []string) bool {
	for i := len(cells) - 1; i >= 0; i-- {
		if c := trimText(cells[i]); c != "" {
			return strings.HasPrefix(c, exampleCellText)
		}
	}
	return false
}

// exampleMark returns the mark of a row's cells: the first 8 bytes of
// the SHA-256 of the cells, trailing spaces and empty cells left out, in
// hex. A row whose mark is the one its template recorded was not edited.
func exampleMark(cells []string) string {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	h := sha256.New()
	for _, c := range cells[:end] {
		h.Write([]byte(strings.TrimSpace(c)))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// sheetRowRef matches the start of a reference such as '进度填报'!$A$2:$H$2
// or 进度填报!A2:H2: the sheet name, quoted or not, and the first row.
var sheetRowRef = regexp.MustCompile(`^(?:'((?:[^']|'')+)'|([^'!]+))!\$?[A-Za-z]{1,3}\$?([0-9]+)`)

// findExample returns the row and mark of the example row that a defined
// name marks on sheet, or 0 and "" when none does. A name whose reference
// a program replaced with #REF!, because the row was deleted, marks none.
func findExample(names []definedName, sheet string) (int, string) {
	for _, n := range names {
		mark, ok := strings.CutPrefix(n.name, exampleNamePrefix)
		if !ok {
			continue
		}
		m := sheetRowRef.FindStringSubmatch(n.refersTo)
		if m == nil {
			continue
		}
		name := m[2]
		if m[1] != "" {
			name = strings.ReplaceAll(m[1], "''", "'")
		}
		row, err := strconv.Atoi(m[3])
		if name != sheet || err != nil || row <= 0 {
			continue
		}
		return row, strings.ToLower(mark)
	}
	return 0, ""
}
