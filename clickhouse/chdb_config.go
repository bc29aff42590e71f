package clickhouse

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// engineSetting is one setting that saima gives the embedded engine when
// it starts.
type engineSetting struct {
	Name, Value string
}

// embeddedServerSettings are chDB server settings, passed to chdb_connect
// as --name=value. chDB 26.5 ignores a name it does not know without an
// error, so a test reads each one back from system.server_settings.
var embeddedServerSettings = []engineSetting{
	// One merge at a time instead of up to four (2 threads, concurrency
	// ratio 2). Each running merge holds its own read and write buffers,
	// and a long import on the benchmark machine often had two at once.
	{"background_pool_size", "1"},

	// Remove outdated parts with two threads instead of up to 128. Once a
	// long import had left over 100 outdated parts, chDB removed them in
	// parallel, and the 128 threads then stayed idle in its global pool,
	// each with its stack and allocator cache. The process grew from 22
	// threads to 150, and the peak RssAnon of a 1 GB import by about 60 MB.
	{"max_parts_cleaning_thread_pool_size", "2"},

	// Keep at most 16 idle threads in the global pool instead of 1000, so
	// that the threads started for any burst of work end with it. With
	// this setting alone, the 1 GB import above peaked at 30 threads.
	{"max_thread_pool_free_size", "16"},
}

// embeddedMergeTreeSettings are the MergeTree defaults of every table on
// the embedded engine. chDB 26.5 takes them only from a configuration
// file, never as arguments of chdb_connect. An unknown name there makes
// every statement on a MergeTree table fail with UNKNOWN_SETTING.
var embeddedMergeTreeSettings = []engineSetting{
	// Merge every part vertically: the key columns first, then each other
	// column on its own. By default only merges of at least 131 072 rows
	// and 11 columns outside the sort key are vertical. The progress table
	// has 8, so its merges read every column of every part at once. While
	// a 256 MB file was imported, a horizontal merge of about ten parts of
	// 20 000 rows took 80 to 130 MB (system.merges.memory_usage), and a
	// vertical one 30 to 60 MB. Merged parts hold the same rows either way.
	{"vertical_merge_algorithm_min_rows_to_activate", "1"},
	{"vertical_merge_algorithm_min_columns_to_activate", "1"},
}

// engineConfigFile is the name of the configuration file that the
// embedded engine reads, in the data folder. It is written at every start.
const engineConfigFile = "chdb-config.xml"

// embeddedArgs returns the arguments of chdb_connect for data folder dir,
// writing the configuration file they name.
func embeddedArgs(dir string) ([]string, error) {
	config, err := writeEngineConfig(dir)
	if err != nil {
		return nil, err
	}
	args := []string{"clickhouse", "--path=" + dir, "--config-file=" + config}
	for _, s := range embeddedServerSettings {
		args = append(args, "--"+s.Name+"="+s.Value)
	}
	return args, nil
}

// writeEngineConfig writes the configuration file with the MergeTree
// defaults into dir and returns its path.
func writeEngineConfig(dir string) (string, error) {
	var b strings.Builder
	b.WriteString("<clickhouse>\n  <merge_tree>\n")
	for _, s := range embeddedMergeTreeSettings {
		fmt.Fprintf(&b, "    <%s>%s</%s>\n", s.Name, s.Value, s.Name)
	}
	b.WriteString("  </merge_tree>\n</clickhouse>\n")

	path := filepath.Join(dir, engineConfigFile)
	if err := os.WriteFile(path, []byte(b.String()), 0o640); err != nil {
		return "", fmt.Errorf("write chDB configuration: %w", err)
	}
	return path, nil
}
