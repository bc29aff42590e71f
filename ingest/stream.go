package ingest

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"saima"
)

// DefaultChunkRecords is how many rows the import service validates before
// it writes them as one chunk, when Limits.ChunkRecords is 0. Up to three
// chunks are in memory at once. For a 1 GB file BenchmarkImportPeakRSS
// measured a peak Go heap of about 100, 120 and 190 MB with chunks of
// 10 000, 20 000 and 50 000 rows on the embedded engine. On the server
// engine, whose driver copies the chunk being written, it measured 126,
// 185 and 300 MB. Each chunk is one INSERT, so a 1 GB file makes about
// 210 parts. The 18.16 server rejects inserts at 300 active parts per
// partition and slows them from 150 (parts_to_throw_insert and
// parts_to_delay_insert in its system.merge_tree_settings), unless merges
// keep up.
const DefaultChunkRecords = 20_000

// wholeFileDatasets are read as one chunk however long the file is. An
// alias on one row of the unit roster may clash with a unit on any other
// row, and the lifecycle rules compare every stage event of a project, as
// the loop's order compares every step of a problem. These files are
// short by nature; Limits.MaxRows bounds them.
var wholeFileDatasets = map[string]bool{saima.DatasetUnits: true, saima.DatasetStages: true,
	saima.DatasetProblemSteps: true, saima.DatasetProblems: true}

// chunk is one batch of validated records that Parse hands on while it
// reads a long file.
type chunk struct {
	batch    *saima.Batch
	dataset  string
	rows     int      // data rows read so far, this chunk's included
	warnings int      // warnings found so far, listed or not
	final    bool     // the last chunk: rows and warnings are the file's totals
	missing  []string // optional columns the file lacks, in template order

	// recordRows holds the file row of each progress report of batch, in
	// order, for the warnings against stored reports; nil for other
	// datasets.
	recordRows []int
}

// emitFunc receives the chunks of a file in order. An error stops Parse,
// which returns it.
type emitFunc func(c chunk) error

// chunked reports whether p writes its records in more than one chunk.
func (p *parser) chunked() bool {
	return p.chunkRecords > 0 && !wholeFileDatasets[p.schema.dataset]
}

// startRows prepares the builder and, for a file that may span several
// chunks, the index of record keys already written.
func (p *parser) startRows() {
	p.builder = p.schema.newBuilder()
	if p.chunked() {
		p.keys = newKeyIndex()
	}
}

// addRow hands a row to the builder and flushes the chunk when it is full.
func (p *parser) addRow(r *rowReader) error {
	r.rejectForbidden()
	p.builder.add(r)
	p.chunkRows++
	if p.chunked() && p.chunkRows >= p.chunkRecords {
		return p.flush(false)
	}
	return nil
}

// flush finishes the records of the current chunk and hands them on: to
// the emit function when there is one, else to the result's batch. Once
// the file has an error nothing more is emitted, because it will not be
// imported, but reading goes on so that every error is listed.
func (p *parser) flush(final bool) error {
	b := p.builder
	p.builder, p.chunkRows, p.final = p.schema.newBuilder(), 0, final
	b.finish(p)
	var batch saima.Batch
	b.fill(&batch)
	if p.keys != nil && !final {
		p.keys.commit()
	}

	if p.emit == nil {
		// Without an emit function the file is one chunk, flushed once.
		p.batch = batch
		return nil
	}
	if p.issues.errorCount() > 0 {
		if final && !p.chunked() {
			// The service still checks the good rows of a stages or
			// problem steps file against the stored history.
			p.goodBatch = &batch
		}
		return nil
	}
	if batch.Len() == 0 {
		return nil
	}
	c := chunk{batch: &batch, dataset: p.schema.dataset, rows: p.rows,
		warnings: len(p.issues.warnings) + p.issues.warningsOmitted, final: final, missing: p.missing}
	if pb, ok := b.(*progressBuilder); ok {
		c.recordRows = pb.reports.rows
	}
	return p.emit(c)
}

// claimKey reports whether row r may store the record key made of parts.
// Within a chunk a later row replaces an earlier one (see keyed.put). A
// key that an earlier chunk holds is an error instead: that chunk may be
// written already, and both rows would carry the upload's one version, so
// neither could win.
func (p *parser) claimKey(r *rowReader, key string, parts []string) bool {
	if p.keys == nil {
		return true
	}
	if row, ok := p.keys.lookup(key); ok {
		r.fail("", strings.Join(parts, " / "), &problem{
			reason: fmt.Sprintf("的%s“%s”与第%d行相同；文件超过%d行时分批写入，第%d行所在的一批已经写入，不能再以本行为准",
				p.schema.key, strings.Join(parts, " / "), row, p.chunkRecords, row),
			fix: "请删除重复的行，只保留正确的一行，然后重新上传",
		})
		return false
	}
	p.keys.add(key, r.row)
	return true
}

