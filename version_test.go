package saima

import (
	"testing"
	"time"
)

func TestVersionTime(t *testing.T) {
	committed := time.Now().Add(-time.Hour)
	v := uint64(committed.UnixNano())
	tests := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"RealClock", time.Time{}, committed},
		{"RealClockRead", time.Now(), committed},
		{"ShiftedLater", time.Now().AddDate(0, 0, 26), committed.AddDate(0, 0, 26)},
		{"ShiftedEarlier", time.Now().AddDate(0, 0, -46), committed.AddDate(0, 0, -46)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VersionTime(v, tt.now); !got.Equal(tt.want) {
				t.Errorf("VersionTime(%d, %s) = %s, want %s", v, tt.now, got, tt.want)
			}
		})
	}
}
