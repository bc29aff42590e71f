package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestTableAlignsByDisplayWidth(t *testing.T) {
	var b bytes.Buffer
	tw := newTable(&b)
	fmt.Fprintln(tw, "名次\t单位\t得分")
	fmt.Fprintln(tw, "1\t宁波市海曙区\t91.3")
	fmt.Fprintln(tw, "10\tCity\t8")
	fmt.Fprintln(tw, "")
	fmt.Fprintln(tw, "标题，没有制表符")
	fmt.Fprintln(tw, "甲\tx")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"名次  单位          得分",
		"1     宁波市海曙区  91.3",
		"10    City          8",
		"",
		"标题，没有制表符",
		"甲  x",
		"",
	}, "\n")
	if b.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "宁波": 4, "（Q3）": 6, "９１": 4, "ｱ": 1} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
