package main

import (
	"testing"
	"time"

	"saima"
)

// TestShiftedClock checks that the clock of saima demo --today shows that
// day in Beijing, keeps the real time of day and runs on.
func TestShiftedClock(t *testing.T) {
	today := saima.NewDate(2026, 2, 20)
	clock := shiftedClock(today)

	now, wall := clock(), time.Now()
	if got := saima.DateOf(now); got != today {
		t.Errorf("date of the shifted clock = %s, want %s", got, today)
	}
	if shift := now.Sub(wall).Round(time.Minute); shift%(24*time.Hour) != 0 {
		t.Errorf("shifted clock is %s off the real clock, want whole days", shift)
	}
	if later := clock(); !later.After(now) {
		t.Errorf("shifted clock read %s after %s, want it to run on", later, now)
	}
}
