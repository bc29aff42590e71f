package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// outputMode is the permission that saima requests for the files it
// writes for people to open and pass on (reports, templates). The
// process's umask then applies, as for files that other programs save:
// 0644 under the usual umask 022, 0600 under 077.
const outputMode = 0o666

// writeFileAtomic writes a file through a temporary file in the same
// folder and renames it into place, so that a failure never leaves a
// truncated file at path. The temporary file's name starts with prefix.
func writeFileAtomic(path, prefix string, write func(io.Writer) error) error {
	tmp, err := createNear(path, prefix)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// createNear creates a new file with a random name that starts with
// prefix, in the folder of path. Unlike os.CreateTemp, which makes a file
// readable by its owner only, it requests outputMode.
func createNear(path, prefix string) (*os.File, error) {
	for range 10 {
		b := make([]byte, 8)
		rand.Read(b)
		name := filepath.Join(filepath.Dir(path), prefix+hex.EncodeToString(b))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, outputMode)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "create", Path: filepath.Dir(path), Err: fs.ErrExist}
}
