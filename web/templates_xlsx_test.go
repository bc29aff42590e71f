package web

import (
	"bytes"
	"cmp"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samber/lo"
	"github.com/xuri/excelize/v2"

	"saima"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

func TestTemplateDownload(t *testing.T) {
	env := newSeededEnv(t)
	for _, d := range []string{saima.DatasetProgress, saima.DatasetProjects, saima.DatasetUnits} {
		t.Run(d, func(t *testing.T) {
			resp, body := env.get(t, "/templates/"+d+".xlsx")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /templates/%s.xlsx status = %d, want 200; body:\n%s", d, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("Content-Type = %q, want the XLSX type", ct)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, d+"-template.xlsx") {
				t.Errorf("Content-Disposition = %q, want the file name", cd)
			}

			// Uploaded as downloaded, the example row is left out, and the
			// file gets one error that it has only the example.
			opts := ingest.Options{Roster: seedUnits, Today: saima.DateOf(testNow), FileName: d + ".xlsx"}
			res, err := ingest.Parse(strings.NewReader(body), opts)
			if err != nil || res.Dataset != d || res.Batch.Len() != 0 || len(res.Errors) != 1 || len(res.Warnings) != 0 {
				t.Fatalf("Parse(template) = %+v, %v, want %s with no records, one error and no warning", res, err, d)
			}
			if e := res.Errors[0]; e.Row != 1 || !strings.Contains(e.Reason, "只有下载模板中的示例行（第2行") {
				t.Errorf("error = %s, want one that row 2 is only the example", e)
			}

			// Its values import without errors against the roster once the
			// mark that keeps it out is gone.
			res, err = ingest.Parse(bytes.NewReader(unmarkExample(t, []byte(body))), opts)
			if err != nil || !res.OK() || res.Dataset != d || res.Batch.Len() != 1 {
				t.Fatalf("Parse(unmarked template) = %+v, %v, want one record of %s without errors", res, err, d)
			}
		})
	}
}

func TestTemplateRosterDropDown(t *testing.T) {
	env := newSeededEnv(t)
	_, body := env.get(t, "/templates/progress.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cols, err := f.GetCols("选项")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) == 0 || cols[0][0] != "单位" {
		t.Fatalf("options sheet = %q, want the unit list first", cols)
	}
	for _, u := range seedUnits {
		if !slices.Contains(cols[0][1:], u.Name) {
			t.Errorf("unit drop-down lacks %q: %q", u.Name, cols[0][1:])
		}
	}
}

// TestTemplateForUnitAccount checks that a unit account's template has
// its own unit and one of its projects in the example row, which then
// imports for that account.
func TestTemplateForUnitAccount(t *testing.T) {
	env := newSeededEnv(t)
	unit := env.as(t, "haishu")
	_, body := unit.get(t, "/templates/progress.xlsx")
	projects, err := env.store.ListProjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Parse(bytes.NewReader(unmarkExample(t, []byte(body))), ingest.Options{Roster: seedUnits,
		Projects: projects, Unit: "宁波市海曙区", Today: saima.DateOf(testNow), FileName: "progress.xlsx"})
	if err != nil || !res.OK() || len(res.Batch.Progress) != 1 || len(res.Warnings) != 0 {
		t.Fatalf("Parse(haishu's template) = %+v, %v, want one progress record without issues", res, err)
	}
	if p := res.Batch.Progress[0]; p.Unit != "宁波市海曙区" || p.ProjectCode != "NB-2026-001" || p.ProjectName != "城市大脑驾驶舱" {
		t.Errorf("example = %s %s %s, want 宁波市海曙区 NB-2026-001 城市大脑驾驶舱", p.Unit, p.ProjectCode, p.ProjectName)
	}

	// Its unit drop-down offers only its own unit, because a file with any
	// other unit is rejected.
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cols, err := f.GetCols("选项")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) == 0 || cols[0][0] != "单位" {
		t.Fatalf("options sheet = %q, want the unit list first", cols)
	}
	if got := slices.DeleteFunc(cols[0][1:], func(s string) bool { return s == "" }); !slices.Equal(got, []string{"宁波市海曙区"}) {
		t.Errorf("unit drop-down = %q, want only 宁波市海曙区", got)
	}
}

func TestTemplateDownloadDenied(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name, as, target string
		status           int
	}{
		{"unknown dataset", "office", "/templates/budgets.xlsx", http.StatusNotFound},
		{"leader", "leader", "/templates/progress.xlsx", http.StatusForbidden},
		{"unit account", "haishu", "/templates/progress.xlsx", http.StatusOK},
		{"unit account, office-only dataset", "haishu", "/templates/units.xlsx", http.StatusForbidden},
		{"unit account, stages", "haishu", "/templates/stages.xlsx", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp, _ := env.as(t, tt.as).get(t, tt.target); resp.StatusCode != tt.status {
				t.Errorf("GET %s as %s status = %d, want %d", tt.target, tt.as, resp.StatusCode, tt.status)
			}
		})
	}
	if resp, _ := env.anonymous().get(t, "/templates/progress.xlsx"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /templates/progress.xlsx signed out status = %d, want 303 to the login page", resp.StatusCode)
	}
}

