package clickhouse

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrLibraryNotFound is returned by [LibraryVersion] when no file exists
// at the library's path.
var ErrLibraryNotFound = errors.New("chDB library not found")

// LibraryVersion returns the version of the chDB library at path (empty
// means [DefaultLibraryPath]) without loading it, so that it opens no
// data folder. libchdb.so of @chdb/lib-linux-x64-gnu 26.5.3 exports no
// version function. The version is therefore the one that npm recorded
// in the package.json beside the library, such as 26.5.3. It returns
// [ErrLibraryNotFound] when the library is missing. It returns another
// error when the library is there but its package.json is missing or
// holds no version, as for a library copied elsewhere by hand.
func LibraryVersion(path string) (string, error) {
	if path == "" {
		path = DefaultLibraryPath
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w at %s", ErrLibraryNotFound, path)
	} else if err != nil {
		return "", err
	}

	manifest := filepath.Join(filepath.Dir(path), "package.json")
	data, err := os.ReadFile(manifest)
	if err != nil {
		return "", fmt.Errorf("read chDB library version: %w", err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return "", fmt.Errorf("read chDB library version from %s: %w", manifest, err)
	}
	if pkg.Version == "" {
		return "", fmt.Errorf("read chDB library version: %s has no version", manifest)
	}
	return pkg.Version, nil
}
