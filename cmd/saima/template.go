package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

func templateCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var out string
	ef.fs.StringVar(&out, "o", "", "输出的 XLSX 文件（默认 DATASET-template.xlsx）")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima template [选项] DATASET\n"+
			"\n"+
			"生成 DATASET 的 XLSX 上传模板：每个表头带批注，一行示例，带数据库里单位\n"+
			"名单的下拉列表，以及百分比和日期格式。DATASET 是 /upload 页面提供的 11\n"+
			"类数据之一，写代号或中文名：\n"+
			"  units 单位名单, projects 项目台账, stages 项目阶段, milestones 里程碑,\n"+
			"  progress 进度填报, assessments 考评打分, problems 问题清单, lists 清单事项,\n"+
			"  list_done 清单完成标注, problem_steps 问题闭环环节,\n"+
			"  leader_reports 领衔事项半年报告")
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
