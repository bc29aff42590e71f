package main

import (
	"io"
	"os"
	"path/filepath"
)

// outputMode is the permission of the files that saima writes for people
// to open and pass on (reports, templates): readable by all, as files
// that other programs save usually are.
const outputMode = 0o644

// writeFileAtomic writes a file through a temporary file in the same
// folder and renames it into place, so that a failure never leaves a
// truncated file at path. pattern names the temporary file, as
// os.CreateTemp takes it.
func writeFileAtomic(path, pattern string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	// os.CreateTemp makes the file readable by its owner only.
	if err := tmp.Chmod(outputMode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
