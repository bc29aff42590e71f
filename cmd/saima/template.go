package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

func templateCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var out string
	ef.fs.StringVar(&out, "o", "", "output XLSX file (default DATASET-template.xlsx)")
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima template [options] DATASET\n\n"+
			"Writes the XLSX upload template of DATASET: the headers with a comment on\n"+
			"each, one example row, drop-down lists with the unit roster from the\n"+
			"database, and percent and date formats. DATASET is one of the 11 kinds that\n"+
			"/upload offers, by its ID or its Chinese name:\n"+
			"  units 单位名单, projects 项目台账, stages 项目阶段, milestones 里程碑,\n"+
			"  progress 进度填报, assessments 考评打分, problems 问题清单, lists 清单事项,\n"+
			"  list_done 清单完成标注, problem_steps 问题闭环环节,\n"+
			"  leader_reports 领衔事项半年报告\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			ef.fs.Usage()
			return usagef("请写出一个数据类型，例如 progress（进度填报）；saima template -h 列出全部数据类型")
		}
		if out == "" {
			out = args[0] + "-template.xlsx"
		}
		return a.writeTemplate(ctx, args[0], out)
	}
}

// writeTemplate writes the template of dataset to path, replacing the
// file only once the template is complete.
func (a *app) writeTemplate(ctx context.Context, dataset, path string) error {
	if err := checkAssets(a.engineAssets()...); err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.importer(st).WriteTemplate(ctx, &buf, dataset, ""); err != nil {
		return err
	}

	err = writeFileAtomic(path, ".saima-template-", func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "已写出 %s\n", path)
	return nil
}
