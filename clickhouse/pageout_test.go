package clickhouse_test

import (
	"testing"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func TestStartReleasesLibraryPages(t *testing.T) {
	e := chtest.Embedded(t)
	// Start-up touches about 150 MB of libchdb.so. What stays private
	// after the release is the part the dynamic loader wrote (relocations,
	// about 12 MB), which the kernel cannot drop without swap. Pages that
	// another process maps too, such as another package's test binary
	// running beside this one, stay resident but are not private.
	before, _, private := clickhouse.LibraryStartPages(e)
	if before < 64<<20 {
		t.Errorf("%d MB of libchdb.so were resident at start before the release, want at least 64", before>>20)
	}
	if private > 32<<20 {
		t.Errorf("%d MB of libchdb.so stayed private to this process after the release at start, want at most 32", private>>20)
	}
}

func TestPageOutKeepsEngineWorking(t *testing.T) {
	e := chtest.Embedded(t)
	db := chtest.NewDatabase(t, e)
	ctx := t.Context()
	if err := e.Exec(ctx, "CREATE TABLE "+db+".t (n UInt64, s String) ENGINE = MergeTree ORDER BY n"); err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, "INSERT INTO "+db+".t SELECT number, toString(number) FROM numbers(100000)"); err != nil {
		t.Fatal(err)
	}
	before, after, private, err := clickhouse.PageOutLibrary()
	if err != nil {
		t.Fatal(err)
	}
	if after > before {
		t.Errorf("%d MB of libchdb.so resident after the release, %d MB before, want no more after", after>>20, before>>20)
	}
	if private > 32<<20 {
		t.Errorf("%d MB of libchdb.so private to this process after the release, want at most 32", private>>20)
	}

	// The code runs again from the file, so the query returns the right
	// sums.
	rows, err := e.Query(ctx, "SELECT sum(n), sum(length(s)), uniqExact(s) FROM "+db+".t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sum, length, distinct uint64
	if !rows.Next() {
		t.Fatal("no row")
	}
	if err := rows.Scan(&sum, &length, &distinct); err != nil {
		t.Fatal(err)
	}
	if sum != 4999950000 {
		t.Errorf("sum(n) = %d, want 4999950000", sum)
	}
	if length != 488890 {
		t.Errorf("sum(length(s)) = %d, want 488890", length)
	}
	if distinct != 100000 {
		t.Errorf("uniqExact(s) = %d, want 100000", distinct)
	}
}
