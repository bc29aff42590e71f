package ingest

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUnitLocks(t *testing.T) {
	var l unitLocks
	ctx := t.Context()
	unlockA, err := l.lock(ctx, "余姚市")
	if err != nil {
		t.Fatal(err)
	}

	// Another unit does not wait.
	unlockB, err := l.lock(ctx, "宁海县")
	if err != nil {
		t.Fatalf("lock(宁海县) while 余姚市 is held: %v", err)
	}
	unlockB()

	// The same unit waits until its context ends.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := l.lock(short, "余姚市"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock(余姚市) error = %v, want the deadline", err)
	}

	// A waiter gets the lock once the holder lets go.
	got := make(chan func())
	go func() {
		unlock, err := l.lock(ctx, "余姚市")
		if err != nil {
			t.Error(err)
		}
		got <- unlock
	}()
	select {
	case <-got:
		t.Fatal("waiter got the lock while it was held")
	case <-time.After(20 * time.Millisecond):
	}
	unlockA()
	(<-got)()

	if len(l.units) != 0 {
		t.Errorf("locks left = %v, want none once every holder and waiter is gone", l.units)
	}
}
