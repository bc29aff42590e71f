package web

import (
	"fmt"
	"strings"
	"testing"

	"saima"
)

func TestPublishOutageError(t *testing.T) {
	period := saima.Quarter(2026, 2)
	tests := []struct {
		name    string
		err     error
		want    []string
		notWant string
	}{
		{"NothingPublished", saima.Wrap(saima.KindUnavailable, "ClickHouse 副本不可用，请稍后重试", fmt.Errorf("code 285")),
			[]string{"2026Q2 未能发布", "ClickHouse 副本不可用", "没有发布任何结果", "重新发布"}, "未知"},
		{"OutcomeUnknown", saima.Wrap(saima.KindUnavailable, "数据库没有确认写入是否完成",
			fmt.Errorf("%w: code 319", saima.ErrOutcomeUnknown)),
			[]string{"2026Q2 的发布结果未知", "/leaderboard?period=2026Q2"}, "没有发布任何结果"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := saima.ErrorMessage(publishOutageError(period, tt.err))
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, tt.notWant) {
				t.Errorf("message %q contains %q", msg, tt.notWant)
			}
		})
	}
}
