package clickhouse

import (
	"errors"
	"fmt"
	"testing"

	"saima"
)

// TestUnavailableDiskFull checks that a write that found the disk full
// becomes an unavailable error with a Chinese message that names the
// cause. The first two messages are those the engines returned when saima
// imported into a data folder on a full 64 MiB tmpfs: chDB 26.5 reserves
// space before it writes a part, and ClickHouse 18.16 fails the write
// itself. The third is code 243 in the server engine's form, wrapped.
func TestUnavailableDiskFull(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"embedded", &QueryError{Engine: "embedded",
			Message: "Code: 243. DB::Exception: Cannot reserve 5.49 MiB, not enough space. (NOT_ENOUGH_SPACE)"}},
		{"server", &QueryError{Engine: "server",
			Message: "code 75: Cannot write to file /srv/data/saima/uploads/tmp_insert_all_22_22_0/rows.bin, " +
				"errno: 28, strerror: No space left on device"}},
		{"wrapped", fmt.Errorf("insert projects: %w", &QueryError{Engine: "server",
			Message: "code 243: Cannot reserve 1.00 MiB, not enough space"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := unavailable(tt.err)
			if kind := saima.ErrorKind(err); kind != saima.KindUnavailable {
				t.Errorf("kind = %v, want unavailable", kind)
			}
			if msg := saima.ErrorMessage(err); msg != diskFullMessage {
				t.Errorf("message = %q, want %q", msg, diskFullMessage)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("unavailable(err) does not wrap err")
			}
		})
	}

	// Any other rejected statement stays internal.
	other := &QueryError{Engine: "server", Message: "code 62: Syntax error: failed at position 1"}
	if kind := saima.ErrorKind(unavailable(other)); kind == saima.KindUnavailable {
		t.Errorf("kind of a syntax error = %v, want not unavailable", kind)
	}
}
