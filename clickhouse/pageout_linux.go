package clickhouse

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// pageOutLibrary reclaims the resident pages of every mapping of the
// library file at lib with madvise(MADV_PAGEOUT). It returns how many bytes
// of them were resident before and after, and how many of those after
// are private, mapped by this process alone. The kernel does not reclaim a
// page that another process maps too, such as a second saima or test
// binary started beside this one, so only the private bytes must shrink.
//
// Loading libchdb.so and starting chDB touch about 150 MB of its 530 MB of
// code and read-only data (measured with /proc/self/smaps), and most of
// those pages are not used again. Left alone they stay in the process's
// resident set until the kernel runs short of memory. MADV_PAGEOUT (Linux
// 5.4) reclaims them at once. It loses no data. Clean pages of the file are
// read again from the page cache or the file when code runs there. The
// pages that the dynamic loader wrote (relocations) are anonymous, and the
// kernel keeps them unless it has swap to write them to. An import of a 1 GB
// file faulted about 90 MB of the library back in (docs/benchmarks.md).
func pageOutLibrary(lib string) (before, after, private uint64, err error) {
	path, err := filepath.EvalSymlinks(lib)
	if err != nil {
		return 0, 0, 0, err
	}
	if path, err = filepath.Abs(path); err != nil {
		return 0, 0, 0, err
	}
	maps, err := libraryMappings(path)
	if err != nil {
		return 0, 0, 0, err
	}
	if len(maps) == 0 {
		return 0, 0, 0, fmt.Errorf("no mapping of %s in /proc/self/smaps", path)
	}
	for _, m := range maps {
		before += m.resident
		_, _, errno := unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_PAGEOUT)
		if errno != 0 {
			return before, before, 0, fmt.Errorf("madvise(MADV_PAGEOUT) on %s: %w", path, errno)
		}
	}
	if maps, err = libraryMappings(path); err != nil {
		return before, 0, 0, err
	}
	for _, m := range maps {
		after += m.resident
		private += m.private
	}
	return before, after, private, nil
}

// mapping is one memory mapping of a file, from /proc/self/smaps.
type mapping struct {
	start, end uintptr
	resident   uint64 // bytes
	private    uint64 // bytes of resident that no other process maps
}

// libraryMappings returns the mappings of the file at path, with the bytes
// of each that are resident.
func libraryMappings(path string) ([]mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()

	var (
		out  []mapping
		ours bool
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		fields := bytes.Fields(line)
		if len(fields) == 0 {
			continue
		}
		// A mapping's first line starts with its address range, such as
		// "7f12a000-7f12c000", and its sixth field is the file's path. The
		// lines after it are "Name:  value kB".
		if lo, hi, ok := bytes.Cut(fields[0], []byte{'-'}); ok && !bytes.HasSuffix(fields[0], []byte{':'}) {
			start, err1 := strconv.ParseUint(string(lo), 16, 64)
			end, err2 := strconv.ParseUint(string(hi), 16, 64)
			ours = err1 == nil && err2 == nil && len(fields) >= 6 && string(fields[5]) == path
			if ours {
				out = append(out, mapping{start: uintptr(start), end: uintptr(end)})
			}
			continue
		}
		if !ours || len(fields) < 2 {
			continue
		}
		var field *uint64
		switch string(fields[0]) {
		case "Rss:":
			field = &out[len(out)-1].resident
		case "Private_Clean:", "Private_Dirty:":
			field = &out[len(out)-1].private
		default:
			continue
		}
		kb, err := strconv.ParseUint(string(fields[1]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("/proc/self/smaps: %q: %w", line, err)
		}
		*field += kb << 10
	}
	return out, sc.Err()
}