// unmarkExample returns the workbook with its defined names deleted,
// among them the one that marks a template's example row.
func unmarkExample(t *testing.T, file []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, n := range f.GetDefinedName() {
		if err := f.DeleteDefinedName(&excelize.DefinedName{Name: n.Name, Scope: n.Scope}); err != nil {
			t.Fatal(err)
		}
	}
	// The cell right of the example row marks it too, for a copy saved as CSV.
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	last, err := excelize.CoordinatesToCellName(len(rows[1]), 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rows[1][len(rows[1])-1], "示例行") {
		t.Fatalf("cell %s = %q, want the example mark", last, rows[1][len(rows[1])-1])
	}
	if err := f.SetCellStr(sheet, last, ""); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTemplateStagesExampleUploads checks that the stages template's
// example, once its mark is gone, uploads against the seeded ledger,
// whose projects already have stages, and adds one event.
func TestTemplateStagesExampleUploads(t *testing.T) {
	env := newSeededEnv(t)
	before, err := env.store.ListStageHistory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(before) == 0 {
		t.Fatal("seeded ledger has no stage events: nothing to follow")
	}
	_, body := env.get(t, "/templates/stages.xlsx")
	req := multipartRequest(t, "/api/uploads", "项目阶段.xlsx", unmarkExample(t, []byte(body)),
		map[string]string{"dataset": saima.DatasetStages})
	resp, out := env.as(t, "office").do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload of the stages example status = %d, want 201; body:\n%s", resp.StatusCode, out)
	}
	after, err := env.store.ListStageHistory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Errorf("stage events after the upload = %d, want %d", len(after), len(before)+1)
	}
}

// exampleMarkText starts the text of the cell right of a template's
// example row.
const exampleMarkText = "示例行：原样上传时不导入；填写实际数据时请清空这一格"

// exampleNote returns what the mark cell of a template's example row adds
// to exampleMarkText after the check code: why no example imports for the
// account, or "".
func exampleNote(t *testing.T, file []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || len(rows[1]) == 0 {
		t.Fatalf("template has no example row: %q", rows)
	}
	mark := rows[1][len(rows[1])-1]
	rest, ok := strings.CutPrefix(mark, exampleMarkText)
	if !ok {
		t.Fatalf("last cell of the example row = %q, want it to start with %q", mark, exampleMarkText)
	}
	code := exampleCodeRE.FindString(rest)
	if code == "" {
		t.Errorf("last cell of the example row = %q, want a check code after %q", mark, exampleMarkText)
	}
	return strings.TrimPrefix(rest[len(code):], "。")
}

// exampleCodeRE matches the check code of the example's values that the
// mark cell carries after exampleMarkText.
var exampleCodeRE = regexp.MustCompile(`^（核对码 [0-9a-f]{8}）`)

// exampleCell returns the cell of a template's example row under the
// column named name.
func exampleCell(t *testing.T, file []byte, name string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(rows[0], name)
	if i < 0 || len(rows) < 2 || i >= len(rows[1]) {
		t.Fatalf("template rows %q have no example under %s", rows, name)
	}
	return rows[1][i]
}

// TestTemplateExamplesOnDemo generates every dataset's template on the
// demo city for the office and for each unit's account, removes the mark
// of the example row, changes nothing else and previews the upload as
// that account. The example must import without errors or warnings,
// unless the template says why no example can import for that account:
// then the only errors are on the cells that the note says are empty.
func TestTemplateExamplesOnDemo(t *testing.T) {
	store := chtest.Store(t)
	loadDemoCity(t, store)
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return demoNow },
		NewID: func() string { return "template-preview" },
	}
	units, err := store.ListUnits(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	accounts := []string{""}
	for _, u := range units {
		accounts = append(accounts, u.Name)
	}

	// A unit's upload of a stored project or problem replaces it, even
	// another unit's, so those examples must add a new one.
	projects, err := store.ListProjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	problems, err := store.ListProblems(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	type storedKeys struct {
		column string
		codes  []string
	}
	stored := map[string]storedKeys{
		saima.DatasetProjects: {"项目编号", lo.Map(projects, func(p saima.Project, _ int) string { return p.Code })},
		saima.DatasetProblems: {"问题编号", lo.Map(problems, func(p saima.ProblemItem, _ int) string { return p.ID })},
	}

	explained := map[string]int{}
	for _, account := range accounts {
		for _, d := range datasetNames {
			if account != "" && ingest.OfficeOnly(d.ID) {
				continue
			}
			t.Run(cmp.Or(account, "office")+"/"+d.ID, func(t *testing.T) {
				var buf bytes.Buffer
				if err := svc.WriteTemplate(t.Context(), &buf, d.ID, account); err != nil {
					t.Fatalf("WriteTemplate(%s, %q) error: %v", d.ID, account, err)
				}
				note := exampleNote(t, buf.Bytes())
				rep, err := svc.Preview(t.Context(), ingest.Request{FileName: d.Name + "模板.xlsx",
					Body: bytes.NewReader(unmarkExample(t, buf.Bytes())), Dataset: d.ID, Unit: account,
					Uploader: cmp.Or(account, "office")})
				if rep == nil {
					t.Fatalf("Preview error: %v", err)
				}
				if note == "" {
					for _, is := range append(rep.Errors, rep.Warnings...) {
						t.Errorf("example: %s", is)
					}
					if rep.Imported != 1 {
						t.Errorf("records = %d, want the example alone", rep.Imported)
					}
					if key, ok := stored[d.ID]; ok && slices.Contains(key.codes, exampleCell(t, buf.Bytes(), key.column)) {
						t.Errorf("example %s %s replaces a stored record, want a new one", key.column,
							exampleCell(t, buf.Bytes(), key.column))
					}
					return
				}
				explained[d.ID]++
				if len(rep.Errors) == 0 {
					t.Errorf("example imports, but the template says it cannot:%s", note)
				}
				for _, is := range rep.Errors {
					if !strings.Contains(note, "示例行的"+is.Column) && !strings.Contains(note, "和"+is.Column+"空着") {
						t.Errorf("error %s is on a cell that the note%s does not name", is, note)
					}
				}
			})
		}
	}
	// Several demo units lead no leader-led project.
	if explained[saima.DatasetLeaderReports] == 0 {
		t.Errorf("no leader report template explains a missing example, want one per unit without a leader-led project")
	}
}
