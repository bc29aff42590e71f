package main

import (
	"flag"
	"io"

	"github.com/shopspring/decimal"

	"saima"
)

func testConfig(e *testEnv) config {
	var c config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.register(&envFlags{fs: fs, getenv: func(k string) string { return e.env[k] }}, optAll)
	fs.Parse(nil)
	return c
}

func mustPeriod(s string) saima.Period {
	p, err := saima.ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

func meanOf(reports []saima.ProgressReport) string {
	if len(reports) == 0 {
		return "none"
	}
	sum := decimal.Zero
	for _, r := range reports {
		sum = sum.Add(r.Percent.Decimal)
	}
	return sum.Div(decimal.NewFromInt(int64(len(reports)))).String()
}
