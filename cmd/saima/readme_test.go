package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
	"saima/clickhouse/chtest"
)

// readmeSteps returns the saima commands of the README's "Using saima"
// block, each as its arguments after bin/saima, without the comments.
func readmeSteps(t *testing.T) [][]string {
	t.Helper()
	path, err := chtest.FindRepoFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Using saima\n")
	if !ok {
		t.Fatal("README.md has no section “Using saima”")
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok {
		t.Fatal("“Using saima” has no sh block")
	}
	var steps [][]string
	for line := range strings.Lines(block) {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "mkdir" {
			continue // the folder of the user's own files; the test uses a temporary one
		}
		if len(fields) == 0 || fields[0] != "bin/saima" {
			t.Fatalf("README step %q does not run bin/saima", line)
		}
		steps = append(steps, fields[1:])
	}
	return steps
}

// fillTemplate types rows over the example row of the template at path,
// as the README tells a new user to, and clears the example's mark.
func fillTemplate(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	header, err := f.GetRows(sheet)
	if err != nil || len(header) < 2 {
		t.Fatalf("template %s rows = %d, %v; want a header and the example", path, len(header), err)
	}
	for i := range header[1] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellValue(sheet, cell, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows[1:] {
		values := make([]any, len(header[0]))
		for j, name := range header[0] {
			k := slices.Index(rows[0], name)
			if k < 0 {
				t.Fatalf("template %s has column %s, which the test rows lack", path, name)
			}
			values[j] = r[k]
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// readCSV returns the records of a case file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// The README's “Using saima” steps run as written, in order, from a fresh
// folder. The user's files stand for the ones the README names: the
// roster and project ledger typed over the templates it writes, a
// progress file and an assessments file. Only serve, which runs until
// stopped, is left out.
func TestReadmeUsingSteps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		work := t.TempDir()
		progress := readCSV(t, filepath.Join(dir, "04_progress_mixed_dates.csv"))
		roster := [][]string{{"单位", "单位类别", "单位代码", "别名", "赛道", "不参与排名原因"}}
		for _, r := range readCSV(t, filepath.Join(dir, "00_roster.csv"))[1:] {
			roster = append(roster, []string{r[1], r[2], "", "", "", ""})
		}
		projects := [][]string{{"项目编号", "项目名称", "责任单位", "牵头单位", "所属系统", "项目层级", "项目类型", "批次",
			"所属清单", "是否领导领衔", "领衔领导", "预算（万元）", "开始日期", "计划完成日期", "协同单位"}}
		for _, r := range progress[1:] {
			projects = append(projects, []string{r[1], r[2], r[0], "", "", "", "", "", "", "", "", "", "2026-01-01", "2026-12-31", ""})
		}
		fills := map[string][][]string{"units": roster, "projects": projects}
		for name, file := range map[string]string{"progress.csv": "04_progress_mixed_dates.csv",
			"assessments.csv": "07_scores_exact_decimals.csv"} {
			if err := os.WriteFile(filepath.Join(work, name), mustRead(t, filepath.Join(dir, file)), 0o644); err != nil {
				t.Fatal(err)
			}
		}

		steps := readmeSteps(t)
		var scoreTracks []string
		for i, args := range steps {
			if args[0] == "serve" {
				if i != len(steps)-1 {
					t.Errorf("README step serve is not the last")
				}
				continue
			}
			for j, a := range args {
				if strings.HasSuffix(a, ".xlsx") || strings.HasSuffix(a, ".csv") || strings.HasSuffix(a, ".pdf") {
					args[j] = filepath.Join(work, filepath.Base(a))
				}
			}
			out := e.mustRun(args...)
			if args[0] == "template" {
				fillTemplate(t, args[2], fills[args[3]])
			}
			switch args[0] {
			case "score":
				assertContains(t, "README score", out, "宁波市海曙区", "象山县")
				scoreTracks = trackOrder(out)
			case "publish":
				if got := trackOrder(out); !slices.Equal(got, scoreTracks) || len(got) < 2 {
					t.Errorf("README publish prints the tracks in the order %q, score in %q", got, scoreTracks)
				}
			case "explain":
				assertContains(t, "README explain", out, "计划进度达成率")
			case "assessments":
				assertContains(t, "README assessments", out, "市大数据局", "100.5")
			}
		}
		if _, err := os.Stat(filepath.Join(work, "2026Q3.pdf")); err != nil {
			t.Errorf("README report wrote no PDF: %v", err)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// trackOrder returns the tracks in the order that a ranking printed by
// score or publish first names them.
func trackOrder(out string) []string {
	var order []string
	for _, line := range strings.Split(out, "\n") {
		for _, track := range []string{saima.KindDistrict, saima.KindDepartment, saima.KindCity} {
			if strings.HasPrefix(strings.TrimSpace(line), track) && !slices.Contains(order, track) {
				order = append(order, track)
			}
		}
	}
	return order
}
