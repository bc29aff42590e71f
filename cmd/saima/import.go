package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"saima"
	"saima/ingest"
)

func importCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var req ingest.Request
	var dryRun bool
	var received string
	ef.fs.StringVar(&req.Dataset, "dataset", "",
		"所有文件的数据类别：units、projects、stages、milestones、progress、assessments、problems、"+
			"lists、list_done、problem_steps 或 leader_reports（默认：按表头识别）")
	ef.fs.StringVar(&req.Sheet, "sheet", "", "要读的 XLSX 工作表（默认：第一个可见的工作表）")
	ef.fs.StringVar(&req.Encoding, "encoding", "", "文本编码：utf-8、gb18030（或 gbk）、utf-16le 或 utf-16be（默认：自动识别）")
	ef.fs.StringVar(&req.Uploader, "uploader", "cli", "记为上传人的账号")
	ef.fs.StringVar(&req.Unit, "unit", "", "以这个单位的名义上传：每一行都必须属于它（默认：以改革办名义，可含任何单位）")
	ef.fs.BoolVar(&dryRun, "dry-run", false, "只校验并报告结果，不写入任何数据")
	ef.fs.StringVar(&received, "received", "",
		"导入往年历史记录时，当时实际收到这些记录的日期，写 YYYY-MM-DD，或写 报送日期 表示按每行的报送日期；"+
			"领衔事项半年报告按收到日期和报送日期中较晚的一天判定是否逾期（默认：导入当天）")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima import [选项] FILE...\n"+
			"\n"+
			"把每个文件作为一次上传导入：任何一行无效时整个文件都不导入，否则全部导入。\n"+
			"请先导入单位名单。会显示每个错误和警告。")
	}
	return func(ctx context.Context, files []string) error {
		if len(files) == 0 {
			ef.fs.Usage()
			return usagef("请写出至少一个要导入的文件")
		}
		switch received {
		case "":
		case "报送日期":
			req.ReceivedAsStated = true
		default:
			day, err := saima.ParseDate(received)
			if err != nil {
				return usagef("--received 的值“%s”不是日期：请写 YYYY-MM-DD，如 --received 2025-07-10，或写 --received 报送日期", received)
			}
			req.Received = &day
		}
		if err := checkAssets(a.engineAssets()...); err != nil {
			return err
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		if !dryRun {
			a.recoverUploads(ctx, st)
		}
		svc := a.importer(st)
		var failed []error
		for _, path := range files {
			if err := a.importFile(ctx, svc, req, path, dryRun); err != nil {
				failed = append(failed, err)
			}
		}
		if len(failed) > 0 {
			return saima.Errorf(saima.KindInvalid, "%d 个文件未导入", len(failed))
		}
		return nil
	}
}

func (a *app) importFile(ctx context.Context, svc *ingest.Service, req ingest.Request, path string, dryRun bool) error {
	f, err := openImportFile(path)
	if err != nil {
		a.report(err)
		return err
	}
	defer f.Close()
	req.FileName, req.Body = filepath.Base(path), f

	var rep *ingest.Report
	if dryRun {
		rep, err = svc.Preview(ctx, req)
	} else {
		rep, err = svc.Import(ctx, req)
	}
	if rep != nil {
		printReport(a, path, rep, dryRun, err)
	}
	if err != nil && (rep == nil || len(rep.Errors) == 0) {
		a.report(err)
	}
	return err
}

// openImportFile opens path for import. A missing or unreadable file, or
// a folder, gets a message that names it and what to do. A folder would
// otherwise open and fail only when read, as an internal error.
func openImportFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, saima.Errorf(saima.KindNotFound, "无法导入 %s：文件不存在，请检查路径和文件名", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, saima.Errorf(saima.KindInvalid, "无法导入 %s：没有读取这个文件的权限，请检查文件权限", path)
	case err != nil:
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法导入 %s：文件打不开", path), err)
	}

	info, err := f.Stat()
	if err == nil && info.IsDir() {
		f.Close()
		return nil, saima.Errorf(saima.KindInvalid,
			"无法导入 %s：这是一个目录，不是文件。请逐个写出要导入的文件，如 %s", path,
			filepath.Join(path, "*.csv"))
	}
	return f, nil
}

// printReport prints the issues of rep and a line on its outcome. err is
// the import's error: a file without errors may still fail to be written.
func printReport(a *app, path string, rep *ingest.Report, dryRun bool, err error) {
	for _, is := range rep.Errors {
		fmt.Fprintf(a.stderr, "错误 %s\n", is)
	}
	if rep.ErrorsOmitted > 0 {
		fmt.Fprintf(a.stderr, "另有 %d 个错误未列出\n", rep.ErrorsOmitted)
	}
	for _, is := range rep.Warnings {
		fmt.Fprintf(a.stderr, "提示 %s\n", is)
	}
	switch {
	case len(rep.Errors) > 0:
		fmt.Fprintf(a.stdout, "%s：有 %d 个错误，整个文件未导入\n", path, len(rep.Errors)+rep.ErrorsOmitted)
	case err != nil:
		fmt.Fprintf(a.stdout, "%s：导入失败，整个文件未导入\n", path)
	case dryRun:
		fmt.Fprintf(a.stdout, "%s：预检通过，可导入 %d 条“%s”记录（未写入）\n", path, rep.Imported, datasetLabel(rep.Dataset))
	default:
		replaced := ""
		if rep.Replaced > 0 {
			replaced = fmt.Sprintf("（其中 %d 条替换了已有记录）", rep.Replaced)
		}
		fmt.Fprintf(a.stdout, "%s：已导入 %d 条“%s”记录%s，%d 个提示\n", path, rep.Imported, datasetLabel(rep.Dataset),
			replaced, len(rep.Warnings))
	}
	if text := rep.DuplicateText(); text != "" && len(rep.Errors) == 0 && err == nil {
		fmt.Fprintf(a.stdout, "%s：%s\n", path, text)
	}
}

// datasetLabel returns the Chinese name of a dataset for messages.
func datasetLabel(dataset string) string {
	labels := map[string]string{
		saima.DatasetUnits:       "单位名单",
		saima.DatasetProjects:    "项目台账",
		saima.DatasetStages:      "项目阶段",
		saima.DatasetMilestones:  "里程碑",
		saima.DatasetProgress:    "进度填报",
		saima.DatasetAssessments: "考评打分",
		saima.DatasetProblems:    "问题清单",

		saima.DatasetLists:         "清单事项",
		saima.DatasetListDone:      "清单完成标注",
		saima.DatasetProblemSteps:  "问题闭环环节",
		saima.DatasetLeaderReports: "领衔事项半年报告",
	}
	if l, ok := labels[dataset]; ok {
		return l
	}
	return dataset
}
