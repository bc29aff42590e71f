package ingest

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// SetUsedRanges records in each sheet of f the range its cells use, such
// as A1:S9. excelize leaves the declaration at A1 when cells are set one
// by one, and readers that trust it, such as openpyxl in read-only mode,
// would then see a single cell.
func SetUsedRanges(f *excelize.File) error {
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return fmt.Errorf("read sheet %s: %w", sheet, err)
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		if len(rows) == 0 || cols == 0 {
			continue
		}
		last, err := excelize.CoordinatesToCellName(cols, len(rows))
		if err != nil {
			return err
		}
		if err := f.SetSheetDimension(sheet, "A1:"+last); err != nil {
			return fmt.Errorf("set the range of sheet %s: %w", sheet, err)
		}
	}
	return nil
}
