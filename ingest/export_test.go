package ingest

import "testing"

// SetCodesPerQuery sets how many projects a chunk may have and still be
// compared with stored records, until the test ends.
func SetCodesPerQuery(tb testing.TB, n int) {
	old := codesPerQuery
	codesPerQuery = n
	tb.Cleanup(func() { codesPerQuery = old })
}
