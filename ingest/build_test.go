package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
)

// issueCase is a file whose errors and warnings are known exactly.
type issueCase struct {
	name, text       string
	errors, warnings []string
}

func (tt issueCase) run(t *testing.T, opts Options) *Result {
	t.Helper()
	res := parseText(t, "f.csv", tt.text, opts)
	if got := issueStrings(res.Errors); !slices.Equal(got, tt.errors) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.errors, "\n"))
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, tt.warnings) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
	}
	return res
}

func TestUnits(t *testing.T) {
	text := "序号,单位,单位类别,单位代码,别名,赛道\n" +
		"1,宁波市海曙区,区县(市),３３０２０３,海曙、海曙区,\n" +
		"2,市大数据局,市直部门,,大数据局;数据局；数据管理局,数字赛道\n" +
		"3, 宁波市（本级） ,本级,,,\n" +
		"4,余姚市,区县,,余姚,\n"
	res := parseText(t, "u.csv", text, Options{})
	requireNoErrors(t, res)
	want := []saima.Unit{
		{Name: "宁波市海曙区", Code: "330203", Aliases: []string{"海曙", "海曙区"}, Kind: saima.KindDistrict, Track: saima.KindDistrict},
		{Name: "市大数据局", Aliases: []string{"大数据局", "数据局", "数据管理局"}, Kind: saima.KindDepartment, Track: "数字赛道"},
		{Name: "宁波市（本级）", Kind: saima.KindCity, Track: saima.KindCity},
		{Name: "余姚市", Aliases: []string{"余姚"}, Kind: saima.KindDistrict, Track: saima.KindDistrict},
	}
	if got := fmt.Sprintf("%+v", res.Batch.Units); got != fmt.Sprintf("%+v", want) {
		t.Errorf("units =\n%s\nwant\n%s", got, fmt.Sprintf("%+v", want))
	}
	if res.Dataset != saima.DatasetUnits {
		t.Errorf("Dataset = %q, want units", res.Dataset)
	}
}

