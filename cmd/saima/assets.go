package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// asset is a third-party file that npm installs at set-up time.
type asset struct {
	what string
	path string
	flag string
}

// checkAssets returns one error naming every missing asset, its expected
// path, the option that moves it and the command that installs it.
func checkAssets(assets ...asset) error {
	var missing []error
	relative := false
	for _, a := range assets {
		if _, err := os.Stat(a.path); err != nil {
			missing = append(missing, fmt.Errorf("缺少%s：%s%s 不存在（可用 --%s 指定其他位置）",
				a.what, a.path, lookedUpAt(a.path), a.flag))
			relative = relative || !filepath.IsAbs(a.path)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	hint := "请在 saima 源码目录运行 `npm ci`（或 `make setup`）安装第三方文件后重试"
	if relative {
		// From another folder the default paths miss installed files,
		// and npm ci in that folder does not help.
		hint = "默认位置是相对路径，只在 saima 源码目录下运行时才能找到：若已安装，请回到源码目录运行，" +
			"或用上面的选项给出完整路径；若尚未安装，" + hint
	}
	return fmt.Errorf("%w\n%s", errors.Join(missing...), hint)
}

func (a *app) engineAssets() []asset {
	if a.cfg.Engine != "embedded" {
		return nil
	}
	return []asset{{"内嵌数据库 chDB 库 libchdb.so", a.cfg.ChDBLib, "chdb-lib"}}
}

func (a *app) fontAssets() []asset {
	return []asset{
		{"PDF 字体 Noto Sans SC Regular", a.cfg.FontRegular, "font-regular"},
		{"PDF 字体 Noto Sans SC Bold", a.cfg.FontBold, "font-bold"},
	}
}

func (a *app) webAssets() []asset {
	return []asset{{"图表库 echarts.min.js", a.cfg.ECharts, "echarts"}}
}
