package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"saima"
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
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return saima.Errorf(saima.KindInvalid,
			"无法写入 %s：这是一个已有的目录，什么也没有写入。请在 -o 后写包含文件名的路径", path)
	}
	tmp, err := createNear(path, prefix)
	if err != nil {
		return outputError(path, err)
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

// outputError converts a failure to create a file next to path into a
// message that names path and its folder, not the temporary file, and
// the fix.
func outputError(path string, err error) error {
	dir := filepath.Dir(path)
	// The cause names the temporary file, which the user never requested,
	// so only the last branch keeps it, for errors not known here.
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return saima.Errorf(saima.KindInvalid,
			"无法写入 %s：目录 %s 不存在，什么也没有写入。请先创建它（如 mkdir -p %s），或换一个目录",
			path, dir, dir)
	case errors.Is(err, fs.ErrPermission):
		return saima.Errorf(saima.KindInvalid,
			"无法写入 %s：没有在目录 %s 中新建文件的权限，什么也没有写入。请换一个可写的目录", path, dir)
	}
	msg := fmt.Sprintf("无法写入 %s，什么也没有写入。请检查目录 %s 存在、可写且磁盘有空间后重试", path, dir)
	return saima.Wrap(saima.KindInvalid, msg, err)
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
