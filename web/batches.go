package web

import (
	"bytes"
	"mime"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/ingest"
)

// handleBatchAPI imports the JSON body of POST
// /api/batches/{dataset}[?dry_run=1], an array of objects whose keys are
// the dataset's Chinese column names or English field names. The body is
// checked by the same rules as an uploaded file, with element n-1 of the
// array as row n, and imported all or nothing. The reply is that of POST
// /api/uploads.
func (s *Server) handleBatchAPI(c *fiber.Ctx) error {
	dataset := c.Params("dataset")
	if !slices.ContainsFunc(datasetNames, func(d datasetChoice) bool { return d.ID == dataset }) {
		return saima.Errorf(saima.KindNotFound, "没有名为“%s”的数据类型，可选 %s", dataset, datasetIDs())
	}
	uploader, unit, err := s.uploader(c)
	if err != nil {
		return err
	}
	dryRun, err := dryRunParam(c.Query("dry_run"))
	if err != nil {
		return err
	}
	if err := checkJSONType(c.Get(fiber.HeaderContentType)); err != nil {
		return err
	}
	body := c.Body()
	if !startsJSONArray(body) {
		return saima.Errorf(saima.KindInvalid, "请求体应是JSON对象数组，如[{\"单位\": \"余姚市\", …}]，并以 Content-Type: application/json 提交")
	}

	req := ingest.Request{
		FileName: dataset + ".json",
		Body:     bytes.NewReader(body),
		Dataset:  dataset,
		Uploader: uploader,
		Unit:     unit,
	}
	report, err := s.runImport(c.UserContext(), req, dryRun)
	status, result := uploadResult(dryRun, report, err)
	if status >= 500 {
		return err
	}
	if err != nil {
		s.logError(c, status, err)
	}
	return c.Status(status).JSON(result)
}

// checkJSONType accepts the Content-Type of a JSON body: application/json
// or a type ending in +json, with any parameters. Anything else, an empty
// type included, is an error that maps to 415.
func checkJSONType(contentType string) error {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mediaType == fiber.MIMEApplicationJSON || strings.HasSuffix(mediaType, "+json")) {
		return nil
	}
	sent := "请求没有 Content-Type"
	if contentType != "" {
		sent = "请求的 Content-Type 是“" + shortHeader(contentType) + "”"
	}
	return saima.Wrap(saima.KindInvalid, sent+"，不是 JSON；请加上请求头 Content-Type: application/json 后重新提交"+
		"（curl 的 -d 和 --data-binary 默认发送 application/x-www-form-urlencoded），文件请以 multipart/form-data 提交到 /api/uploads",
		errMediaType)
}

// startsJSONArray reports whether body, after an optional byte-order
// mark and whitespace, starts with [. Anything else would be read as a
// CSV file.
func startsJSONArray(body []byte) bool {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 0 && body[0] == '['
}

// datasetIDs lists the dataset IDs for messages.
func datasetIDs() string {
	var b bytes.Buffer
	for i, d := range datasetNames {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(d.ID)
	}
	return b.String()
}
