package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestReportsWithoutScoresNameNoCommand checks the reply to a report of a
// period without scores: leaders have no shell, so it names no saima
// command for them, and a period that has not begun says so. On testNow
// (2026-10-20) the seed has scores of 2026Q2 and 2026Q3 only.
func TestReportsWithoutScoresNameNoCommand(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name, path string
		want       string
	}{
		{"quarter not begun", "/reports/quarterly/2027Q1.pdf", "2027年第一季度尚未开始"},
		{"quarter not scored", "/reports/quarterly/2025Q4.pdf", "改革办"},
		{"zip of a quarter not begun", "/reports/quarterly/2027Q1/units.zip", "2027年第一季度尚未开始"},
		{"zip of a quarter not scored", "/reports/quarterly/2025Q4/units.zip", "改革办"},
		{"year not begun", "/reports/annual/2027.pdf", "2027年度尚未开始"},
		{"year not scored", "/reports/annual/2024.pdf", "改革办"},
	}
	leader := env.as(t, "leader")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := leader.get(t, tt.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", tt.path, resp.StatusCode)
			}
			if strings.Contains(body, "saima ") {
				t.Errorf("GET %s tells a leader to run a saima command:\n%s", tt.path, body)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("GET %s lacks %q:\n%s", tt.path, tt.want, body)
			}
		})
	}
}

// TestForbiddenPageSaysWhomToAsk checks that a page a role may not open
// tells the reader whom to ask, and that the upload form's label lists
// every file type its accept attribute offers.
func TestForbiddenPageSaysWhomToAsk(t *testing.T) {
	env := newSeededEnv(t)
	for role, path := range map[string]string{"haishu": "/ledger", "leader": "/upload"} {
		resp, body := env.as(t, role).get(t, path)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET %s = %d, want 403", role, path, resp.StatusCode)
		}
		if !strings.Contains(body, "请联系改革办") {
			t.Errorf("%s's 403 page for %s does not say whom to ask:\n%s", role, path, body)
		}
	}

	_, body := env.as(t, "haishu").get(t, "/upload")
	if !strings.Contains(body, `accept=".csv,.txt,.tsv,.xlsx,.json"`) || !strings.Contains(body, "CSV、TSV、TXT、XLSX 或 JSON") {
		t.Errorf("upload form's label does not list every type its accept attribute offers")
	}
}

// TestNoScoresSayWhatToDo checks the reply to a period without scores for
// each reader. The office can score and publish, so it gets the command
// that scores that period. Leaders and units are asked to contact the
// office and get no command. On testNow (2026-10-20) the seed has scores
// of 2026Q2 and 2026Q3 only.
func TestNoScoresSayWhatToDo(t *testing.T) {
	env := newSeededEnv(t)
	const (
		leaderboardQ4 = "/leaderboard?period=2025Q4"
		rankingQ4     = "/export/ranking.xlsx?period=2025Q4"
	)
	tests := []struct {
		role, path string
		wants      []string
	}{
		{"office", leaderboardQ4, []string{"2025年第四季度暂无考评结果", "saima score 2025Q4", "发布"}},
		{"office", "/leaderboard?period=2026Q4", []string{"saima score 2026Q4"}},
		{"office", rankingQ4, []string{"saima score 2025Q4"}},
		{"office", "/reports/quarterly/2025Q4.pdf", []string{"saima score 2025Q4", "再生成报告"}},
		{"office", "/reports/annual/2024.pdf", []string{"saima score 2024Q1 2024Q2 2024Q3 2024Q4", "再生成报告"}},
		{"leader", leaderboardQ4, []string{"2025年第四季度暂无考评结果", "请联系改革办"}},
		{"leader", rankingQ4, []string{"请联系改革办"}},
		{"haishu", leaderboardQ4, []string{"2025年第四季度暂无考评结果", "请联系改革办"}},
		{"haishu", rankingQ4, []string{"请联系改革办"}},
	}
	for _, tt := range tests {
		t.Run(tt.role+tt.path, func(t *testing.T) {
			resp, body := env.as(t, tt.role).get(t, tt.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s = %d, want 404", tt.role, tt.path, resp.StatusCode)
			}
			for _, want := range tt.wants {
				if !strings.Contains(body, want) {
					t.Errorf("%s GET %s lacks %q:\n%s", tt.role, tt.path, want, body)
				}
			}
			if tt.role != "office" && strings.Contains(body, "saima ") {
				t.Errorf("%s GET %s names a saima command, which only the office can run:\n%s", tt.role, tt.path, body)
			}
		})
	}
}