func TestUnitIssues(t *testing.T) {
	tests := []issueCase{
		{name: "unknown kind",
			text:   "单位,单位类别\n宁波市海曙区,街道\n",
			errors: []string{"f.csv 第2行“单位类别”列的值“街道”不是可选的值，请填写以下之一：区县（市）、市直部门、市本级、其他"}},
		{name: "missing name",
			text:   "单位,单位类别\n ,市直部门\n",
			errors: []string{"f.csv 第2行“单位”列为空，此列必须填写，请填写单位后重新上传"}},
		{name: "alias of another unit",
			text:   "单位,单位类别,别名\n宁波市海曙区,区县（市）,海曙\n宁波市江北区,区县（市）,江北、海曙\n",
			errors: []string{"f.csv 第3行“别名”列的值“海曙”与第2行的单位“宁波市海曙区”重名，请删除或修改这个别名后重新上传"}},
		{name: "alias equal to another name",
			text:   "单位,单位类别,别名\n市财政局,市直部门,\n市大数据局,市直部门,市 财政局\n",
			errors: []string{"f.csv 第3行“别名”列的值“市 财政局”与第2行的单位“市财政局”重名，请删除或修改这个别名后重新上传"}},
		{name: "same unit twice",
			text:     "单位,单位类别\n市财政局,市直部门\n市 财政局,其他\n",
			warnings: []string{"f.csv 第3行与第2行的单位相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{Dataset: saima.DatasetUnits}) })
	}
}

func TestUnitIssuesAgainstStoredRoster(t *testing.T) {
	stored := []saima.Unit{
		{Name: "宁波市海曙区", Kind: saima.KindDistrict},
		{Name: "市大数据局", Kind: saima.KindDepartment, Aliases: []string{"数据局"}},
	}
	tests := []issueCase{
		{name: "alias of a stored name",
			text: "单位,单位类别,别名\n宁波市海曙新区,区县（市）,宁波市海曙区\n",
			errors: []string{"f.csv 第2行“别名”列的值“宁波市海曙区”与单位名单中已有的单位“宁波市海曙区”重名，" +
				"请删除或修改这个别名后重新上传"}},
		{name: "alias of a stored alias",
			text: "单位,单位类别,别名\n市财政局,市直部门,数据 局\n",
			errors: []string{"f.csv 第2行“别名”列的值“数据 局”与单位名单中单位“市大数据局”的别名重名，" +
				"请删除或修改这个别名后重新上传；如果要把这个别名改给本单位，请在同一文件中加上“市大数据局”一行并删去它的这个别名"}},
		{name: "name of a stored alias",
			text: "单位,单位类别\n数据局,市直部门\n",
			errors: []string{"f.csv 第2行“单位”列的值“数据局”与单位名单中单位“市大数据局”的别名重名，" +
				"如果指的就是该单位，请填写“市大数据局”；如果是另一个单位，请换一个名称，或在同一文件中加上“市大数据局”一行并删去它的这个别名"}},
		{name: "own stored alias",
			text: "单位,单位类别,别名\n市大数据局,市直部门,数据局\n"},
		{name: "alias moved in one file",
			text: "单位,单位类别,别名\n市大数据局,市直部门,\n市财政局,市直部门,数据局\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{Dataset: saima.DatasetUnits, Roster: stored}) })
	}
}

// rosterTracks are the tracks of rulesets/2026.yaml.
var rosterTracks = Tracks{RuleSet: "2026年度数字化改革赛马",
	Names: []string{saima.KindDistrict, saima.KindDepartment, saima.KindCity}}

func TestUnitTrackSpelling(t *testing.T) {
	text := "单位,单位类别,赛道\n宁波市江北区,区县（市）,区县(市)\n宁波市北仑区,区县（市）, 区县 （市）\n" +
		"市大数据局,市直部门,市直部门\n"
	for _, opts := range []Options{{}, {Tracks: rosterTracks}} {
		res := parseText(t, "u.csv", text, opts)
		requireNoErrors(t, res)
		if len(res.Warnings) > 0 {
			t.Errorf("tracks %v: warnings = %v, want none", opts.Tracks.Names, issueStrings(res.Warnings))
		}
		for _, u := range res.Batch.Units {
			if want := u.Kind; u.Track != want {
				t.Errorf("tracks %v: %s track = %q, want %q", opts.Tracks.Names, u.Name, u.Track, want)
			}
		}
	}
}

func TestUnitTrackUnknown(t *testing.T) {
	known := "不是规则集“2026年度数字化改革赛马”中的赛道（区县（市）、市直部门、市本级），该单位无法参加排名，评分和发布都会因此失败，" +
		"请在赛道一列填写上述赛道之一后重新上传；如果要新增赛道，请先在规则集的 tracks 中加上它；" +
		"有意不让该单位参加排名的，请把赛道填为“不参与排名”，并在“不参与排名原因”列写明原因"
	tests := []issueCase{
		{name: "unknown track",
			text:     "单位,单位类别,赛道\n宁波前湾新区,其他,功能区\n",
			warnings: []string{"f.csv 第2行“赛道”列的值“功能区”" + known}},
		{name: "kind without a track",
			text:     "单位,单位类别,赛道\n宁波前湾新区,其他,\n",
			warnings: []string{"f.csv 第2行“单位类别”列的值“其他”赛道留空时按单位类别参赛，但“其他”" + known}},
		{name: "known track",
			text: "单位,单位类别,赛道\n宁波市本级,市本级,\n宁波市江北区,区县（市）,区县(市)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, Options{Dataset: saima.DatasetUnits, Tracks: rosterTracks})
		})
	}

	res := parseText(t, "f.csv", tests[0].text, Options{Dataset: saima.DatasetUnits})
	if len(res.Warnings) > 0 {
		t.Errorf("without Tracks: warnings = %v, want none", issueStrings(res.Warnings))
	}
}

// A unit kept out of the ranking on purpose has the 赛道 不参与排名 and
// a reason, and gets no warning about its track.
func TestUnitUnranked(t *testing.T) {
	text := "单位,单位类别,赛道,不参与排名原因\n" +
		"宁波前湾新区,其他,不参与排名,新设功能区，2027年起参评\n" +
		"宁波杭州湾新区,其他, 不参与 ,托管于慈溪市\n"
	res := parseText(t, "u.csv", text, Options{Tracks: rosterTracks})
	requireNoErrors(t, res)
	if len(res.Warnings) > 0 {
		t.Errorf("warnings = %v, want none", issueStrings(res.Warnings))
	}
	want := []saima.Unit{
		{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: "新设功能区，2027年起参评"},
		{Name: "宁波杭州湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: "托管于慈溪市"},
	}
	if got := fmt.Sprintf("%+v", res.Batch.Units); got != fmt.Sprintf("%+v", want) {
		t.Errorf("units =\n%s\nwant\n%s", got, fmt.Sprintf("%+v", want))
	}

	tests := []issueCase{
		{name: "no reason",
			text: "单位,单位类别,赛道,不参与排名原因\n宁波前湾新区,其他,不参与排名,\n",
			errors: []string{"f.csv 第2行“不参与排名原因”列未填写，赛道为“不参与排名”的单位须写明原因，排行榜上会显示该原因，" +
				"请写明该单位为何不参加排名，如“新设功能区，2027年起参评”"}},
		{name: "no reason column",
			text: "单位,单位类别,赛道\n宁波前湾新区,其他,不参与\n",
			errors: []string{"f.csv 第2行“不参与排名原因”列未填写，赛道为“不参与排名”的单位须写明原因，排行榜上会显示该原因，" +
				"请写明该单位为何不参加排名，如“新设功能区，2027年起参评”"}},
		{name: "reason of a ranked unit",
			text: "单位,单位类别,赛道,不参与排名原因\n宁波市江北区,区县（市）,,暂停参评\n",
			errors: []string{"f.csv 第2行“不参与排名原因”列的值“暂停参评”只适用于赛道为“不参与排名”的单位，该单位的赛道是“区县（市）”，" +
				"如果该单位不参加排名，请把赛道改为“不参与排名”；否则请清空本列"}},
		{name: "misspelt marker",
			text: "单位,单位类别,赛道,不参与排名原因\n宁波前湾新区,其他,不参于排名,\n",
			warnings: []string{"f.csv 第2行“赛道”列的值“不参于排名”不是规则集“2026年度数字化改革赛马”中的赛道（区县（市）、市直部门、市本级），" +
				"该单位无法参加排名，评分和发布都会因此失败，请在赛道一列填写上述赛道之一后重新上传；如果要新增赛道，请先在规则集的 tracks 中加上它；" +
				"有意不让该单位参加排名的，请把赛道填为“不参与排名”，并在“不参与排名原因”列写明原因"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, Options{Dataset: saima.DatasetUnits, Tracks: rosterTracks})
		})
	}
}

func TestProjects(t *testing.T) {
	text := "项目编号,项目名称,责任单位,牵头单位,所属系统,项目层级,项目类型,批次,所属清单,是否领导领衔,领衔领导,预算（万元）,开始日期,计划完成日期\n" +
		"ＮＢ－１, 城市大脑 ,大数据局,省大数据局,数字政府,全市性,迭代升级,启动实施,重大需求、场景应用,是,张市长,\"1,200.50\",2026-01-05,2026年12月31日\n" +
		"NB-2,停车,江北区,市大数据局,,,,,,,,,,\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	wantWarnings := []string{"p.csv 第2行“牵头单位”列的值“省大数据局”不在单位名单中，已按原样保存，如果是名单中的单位，请改用名单中的名称"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings = %q, want %q", got, wantWarnings)
	}
	if len(res.Batch.Projects) != 2 {
		t.Fatalf("projects = %d, want 2", len(res.Batch.Projects))
	}
	p := res.Batch.Projects[0]
	checks := []struct{ name, got, want string }{
		{"Code", p.Code, "NB-1"},
		{"Name", p.Name, "城市大脑"},
		{"Unit", p.Unit, "市大数据局"},
		{"LeadUnit", p.LeadUnit, "省大数据局"},
		{"System", p.System, "数字政府"},
		{"Scope", p.Scope, "全市性"},
		{"Type", p.Type, "迭代升级"},
		{"Batch", p.Batch, "启动实施"},
		{"Lists", strings.Join(p.Lists, "|"), "重大需求|场景应用"},
		{"LeaderLed", fmt.Sprint(p.LeaderLed), "true"},
		{"Leader", p.Leader, "张市长"},
		{"Budget", p.Budget.Decimal.String(), "1200.5"},
		{"StartDate", dateString(p.StartDate), "2026-01-05"},
		{"DueDate", dateString(p.DueDate), "2026-12-31"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("project %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	q := res.Batch.Projects[1]
	if q.Unit != "宁波市江北区" || q.LeadUnit != "市大数据局" || q.Budget.Valid || q.LeaderLed || q.StartDate != nil {
		t.Errorf("second project = %+v, want roster names and empty optional fields", q)
	}
}

func TestProjectIssues(t *testing.T) {
	const header = "项目编号,项目名称,责任单位,所属系统,是否领导领衔,预算（万元）,开始日期,计划完成日期\n"
	tests := []issueCase{
		{name: "unknown system",
			text:   header + "NB-1,x,余姚市,数字文化,,,,\n",
			errors: []string{"f.csv 第2行“所属系统”列的值“数字文化”不是可选的值，请填写以下之一：整体智治、数字政府、数字经济、数字社会、数字法治、公共数据平台"}},
		{name: "negative budget",
			text:   header + "NB-1,x,余姚市,,,-5,,\n",
			errors: []string{"f.csv 第2行“预算（万元）”列的值“-5”不能为负数，请填写以万元为单位的预算金额"}},
		{name: "due before start",
			text:   header + "NB-1,x,余姚市,,,,2026-06-01,2026-05-31\n",
			errors: []string{"f.csv 第2行“计划完成日期”列的值“2026-05-31”早于开始日期2026-06-01，请检查开始日期和计划完成日期"}},
		{name: "not yes or no",
			text:   header + "NB-1,x,余姚市,,待定,,,\n",
			errors: []string{"f.csv 第2行“是否领导领衔”列的值“待定”不是“是”或“否”，请填写“是”或“否”"}},
		{name: "unknown unit",
			text:   header + "NB-1,x,宁波市海署区,,,,,\n",
			errors: []string{"f.csv 第2行“责任单位”列的值“宁波市海署区”不在单位名单中（最接近的是“宁波市海曙区”），请改为单位名单中的单位名称后重新上传"}},
		{name: "missing name",
			text:   header + "NB-1,,余姚市,,,,,\n",
			errors: []string{"f.csv 第2行“项目名称”列为空，此列必须填写，请填写项目名称后重新上传"}},
		{name: "same code twice",
			text:     header + "NB-1,x,余姚市,,,,,\nＮＢ－１,y,余姚市,,,,,\n",
			warnings: []string{"f.csv 第3行与第2行的项目编号相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{}) })
	}
}

func TestStages(t *testing.T) {
	text := "项目编号,阶段,日期,决策主体,意见,文件,轮次,变更事项,变更原因,问责情况\n" +
		"NB-1,决策,2026/9/1,改革委,同意实施,甬改委〔2026〕2号,,,,\n" +
		"NB-1,实施,2026-09-15,,,,,,,\n" +
		"NB-1,变更,2026-10-08,改革办,,,1,建设周期,省级接口延期,\n" +
		"NB-1,论证,2026-10-12,改革办,,,2,,,\n"
	res := parseText(t, "s.csv", text, Options{})
	requireNoErrors(t, res)
	want := []saima.StageEvent{
		{ProjectCode: "NB-1", Stage: "决策", Date: saima.NewDate(2026, time.September, 1), DecidedBy: "改革委",
			Opinion: "同意实施", Documents: "甬改委〔2026〕2号", Row: 2},
		{ProjectCode: "NB-1", Stage: "实施", Date: saima.NewDate(2026, time.September, 15), Row: 3},
		{ProjectCode: "NB-1", Stage: "变更", Date: saima.NewDate(2026, time.October, 8), DecidedBy: "改革办",
			Round: 1, ChangeItem: "建设周期", ChangeReason: "省级接口延期", Row: 4},
		{ProjectCode: "NB-1", Stage: "论证", Date: saima.NewDate(2026, time.October, 12), DecidedBy: "改革办",
			Round: 2, Row: 5},
	}
	if !slices.Equal(res.Batch.Stages, want) {
		t.Errorf("stages = %+v, want %+v", res.Batch.Stages, want)
	}
}

func TestStageIssues(t *testing.T) {
	const header = "项目编号,阶段,日期\n"
	tests := []issueCase{
		{name: "unknown stage",
			text:   header + "NB-1,立项,2026-09-01\n",
			errors: []string{"f.csv 第2行“阶段”列的值“立项”不是可选的值，请填写以下之一：预报、初审、审核、论证、决策、实施、评估、退出、完成、变更"}},
		{name: "future date",
			text:   header + "NB-1,决策,2026-10-16\n",
			errors: []string{"f.csv 第2行“日期”列的值“2026-10-16”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写该阶段实际发生的日期；尚未发生的阶段请在发生后再上传"}},
		{name: "upload day itself",
			text: header + "NB-1,决策,2026-10-15\n"},
		{name: "same stage twice",
			text:     header + "NB-1,决策,2026-09-01\nNB-1,决策,2026-09-02\n",
			warnings: []string{"f.csv 第3行与第2行的项目编号和阶段相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{Dataset: saima.DatasetStages}) })
	}
}

func TestMilestoneIssues(t *testing.T) {
	const header = "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n"
	tests := []issueCase{
		{name: "done without date",
			text:     header + "NB-1,上线,2026-09-30,,已完成,\n",
			warnings: []string{"f.csv 第2行“状态”列的值“已完成”与实际完成日期不符，实际完成日期为空，请补填实际完成日期；如果尚未完成，请把状态改为“进行中”"}},
		{name: "date without done",
			text:     header + "NB-1,上线,2026-09-30,2026-09-20,进行中,\n",
			warnings: []string{"f.csv 第2行“状态”列的值“进行中”与实际完成日期不符，实际完成日期已填写为2026-09-20，如果已经完成，请把状态改为“已完成”；否则请清空实际完成日期"}},
		{name: "planned in the future is fine",
			text: header + "NB-1,上线,2027-06-30,,未开始,余姚\n"},
		{name: "unknown status",
			text:   header + "NB-1,上线,2026-09-30,,完成了,\n",
			errors: []string{"f.csv 第2行“状态”列的值“完成了”不是可选的值，请填写以下之一：未开始、进行中、已完成"}},
		{name: "unknown unit",
			text:   header + "NB-1,上线,2026-09-30,,,余杭区\n",
			errors: []string{"f.csv 第2行“责任单位”列的值“余杭区”不在单位名单中，请改为单位名单中的单位名称后重新上传"}},
		{name: "missing planned date",
			text:   header + "NB-1,上线,,,,\n",
			errors: []string{"f.csv 第2行“计划完成日期”列为空，此列必须填写，请填写计划完成日期后重新上传"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.run(t, Options{})
			if tt.name == "planned in the future is fine" && res.Batch.Milestones[0].Unit != "余姚市" {
				t.Errorf("责任单位 = %q, want the roster name 余姚市", res.Batch.Milestones[0].Unit)
			}
		})
	}
}

func TestEmptyRoster(t *testing.T) {
	res := parseText(t, "f.csv", "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n", Options{Roster: []saima.Unit{}})
	want := []string{"f.csv 第2行“单位”列的值“余姚市”无法核对，因为系统中还没有单位名单，请先由改革办上传单位名单，再上传本文件"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// TestProjectSystemOfficialNames checks that the systems' official names,
// as the province's documents and many units' ledgers spell them, read as
// the short names of saima.Systems.
func TestProjectSystemOfficialNames(t *testing.T) {
	want := map[string]string{
		"党建统领整体智治系统":   "整体智治",
		"整体智治系统":       "整体智治",
		"数字政府系统":       "数字政府",
		"数字经济系统":       "数字经济",
		"数字社会系统":       "数字社会",
		"数字法治系统":       "数字法治",
		"一体化智能化公共数据平台": "公共数据平台",
		"公共数据平台":       "公共数据平台",
	}
	text := "项目编号,项目名称,责任单位,所属系统\n"
	var names []string
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for i, name := range names {
		text += fmt.Sprintf("NB-%d,x,余姚市,%s\n", i+1, name)
	}
	res := parseText(t, "f.csv", text, Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Projects {
		if p.System != want[names[i]] {
			t.Errorf("所属系统 %q read as %q, want %q", names[i], p.System, want[names[i]])
		}
	}
}

// A filler such as 无 or 不涉及, or the word 否, 0 or 〇, in 牵头单位 or
// 协同单位 means that the project has no such unit, so it reads as blank,
// never as a unit name kept off the roster.
func TestProjectUnitFillers(t *testing.T) {
	text := "项目编号,项目名称,责任单位,牵头单位,协同单位\n" +
		"NB-1,甲,余姚市,无,暂无\n" +
		"NB-2,乙,余姚市,不涉及,N/A\n" +
		"NB-3,丙,余姚市,（无）,无。\n" +
		"NB-4,丁,余姚市,【无】,宁海县、无\n" +
		"NB-5,戊,余姚市,否,否\n" +
		"NB-6,己,余姚市,0,0\n" +
		"NB-7,庚,余姚市,〇,〇\n" +
		"NB-8,辛,余姚市,无,无\n" +
		"NB-9,壬,余姚市,０,宁海县、否\n" +
		"NB-10,癸,余姚市,（否）,0。\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
	}
	if len(res.Batch.Projects) != 10 {
		t.Fatalf("projects = %d, want 10", len(res.Batch.Projects))
	}
	for i, want := range [][]string{nil, nil, nil, {"宁海县"}, nil, nil, nil, nil, {"宁海县"}, nil} {
		p := res.Batch.Projects[i]
		if p.LeadUnit != "" {
			t.Errorf("project %d 牵头单位 = %q, want blank", i+1, p.LeadUnit)
		}
		if !slices.Equal(p.Partners, want) {
			t.Errorf("project %d 协同单位 = %q, want %q", i+1, p.Partners, want)
		}
	}
}

// Units in 协同单位 separated only by spaces or a slash are split when
// every part is a roster unit or alias. A name that is not, with or
// without a space, stays whole with the off-roster warning.
func TestProjectPartnerSeparators(t *testing.T) {
	text := "项目编号,项目名称,责任单位,协同单位\n" +
		"NB-1,甲,余姚市,宁海县 宁波市鄞州区\n" +
		"NB-2,乙,余姚市,宁海县　大数据局\n" +
		"NB-3,丙,余姚市,宁海县/鄞州区\n" +
		"NB-4,丁,余姚市,宁海县／大数据局、市财政局\n" +
		"NB-5,戊,余姚市,宁 海 县\n" +
		"NB-6,己,余姚市,宁海县 省公安厅\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	wantWarnings := []string{
		"p.csv 第7行“协同单位”列的值“宁海县 省公安厅”不在单位名单中，已按原样保存；" +
			"名单外的单位没有账号，不能上传里程碑，如果是名单中的单位，请改用名单中的名称或别名",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings = %q, want %q", got, wantWarnings)
	}
	want := [][]string{
		{"宁海县", "宁波市鄞州区"},
		{"宁海县", "市大数据局"},
		{"宁海县", "宁波市鄞州区"},
		{"宁海县", "市大数据局", "市财政局"},
		{"宁海县"},
		{"宁海县 省公安厅"},
	}
	if len(res.Batch.Projects) != len(want) {
		t.Fatalf("projects = %d, want %d", len(res.Batch.Projects), len(want))
	}
	for i, w := range want {
		if got := res.Batch.Projects[i].Partners; !slices.Equal(got, w) {
			t.Errorf("project %d 协同单位 = %q, want %q", i+1, got, w)
		}
	}
}

// A list of 协同单位 that ends in 等 (“and others”), as in “江北区、鄞州区等”,
// names its last unit with 等 attached. The unit is read without it.
func TestProjectPartnersEndInEtc(t *testing.T) {
	text := "项目编号,项目名称,责任单位,协同单位\n" +
		"NB-1,甲,余姚市,宁海县、鄞州区等\n" +
		"NB-2,乙,余姚市,大数据局等单位\n" +
		"NB-3,丙,余姚市,宁海县等部门\n" +
		"NB-4,丁,余姚市,省公安厅等\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	wantWarnings := []string{
		"p.csv 第5行“协同单位”列的值“省公安厅等”不在单位名单中，已按原样保存；" +
			"名单外的单位没有账号，不能上传里程碑，如果是名单中的单位，请改用名单中的名称或别名",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings = %q, want %q", got, wantWarnings)
	}
	want := [][]string{{"宁海县", "宁波市鄞州区"}, {"市大数据局"}, {"宁海县"}, {"省公安厅等"}}
	if len(res.Batch.Projects) != len(want) {
		t.Fatalf("projects = %d, want %d", len(res.Batch.Projects), len(want))
	}
	for i, w := range want {
		if got := res.Batch.Projects[i].Partners; !slices.Equal(got, w) {
			t.Errorf("project %d 协同单位 = %q, want %q", i+1, got, w)
		}
	}
}

// TestProjectPartners reads 协同单位 under its synonym 配合单位: aliases
// resolve through the roster, a unit named twice or as the project's own
// unit is dropped, a line break separates units, and a name off the roster
// is kept with a warning.
func TestProjectPartners(t *testing.T) {
	text := "项目编号,项目名称,责任单位,牵头单位,配合单位\n" +
		"NB-1,城市大脑,余姚市,市大数据局,\"大数据局、宁海县、宁海县\n余姚市；鄞州区\"\n" +
		"NB-2,停车,余姚市,,省公安厅\n" +
		"NB-3,浙里办,余姚市,,/\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	wantWarnings := []string{
		"p.csv 第3行“配合单位”列的值“省公安厅”不在单位名单中，已按原样保存；" +
			"名单外的单位没有账号，不能上传里程碑，如果是名单中的单位，请改用名单中的名称或别名",
		"p.csv 第4行“配合单位”列的值“/”表示未填写，按空白处理，如果已有协同单位，请填写；没有请留空",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings = %q, want %q", got, wantWarnings)
	}
	if len(res.Batch.Projects) != 3 {
		t.Fatalf("projects = %d, want 3", len(res.Batch.Projects))
	}
	for i, want := range [][]string{{"宁海县", "宁波市鄞州区"}, {"省公安厅"}, nil} {
		if got := res.Batch.Projects[i].Partners; !slices.Equal(got, want) {
			t.Errorf("project %d partners = %q, want %q", i+1, got, want)
		}
	}
}

// Clerks join two partners with a conjunction (及, 和, 与, 以及) or a sign
// (∕, \, |, +, &) as well as with spaces and slashes, add a role note in
// brackets or after a colon, and end a list with 等 and a count or a kind
// (等2个县, 等相关单位). Each of these reads as the roster units it names,
// as long as every part is a roster unit or alias. A unit whose own name
// holds 和 or brackets stays whole, and a part off the roster leaves the
// item whole with the off-roster warning.
func TestProjectPartnerJoinsAndNotes(t *testing.T) {
	roster := append(slices.Clone(testRoster),
		saima.Unit{Name: "市发展和改革委员会", Kind: saima.KindDepartment, Track: saima.KindDepartment, Aliases: []string{"市发改委"}})
	text := "项目编号,项目名称,责任单位,牵头单位,协同单位\n" +
		"NB-1,甲,余姚市,,宁海县及鄞州区\n" +
		"NB-2,乙,余姚市,,宁海县和大数据局\n" +
		"NB-3,丙,余姚市,,宁海县与市财政局、宁波市江北区以及鄞州区\n" +
		"NB-4,丁,余姚市,,宁海县∕鄞州区\n" +
		"NB-5,戊,余姚市,,宁海县\\鄞州区|市财政局\n" +
		"NB-6,己,余姚市,,宁海县＋鄞州区&市财政局\n" +
		"NB-7,庚,余姚市,,市大数据局（技术支撑）\n" +
		"NB-8,辛,余姚市,,宁海县(配合)、鄞州区【配合实施】\n" +
		"NB-9,壬,余姚市,,宁海县：配合实施\n" +
		"NB-10,癸,余姚市,,宁海县、鄞州区等2个县\n" +
		"NB-11,子,余姚市,,市财政局、大数据局等相关单位\n" +
		"NB-12,丑,余姚市,,宁海县、鄞州区等有关部门\n" +
		"NB-13,寅,余姚市,市大数据局（牵头）,宁波市（本级）\n" +
		"NB-14,卯,余姚市,,市发展和改革委员会\n" +
		"NB-15,辰,余姚市,,市发展和改革委员会及宁海县\n" +
		"NB-16,巳,余姚市,,宁海县和省公安厅\n" +
		"NB-17,午,余姚市,,省公安厅（配合）\n"
	res := parseText(t, "p.csv", text, Options{Roster: roster})
	requireNoErrors(t, res)
	const offRoster = "不在单位名单中，已按原样保存；名单外的单位没有账号，不能上传里程碑，如果是名单中的单位，请改用名单中的名称或别名"
	note := func(row int, col, value, unit, note string) string {
		return fmt.Sprintf("p.csv 第%d行“%s”列的值“%s”按单位名单读作“%s”，说明“%s”没有保存，"+
			"如果指的不是名单中的这个单位，请改正后重新上传；说明如需保留，请写在其他列", row, col, value, unit, note)
	}
	wantWarnings := []string{
		note(8, "协同单位", "市大数据局（技术支撑）", "市大数据局", "技术支撑"),
		note(9, "协同单位", "宁海县(配合)", "宁海县", "配合"),
		note(9, "协同单位", "鄞州区【配合实施】", "宁波市鄞州区", "配合实施"),
		note(10, "协同单位", "宁海县：配合实施", "宁海县", "配合实施"),
		note(14, "牵头单位", "市大数据局（牵头）", "市大数据局", "牵头"),
		"p.csv 第17行“协同单位”列的值“宁海县和省公安厅”" + offRoster,
		"p.csv 第18行“协同单位”列的值“省公安厅（配合）”" + offRoster,
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWarnings, "\n"))
	}
	want := []struct {
		lead     string
		partners []string
	}{
		{"", []string{"宁海县", "宁波市鄞州区"}},
		{"", []string{"宁海县", "市大数据局"}},
		{"", []string{"宁海县", "市财政局", "宁波市江北区", "宁波市鄞州区"}},
		{"", []string{"宁海县", "宁波市鄞州区"}},
		{"", []string{"宁海县", "宁波市鄞州区", "市财政局"}},
		{"", []string{"宁海县", "宁波市鄞州区", "市财政局"}},
		{"", []string{"市大数据局"}},
		{"", []string{"宁海县", "宁波市鄞州区"}},
		{"", []string{"宁海县"}},
		{"", []string{"宁海县", "宁波市鄞州区"}},
		{"", []string{"市财政局", "市大数据局"}},
		{"", []string{"宁海县", "宁波市鄞州区"}},
		{"市大数据局", []string{"宁波市（本级）"}},
		{"", []string{"市发展和改革委员会"}},
		{"", []string{"市发展和改革委员会", "宁海县"}},
		{"", []string{"宁海县和省公安厅"}},
		{"", []string{"省公安厅（配合）"}},
	}
	if len(res.Batch.Projects) != len(want) {
		t.Fatalf("projects = %d, want %d", len(res.Batch.Projects), len(want))
	}
	for i, w := range want {
		p := res.Batch.Projects[i]
		if p.LeadUnit != w.lead || !slices.Equal(p.Partners, w.partners) {
			t.Errorf("project %d 牵头单位, 协同单位 = %q, %q, want %q, %q", i+1, p.LeadUnit, p.Partners, w.lead, w.partners)
		}
	}
}

// A phrase that says a project has no such unit, such as 无协同单位,
// 暂无相关单位 or 无需配合, reads as blank in 牵头单位 and 协同单位, as
// the bare fillers do. A unit not yet decided (待定, 未明确) is no unit
// either: it reads as blank, with a warning to fill the unit in once it
// is known. Neither is kept as a unit off the roster.
func TestProjectUnitFillerPhrases(t *testing.T) {
	text := "项目编号,项目名称,责任单位,牵头单位,协同单位\n" +
		"NB-1,甲,余姚市,无牵头单位,无协同单位\n" +
		"NB-2,乙,余姚市,暂无,暂无相关单位\n" +
		"NB-3,丙,余姚市,,没有配合部门、宁海县\n" +
		"NB-4,丁,余姚市,,无需协同\n" +
		"NB-5,戊,余姚市,,不需要配合。\n" +
		"NB-6,己,余姚市,待定,未明确\n" +
		"NB-7,庚,余姚市,,宁海县、待确定\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	undecided := func(row int, col, value string) string {
		return fmt.Sprintf("p.csv 第%d行“%s”列的值“%s”表示尚未确定，按空白处理，确定后请补填%s", row, col, value, col)
	}
	wantWarnings := []string{
		undecided(7, "牵头单位", "待定"),
		undecided(7, "协同单位", "未明确"),
		undecided(8, "协同单位", "待确定"),
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWarnings, "\n"))
	}
	want := [][]string{nil, nil, {"宁海县"}, nil, nil, nil, {"宁海县"}}
	if len(res.Batch.Projects) != len(want) {
		t.Fatalf("projects = %d, want %d", len(res.Batch.Projects), len(want))
	}
	for i, w := range want {
		p := res.Batch.Projects[i]
		if p.LeadUnit != "" {
			t.Errorf("project %d 牵头单位 = %q, want blank", i+1, p.LeadUnit)
		}
		if !slices.Equal(p.Partners, w) {
			t.Errorf("project %d 协同单位 = %q, want %q", i+1, p.Partners, w)
		}
	}
}
