package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"saima"
	"saima/clickhouse"
	"saima/ingest"
)

// uploadsCommand lists the upload audit log.
func uploadsCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var id, unit, outcome, from, to string
	var limit int
	ef.fs.StringVar(&id, "id", "", "只显示这个编号的上传，以及它未通过校验时的错误清单")
	ef.fs.StringVar(&unit, "unit", "", "只列出这个单位的账号的上传，写单位名单里的名称或别名（默认：所有单位和改革办）")
	ef.fs.StringVar(&outcome, "outcome", "", "只列出这个结果的上传，写代号或中文名：ok（成功）、"+
		"rejected（校验未通过：文件有错误、含其他单位的行，或无法读取）、"+
		"failed（写入失败：写入数据库失败，请重新上传该文件）、"+
		"interrupted（中断：进程在记下结果前停止）或 started（进行中）")
	ef.fs.StringVar(&from, "from", "", "只列出这一天（北京时间）及以后开始的上传，如 2026-10-01")
	ef.fs.StringVar(&to, "to", "", "只列出这一天（北京时间）及以前开始的上传，如 2026-10-31")
	ef.fs.IntVar(&limit, "limit", 200, "最多列出的上传条数")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima uploads [选项]\n"+
			"\n"+
			"列出上传日志，最新的在前：谁在何时上传了哪个文件，文件内容的哈希，读入、\n"+
			"导入和替换的行数，警告和结果。它先把停止的 saima 进程留下的未完成上传记\n"+
			"为中断。加 --id 时只显示一次上传及其未通过校验的错误，与当时的结果一致。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			return usagef("saima uploads 不接受参数，多出了 %q；用 --unit、--outcome、--from、--to 或 --id 筛选", args)
		}
		f, err := uploadFilter(unit, outcome, from, to, limit)
		if err != nil {
			return err
		}
		if id != "" && (unit != "" || outcome != "" || from != "" || to != "") {
			return usagef("--id 只显示一次上传，不能与 --unit、--outcome、--from 或 --to 同时使用")
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		if f.Unit != "" {
			units, err := st.ListUnits(ctx)
			if err != nil {
				return fmt.Errorf("list units: %w", err)
			}
			u, ok := saima.FindUnit(units, f.Unit)
			if !ok {
				// Without this check the filter matches nothing, which
				// reads as a unit that has not uploaded. The web page
				// rejects such a name too.
				return saima.Errorf(saima.KindNotFound, "单位名单中没有“%s”：请使用名单中的单位名称或别名，或去掉 --unit 列出所有单位的上传", f.Unit)
			}
			f.Unit = u.Name
		}
		a.recoverUploads(ctx, st)
		if id != "" {
			return showUpload(ctx, a.stdout, st, id)
		}
		ups, err := st.ListUploads(ctx, f)
		if err != nil {
			return err
		}
		printUploads(a.stdout, ups)
		return nil
	}
}

func uploadFilter(unit, outcome, from, to string, limit int) (saima.UploadFilter, error) {
	f := saima.UploadFilter{Unit: unit, Limit: limit}
	var err error
	if outcome != "" {
		if f.Outcome, err = saima.ParseOutcome(outcome); err != nil {
			return f, usagef("--outcome：%s", saima.ErrorMessage(err))
		}
	}
	for _, d := range []struct {
		flag, text string
		to         *saima.Date
	}{{"--from", from, &f.From}, {"--to", to, &f.To}} {
		if d.text == "" {
			continue
		}
		if *d.to, err = saima.ParseDate(d.text); err != nil {
			return f, usagef("%s 的值“%s”不是日期，请写成 YYYY-MM-DD，如 2026-10-01", d.flag, d.text)
		}
	}
	if limit <= 0 {
		return f, usagef("--limit 的值 %d 无效，至少为 1", limit)
	}
	return f, nil
}

// recoverUploads records the uploads that a stopped process left
// unfinished. A failure only leaves them for the next run.
func (a *app) recoverUploads(ctx context.Context, st *clickhouse.Store) {
	if _, err := st.RecoverUploads(ctx); err != nil {
		a.log.Warn("recover uploads", "err", err)
	}
}

func printUploads(w io.Writer, ups []saima.Upload) {
	if len(ups) == 0 {
		fmt.Fprintln(w, "没有符合条件的上传记录")
		return
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "上传时间\t上传编号\t账号\t单位\t数据类型\t文件名\tSHA-256\t读取行数\t导入\t替换\t警告\t结果\t说明")
	for _, u := range ups {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n",
			u.At.In(saima.Beijing).Format("2006-01-02 15:04:05"), u.ID, u.Uploader, orDash(u.Unit),
			orDash(datasetLabel(u.Dataset)), u.FileName, orDash(shortHash(u.SHA256)), u.Rows, u.Imported, u.Replaced,
			u.Warnings, saima.OutcomeLabel(u.Outcome), u.Message)
	}
	tw.Flush()
}

// showUpload prints the upload id with its error and warning lists.
func showUpload(ctx context.Context, w io.Writer, st *clickhouse.Store, id string) error {
	u, found, err := st.FindUpload(ctx, id)
	if err != nil {
		return err
	}
	if !found {
		return saima.Errorf(saima.KindNotFound, "没有编号为 %s 的上传记录；用 saima uploads 查看全部上传及其编号", id)
	}
	tw := newTable(w)
	for _, f := range [][2]string{
		{"上传编号", u.ID},
		{"上传时间", u.At.In(saima.Beijing).Format("2006-01-02 15:04:05")},
		{"账号", u.Uploader},
		{"单位", orDash(u.Unit)},
		{"数据类型", orDash(datasetLabel(u.Dataset))},
		{"文件名", u.FileName},
		{"SHA-256", orDash(u.SHA256)},
		{"读取行数", strconv.Itoa(u.Rows)},
		{"导入", strconv.Itoa(u.Imported)},
		{"警告", strconv.Itoa(u.Warnings)},
		{"结果", saima.OutcomeLabel(u.Outcome)},
		{"说明", u.Message},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", f[0], f[1])
	}
	tw.Flush()

	printIssueList(w, u.FileName, "错误", u.Errors, u.ErrorList, "；改正以上错误后用 saima import --dry-run 查看其余错误")
	printIssueList(w, u.FileName, "警告", u.Warnings, u.WarningList, "")
	return nil
}

// printIssueList prints an upload's stored list of errors or warnings,
// numbered, and the count of those not listed followed by hint. label is
// 错误 or 警告. When the record kept only the count, it prints a note.
func printIssueList(w io.Writer, fileName, label string, total int, list []saima.UploadError, hint string) {
	switch {
	case len(list) > 0:
		fmt.Fprintf(w, "\n%s清单（共 %d 处）\n", label, total)
		for i, e := range list {
			fmt.Fprintf(w, "%d. %s\n", i+1, ingest.RecordedIssue(fileName, e))
		}
		if n := total - len(list); n > 0 {
			fmt.Fprintf(w, "另有 %d 处%s未列出（每次上传最多列出 %d 处）%s\n", n, label, ingest.DefaultMaxErrors, hint)
		}
	case total > 0:
		fmt.Fprintf(w, "\n该次上传有 %d 处%s，但记录中没有保存%s清单（saima 更新前的上传只保存了%s数）；"+
			"请用 saima import --dry-run 重新检查该文件\n", total, label, label, label)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
