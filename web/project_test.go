package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"saima"
)

// postStageForm posts the stage form of project code as cl.
func postStageForm(tb testing.TB, cl *client, code string, fields map[string]string) (*http.Response, string) {
	tb.Helper()
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	req := httptest.NewRequest(http.MethodPost, "/projects/"+url.PathEscape(code)+"/stages",
		strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.do(tb, req)
}

func TestProjectPage(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		user   string
		target string
		status int
		want   []string
		absent []string
	}{
		// testNow is 2026-10-20; NB-2026-001 entered 实施 on 2026-05-10.
		{"OfficeSeesForm", "office", "/projects/NB-2026-001", 200,
			[]string{"城市大脑驾驶舱", "<strong>实施</strong>", "自 2026-05-10 起已 163 天", "登记阶段", `name="csrf_token"`,
				"协同单位：宁波市江北区、市大数据局"}, nil},
		{"LeaderHasNoForm", "leader", "/projects/NB-2026-001", 200, []string{"阶段历程"}, []string{"登记阶段"}},
		{"UnitForbidden", "haishu", "/projects/NB-2026-001", 403, nil, nil},
		{"ErrNotFound", "office", "/projects/NB-9999", 404, []string{"没有编号为“NB-9999”的项目"}, nil},
		{"InjectionEscaped", "office", "/projects/NB-2026-003", 200, []string{"&lt;/script&gt;"}, nil},
		{"LedgerShowsDays", "office", "/ledger", 200,
			[]string{"2026-05-10起，已 163 天", `href="/projects/NB-2026-001"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.user).get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d", tt.target, resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s body lacks %q", tt.target, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("GET %s body contains %q", tt.target, a)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestStageForm(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")

	t.Run("ErrFinishBeforeEvaluation", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "完成", "date": "2026-10-01", "decided_by": "市委改革办"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST status = %d, want 422", resp.StatusCode)
		}
		if !strings.Contains(body, "之前没有评估记录") {
			t.Errorf("page lacks the lifecycle issue:\n%s", body)
		}
	})

	t.Run("ErrBadDate", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{"stage": "评估", "date": "2026-13-01"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不是有效的日期") {
			t.Errorf("POST status = %d, want 422 naming the date", resp.StatusCode)
		}
	})

	t.Run("ErrDateOutOfRange", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{"stage": "评估", "date": "1926-09-30"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不在2000-01-01至2099-12-31之间") {
			t.Errorf("POST status = %d, want 422 that the date is out of range", resp.StatusCode)
		}
	})

	t.Run("ErrFutureDate", func(t *testing.T) {
		// testNow is 2026-10-20 in Beijing, as uploads check it.
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "变更", "date": "2027-03-01", "decided_by": "市委改革办",
			"change_item": "建设周期", "change_reason": "调整"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "阶段的日期不能在将来") {
			t.Errorf("POST status = %d, want 422 that the date is in the future", resp.StatusCode)
		}
		// The fix names the stage and what to do, as an upload's names
		// what its date column records.
		if want := "晚于今天（2026-10-20），阶段的日期不能在将来，请填写变更实际发生的日期；尚未发生的变更请在发生后再登记"; !strings.Contains(body, want) {
			t.Errorf("POST page lacks %q", want)
		}
		assertFormWording(t, body)
	})

	t.Run("ErrChangeWithoutReason", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "变更", "date": "2026-10-01", "decided_by": "市委改革办", "change_item": "建设周期"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "没有记录变更原因") {
			t.Errorf("POST status = %d, want 422 asking for the reason", resp.StatusCode)
		}
		if want := "“变更原因”栏：项目NB-2026-001的变更没有记录变更原因，变更须说明理由，请填写变更原因后重新保存"; !strings.Contains(body, want) {
			t.Errorf("POST page lacks %q", want)
		}
		assertFormWording(t, body)
	})

	t.Run("ErrWrongBody", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "退出", "date": "2026-10-01", "decided_by": "市委改革办", "accountability": "不予问责"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST status = %d, want 422", resp.StatusCode)
		}
		if want := "“决策主体”栏的值“市委改革办”：项目NB-2026-001的退出须由改革委或深改委决定，请在“决策主体”栏填写改革委或深改委"; !strings.Contains(body, want) {
			t.Errorf("POST page lacks %q", want)
		}
		assertFormWording(t, body)
	})

	t.Run("ErrExitFillerAccountability", func(t *testing.T) {
		for _, filler := range []string{"无", "暂无", "N/A", "不涉及"} {
			resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
				"stage": "退出", "date": "2026-10-01", "decided_by": "市委改革委", "accountability": filler})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("POST 退出 with 问责情况 %q status = %d, want 422", filler, resp.StatusCode)
			}
			want := "“问责情况”栏的值“" + filler + "”：项目NB-2026-001的退出没有注明问责情况，项目退出须注明问责情况，请填写问责情况；不需问责的请写明“不予问责”及理由"
			if !strings.Contains(body, want) {
				t.Errorf("POST page lacks %q", want)
			}
		}
	})

	t.Run("ErrChangeFillerTexts", func(t *testing.T) {
		resp, body := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "变更", "date": "2026-10-01", "decided_by": "市委改革办", "change_item": "无", "change_reason": "无"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST 变更 with 无 status = %d, want 422", resp.StatusCode)
		}
		for _, want := range []string{"没有写明变更事项", "没有记录变更原因"} {
			if !strings.Contains(body, want) {
				t.Errorf("POST page lacks %q", want)
			}
		}
	})

	t.Run("UnitForbidden", func(t *testing.T) {
		resp, _ := postStageForm(t, env.as(t, "haishu"), "NB-2026-001", map[string]string{"stage": "评估", "date": "2026-10-01"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST as unit status = %d, want 403", resp.StatusCode)
		}
	})

	t.Run("OK", func(t *testing.T) {
		resp, _ := postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "变更", "date": "2026-10-01", "decided_by": "市委改革办",
			"change_item": "建设周期", "change_reason": scriptName})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST status = %d, want 303", resp.StatusCode)
		}
		resp, _ = postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "论证", "date": "2026-10-10", "decided_by": "市委改革办", "opinion": imgName})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST 论证 status = %d, want 303", resp.StatusCode)
		}

		history, err := env.store.ListStageHistory(context.Background(), "NB-2026-001")
		if err != nil {
			t.Fatal(err)
		}
		last := history[len(history)-1]
		if last.Stage != "论证" || last.Round != 2 || last.Opinion != imgName {
			t.Errorf("last event = %+v, want 论证 in round 2 with the opinion", last)
		}
		_, body := office.get(t, "/projects/NB-2026-001?recorded=1")
		for _, w := range []string{"阶段记录已保存", "（第 2 轮）", "原因：&lt;/script&gt;"} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		assertNoRawInjection(t, "project page", body)

		// The same stage and round again replaces the event, and the page
		// reports the replacement.
		resp, _ = postStageForm(t, office, "NB-2026-001", map[string]string{
			"stage": "论证", "date": "2026-10-11", "decided_by": "市委改革办", "opinion": "重新论证"})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?recorded=1&replaced=1") {
			t.Fatalf("POST 论证 again = %d to %q, want 303 marked replaced", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := office.get(t, "/projects/NB-2026-001?recorded=1&replaced=1"); !strings.Contains(body, "替换了原有的同一阶段、同一轮次的记录") {
			t.Errorf("page after replacing lacks the notice")
		}
	})
}

func TestStageFormAfterChange(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	var history []saima.StageEvent
	for _, e := range []struct{ stage, date string }{
		{"预报", "2026-01-05"}, {"初审", "2026-01-10"}, {"审核", "2026-01-20"}, {"论证", "2026-02-01"},
		{"决策", "2026-02-15"}, {"实施", "2026-03-01"},
	} {
		history = append(history,
			saima.StageEvent{ProjectCode: "NB-2026-004", Stage: e.stage, Date: day(e.date)})
	}
	history = append(history, saima.StageEvent{ProjectCode: "NB-2026-004", Stage: saima.StageChange,
		Date: day("2026-05-01"), DecidedBy: "市委改革办", ChangeItem: "建设周期", ChangeReason: "省级接口延期"})
	writeWorkflowBatch(t, env.store, "wf-stages", saima.DatasetStages, &saima.Batch{Stages: history})

	rejected := []struct {
		name   string
		fields map[string]string
		want   []string
	}{
		{"ErrImplementWithoutReassessment", map[string]string{"stage": "实施", "date": "2026-06-10"},
			[]string{"第2轮还没有论证、决策记录", "请依次登记第2轮的论证、决策和实施（“轮次”栏填写2）"}},
		{"ErrImplementInNextRound", map[string]string{"stage": "实施", "date": "2026-06-10", "round": "2"},
			[]string{"第2轮还没有论证、决策记录", "请依次登记第2轮的论证、决策和实施（“轮次”栏填写2）"}},
		{"ErrDecisionWithoutArgument", map[string]string{"stage": "决策", "date": "2026-06-01",
			"decided_by": "市委改革委"}, []string{"第2轮还没有论证记录", "请依次登记第2轮的论证和决策"}},
		{"ErrArgumentBeforeChange", map[string]string{"stage": "论证", "date": "2026-04-20",
			"decided_by": "市委改革办"}, []string{"早于2026-05-01的变更"}},
		{"ErrFinishWithoutReassessment", map[string]string{"stage": "完成", "date": "2026-06-10",
			"decided_by": "市委改革办"}, []string{"在2026-05-01的变更之后，第2轮还没有论证、决策、实施、评估记录",
			"请先依次登记第2轮的论证、决策、实施和评估（“轮次”栏填写2），再登记完成"}},
		{"ErrSecondChangeRoundEmpty", map[string]string{"stage": "变更", "date": "2026-05-20",
			"decided_by": "市委改革办", "change_item": "建设内容", "change_reason": "需求调整"},
			[]string{"还没有第2轮论证", "如果是更正2026-05-01的那次变更（变更事项：建设周期）", "填写1"}},
		{"ErrSecondChange", map[string]string{"stage": "变更", "date": "2026-05-20", "round": "2",
			"decided_by": "市委改革办", "change_item": "建设内容", "change_reason": "需求调整"},
			[]string{"还没有第2轮论证", "请先登记第2轮论证"}},
	}
	for _, tt := range rejected {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postStageForm(t, office, "NB-2026-004", tt.fields)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("POST %v status = %d, want 422", tt.fields, resp.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("POST %v page lacks %q", tt.fields, w)
				}
			}
			if strings.Contains(body, "阶段日期不能倒退") {
				t.Errorf("POST %v page reports a date going back", tt.fields)
			}
			assertFormWording(t, body)
		})
	}

	t.Run("OK", func(t *testing.T) {
		for _, fields := range []map[string]string{
			{"stage": "论证", "date": "2026-05-20", "decided_by": "市委改革办"},
			{"stage": "决策", "date": "2026-06-01", "decided_by": "市委改革委"},
			{"stage": "实施", "date": "2026-06-10"},
		} {
			resp, body := postStageForm(t, office, "NB-2026-004", fields)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST %v status = %d, want 303:\n%s", fields, resp.StatusCode, body)
			}
		}
		history, err := env.store.ListStageHistory(context.Background(), "NB-2026-004")
		if err != nil {
			t.Fatal(err)
		}
		last := history[len(history)-1]
		if last.Stage != "实施" || last.Round != 2 {
			t.Errorf("last event = %+v, want 实施 in round 2", last)
		}
	})
}

// TestNextRoundSameDay checks the round the stage form offers when two
// events share the last day: the lifecycle order decides which came last,
// whatever order the store returned them in.
func TestNextRoundSameDay(t *testing.T) {
	day := saima.NewDate(2026, 9, 1)
	implement := saima.StageEvent{ProjectCode: "P1", Stage: "实施", Date: day, Round: 1}
	change := saima.StageEvent{ProjectCode: "P1", Stage: saima.StageChange, Date: day, Round: 1}
	for _, history := range [][]saima.StageEvent{{implement, change}, {change, implement}} {
		if got := nextRound(history, "论证"); got != 2 {
			t.Errorf("round of 论证 after %s and %s on one day = %d, want 2", history[0].Stage, history[1].Stage, got)
		}
		if got := currentStage(history); got == nil || got.Stage != saima.StageChange {
			t.Errorf("current stage after %s and %s on one day = %v, want 变更", history[0].Stage, history[1].Stage, got)
		}
	}
}

func TestNextRoundChange(t *testing.T) {
	history := []saima.StageEvent{
		{ProjectCode: "P1", Stage: "论证", Date: day("2026-02-01"), Round: 1},
		{ProjectCode: "P1", Stage: "实施", Date: day("2026-03-01"), Round: 1},
	}
	change := saima.StageEvent{ProjectCode: "P1", Stage: saima.StageChange, Date: day("2026-05-01"), Round: 1}
	reargue := saima.StageEvent{ProjectCode: "P1", Stage: "论证", Date: day("2026-05-20"), Round: 2}
	tests := []struct {
		name    string
		history []saima.StageEvent
		want    int
	}{
		{"FirstChange", history, 1},
		{"AfterPendingChange", append(slices.Clone(history), change), 2},
		{"AfterReargue", append(slices.Clone(history), change, reargue), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextRound(tt.history, saima.StageChange); got != tt.want {
				t.Errorf("nextRound(%s, 变更) = %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}

// TestProjectHistorySameDay checks the history table of the project page
// when two events share a day: 论证 before 决策 and 实施 before 变更, as
// the lifecycle goes, not as their names sort.
func TestProjectHistorySameDay(t *testing.T) {
	env := newSeededEnv(t)
	var history []saima.StageEvent
	for _, e := range []struct{ stage, date string }{
		{"预报", "2026-01-05"}, {"初审", "2026-01-10"}, {"审核", "2026-01-20"}, {"决策", "2026-02-01"},
		{"论证", "2026-02-01"}, {"变更", "2026-05-01"}, {"实施", "2026-05-01"},
	} {
		history = append(history, saima.StageEvent{ProjectCode: "NB-2026-004", Stage: e.stage,
			Date: day(e.date), DecidedBy: "市委改革办", ChangeItem: "建设周期", ChangeReason: "省级接口延期"})
	}
	writeWorkflowBatch(t, env.store, "wf-stages", saima.DatasetStages, &saima.Batch{Stages: history})

	_, body := env.as(t, "office").get(t, "/projects/NB-2026-004")
	_, table, ok := strings.Cut(body, "阶段历程")
	if !ok {
		t.Fatalf("project page has no history table")
	}
	var got []string
	for _, row := range strings.Split(table, `<th scope="row">`)[1:] {
		got = append(got, row[:strings.Index(row, "</th>")])
	}
	want := []string{"预报", "初审", "审核", "论证", "决策", "实施", "变更"}
	if !slices.Equal(got, want) {
		t.Errorf("history rows = %q, want %q", got, want)
	}
	if !strings.Contains(body, "<strong>变更</strong>") {
		t.Errorf("project page lacks the current stage <strong>变更</strong>")
	}
}

// assertFormWording checks that the stage form's issues name its fields,
// not a file's columns, and ask to save rather than to upload again.
func assertFormWording(tb testing.TB, body string) {
	tb.Helper()
	_, issues, _ := strings.Cut(body, `class="errors"`)
	issues, _, _ = strings.Cut(issues, "</div>")
	for _, word := range []string{"”列", "重新上传"} {
		if strings.Contains(issues, word) {
			tb.Errorf("form issues contain %q, which is an upload's wording:\n%s", word, issues)
		}
	}
}

// roundTwoHistory is a history of NB-2026-004 through 评估 of round 2,
// after a change on 2026-05-01.
func roundTwoHistory() []saima.StageEvent {
	var history []saima.StageEvent
	for _, e := range []struct {
		stage, date string
		round       int
	}{
		{"预报", "2026-01-05", 1}, {"初审", "2026-01-10", 1}, {"审核", "2026-01-20", 1}, {"论证", "2026-02-01", 1},
		{"决策", "2026-02-15", 1}, {"实施", "2026-03-01", 1}, {"变更", "2026-05-01", 1},
		{"论证", "2026-05-20", 2}, {"决策", "2026-06-01", 2}, {"实施", "2026-06-10", 2}, {"评估", "2026-09-01", 2},
	} {
		history = append(history, saima.StageEvent{ProjectCode: "NB-2026-004", Stage: e.stage, Date: day(e.date),
			Round: e.round, DecidedBy: "市委改革委", ChangeItem: "建设周期", ChangeReason: "省级接口延期"})
	}
	return history
}

func TestStageFormFinishRound(t *testing.T) {
	t.Run("ErrEarlierRound", func(t *testing.T) {
		env := newSeededEnv(t)
		writeWorkflowBatch(t, env.store, "wf-stages", saima.DatasetStages, &saima.Batch{Stages: roundTwoHistory()})
		resp, body := postStageForm(t, env.as(t, "office"), "NB-2026-004", map[string]string{
			"stage": "完成", "date": "2026-10-01", "round": "1"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST 完成 in round 1 status = %d, want 422", resp.StatusCode)
		}
		if want := "完成登记为第1轮，而项目当前是第2轮"; !strings.Contains(body, want) {
			t.Errorf("POST 完成 in round 1 page lacks %q", want)
		}
	})

	t.Run("CorrectStoredFinish", func(t *testing.T) {
		env := newSeededEnv(t)
		office := env.as(t, "office")
		// A 完成 stored in round 1 before the round rule existed.
		history := append(roundTwoHistory(), saima.StageEvent{ProjectCode: "NB-2026-004", Stage: "完成",
			Date: day("2026-10-01"), Round: 1})
		writeWorkflowBatch(t, env.store, "wf-stages", saima.DatasetStages, &saima.Batch{Stages: history})

		resp, body := postStageForm(t, office, "NB-2026-004", map[string]string{"stage": "完成", "date": "2026-10-05"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST second 完成 status = %d, want 422", resp.StatusCode)
		}
		if want := "如果是更正已登记的完成，请在“轮次”栏填写1"; !strings.Contains(body, want) {
			t.Errorf("POST second 完成 page lacks %q", want)
		}

		resp, _ = postStageForm(t, office, "NB-2026-004", map[string]string{
			"stage": "完成", "date": "2026-10-05", "round": "1"})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "&replaced=1") {
			t.Errorf("POST 完成 in the stored round = %d to %q, want 303 marked replaced",
				resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestProjectPageOpenMilestones checks that the page of a project marked
// 完成 lists its milestones without an actual day, which still count as
// overdue, and leaves out the done ones.
func TestProjectPageOpenMilestones(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	_, before := office.get(t, "/projects/NB-2026-001")
	if strings.Contains(before, "open-milestones") {
		t.Errorf("page of NB-2026-001 in 实施 warns of open milestones")
	}

	writeWorkflowBatch(t, env.store, "wf-finish", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "NB-2026-001", Stage: "评估", Date: day("2026-09-01")},
		{ProjectCode: "NB-2026-001", Stage: "完成", Date: day("2026-10-01")},
	}})
	resp, body := office.get(t, "/projects/NB-2026-001")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /projects/NB-2026-001 status = %d, want 200", resp.StatusCode)
	}
	_, warning, ok := strings.Cut(body, `id="open-milestones"`)
	if !ok {
		t.Fatalf("page of finished NB-2026-001 has no open-milestones warning:\n%s", body)
	}
	warning, _, _ = strings.Cut(warning, "</section>")
	for _, want := range []string{"以下 1 个里程碑还没有实际完成日期", "仍按逾期计入", "驾驶舱上线（计划 2026-09-30，已逾期）"} {
		if !strings.Contains(warning, want) {
			t.Errorf("open-milestones warning lacks %q:\n%s", want, warning)
		}
	}
	if strings.Contains(warning, "完成数据归集") {
		t.Errorf("open-milestones warning lists the done milestone 完成数据归集:\n%s", warning)
	}
}
