package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/ingest"
)

// templateWriter writes the XLSX template of a dataset. *ingest.Service
// implements it.
type templateWriter interface {
	WriteTemplate(ctx context.Context, w io.Writer, dataset, unit string) error
}

// handleTemplate sends GET /templates/{dataset}.xlsx: the dataset's
// upload template, with drop-down lists of the current unit roster. A unit
// account's template has its own unit in the example row.
func (s *Server) handleTemplate(c *fiber.Ctx) error {
	dataset := c.Params("dataset")
	i := slices.IndexFunc(datasetNames, func(d datasetChoice) bool { return d.ID == dataset })
	if i < 0 {
		return saima.Errorf(saima.KindNotFound, "没有名为“%s”的数据类型，可选 %s", dataset, datasetIDs())
	}
	tw, ok := s.importer.(templateWriter)
	if !ok {
		return fmt.Errorf("importer %T writes no templates", s.importer)
	}

	viewer, err := s.identity(c)
	if err != nil {
		return err
	}
	unit := ""
	if viewer != nil && viewer.account.Role == saima.RoleUnit {
		if ingest.OfficeOnly(dataset) {
			return saima.Errorf(saima.KindForbidden, "单位账号不能上传%s，所以没有它的模板；%s由改革办上传",
				datasetNames[i].Name, datasetNames[i].Name)
		}
		unit = viewer.account.Unit
	}
	var buf bytes.Buffer
	if err := tw.WriteTemplate(c.UserContext(), &buf, dataset, unit); err != nil {
		return fmt.Errorf("write %s template: %w", dataset, err)
	}
	name := datasetNames[i].Name + "模板.xlsx"
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name, dataset+"-template.xlsx"))
	return c.Send(buf.Bytes())
}
