package main

import (
	"errors"
	"fmt"
	"os"
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
	for _, a := range assets {
		if _, err := os.Stat(a.path); err != nil {
			missing = append(missing, fmt.Errorf("缺少%s：%s 不存在（可用 --%s 指定其他位置）", a.what, a.path, a.flag))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w\n请在 saima 源码目录运行 `npm ci`（或 `make setup`）安装第三方文件后重试", errors.Join(missing...))
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