// keyIndex holds the record keys of the chunks already flushed, as 64-bit
// hashes with the row of each, so that a later chunk can find a repeated
// key without keeping the keys themselves. It takes 12 bytes per key,
// and up to an eighth more while the bucket slices grow. Two different keys
// share a hash with odds of about n²/2⁶⁵ for n keys: about 3 in a
// million for ten million keys.
type keyIndex struct {
	seed    maphash.Seed
	hashes  [][]uint64        // per bucket, sorted; nil until the first commit
	rows    [][]uint32        // the row of each hash
	pending map[uint64]uint32 // keys of the current chunk
}

// keyBuckets splits the index by the top bits of the hash, so that adding
// a chunk moves short slices instead of one long one.
const (
	keyBucketBits = 14
	keyBuckets    = 1 << keyBucketBits
)

func newKeyIndex() *keyIndex {
	return &keyIndex{seed: maphash.MakeSeed(), pending: map[uint64]uint32{}}
}

func (k *keyIndex) hash(key string) uint64 { return maphash.String(k.seed, key) }

// lookup returns the row of key in a chunk already committed.
func (k *keyIndex) lookup(key string) (int, bool) {
	if k.hashes == nil {
		return 0, false
	}
	h := k.hash(key)
	b := h >> (64 - keyBucketBits)
	if i, ok := slices.BinarySearch(k.hashes[b], h); ok {
		return int(k.rows[b][i]), true
	}
	return 0, false
}

// add records key for the current chunk; a later row of the same key
// replaces the row.
func (k *keyIndex) add(key string, row int) { k.pending[k.hash(key)] = uint32(row) }

// commit moves the keys of the current chunk into the index.
func (k *keyIndex) commit() {
	if k.hashes == nil {
		k.hashes, k.rows = make([][]uint64, keyBuckets), make([][]uint32, keyBuckets)
	}
	for h, row := range k.pending {
		b := h >> (64 - keyBucketBits)
		i, _ := slices.BinarySearch(k.hashes[b], h)
		k.hashes[b] = slices.Insert(growByEighth(k.hashes[b]), i, h)
		k.rows[b] = slices.Insert(growByEighth(k.rows[b]), i, row)
	}
	clear(k.pending)
}

// growByEighth returns s with room for one more element. A full slice
// grows by an eighth, where append would double a short one: the index of
// a long file then takes about 13 bytes per key instead of up to 24.
func growByEighth[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	grown := make([]T, len(s), len(s)+len(s)/8+4)
	copy(grown, s)
	return grown
}

// percentScale carries the percent rule's decision for 完成率 from one
// chunk to the next. Rule 5 looks at the whole column: when no bare
// number is above 1 the column is in fraction form. A chunk that is
// written before the rest of the column is read must decide from what it
// has seen, so the first chunk with a bare number decides for the file.
type percentScale struct {
	decided  bool
	fraction bool
	row      int    // the row of the bare number that decided it
	value    string // that number as written
}

// percentFraction returns whether the bare numbers in cells, one chunk of
// the 完成率 column, are fractions. Read as one chunk, a file gets rule 5
// exactly. Across chunks, a bare number above 1 after earlier chunks were
// read as fractions is an error, because those chunks may be written.
func (p *parser) percentFraction(cells []pendingPercent) bool {
	s := &p.percent
	above := slices.IndexFunc(cells, func(c pendingPercent) bool { return c.cell.aboveOne() })
	ambiguous := slices.IndexFunc(cells, func(c pendingPercent) bool { return c.cell.ambiguous() })
	switch {
	case s.decided && s.fraction && above >= 0:
		c := cells[above]
		p.issue(Issue{Row: c.row, Column: p.columnName("完成率"), Value: trimText(c.raw),
			Reason: fmt.Sprintf("大于1，说明本列按百分数填写，但前面第%d行的“%s”已按小数比例读取并分批写入（文件超过%d行时分批写入）",
				s.row, s.value, p.chunkRecords),
			Fix: "请把完成率统一写成带%的百分数，如85%，然后重新上传"})
		return true
	case s.decided:
		return s.fraction
	case above >= 0:
		s.decided, s.fraction = true, false
		s.row, s.value = cells[above].row, trimText(cells[above].raw)
		return false
	case ambiguous >= 0 && !p.final:
		s.decided, s.fraction = true, true
		s.row, s.value = cells[ambiguous].row, trimText(cells[ambiguous].raw)
	}
	return true
}
