package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"saima"
)

// The upload audit keeps one row per state of an upload (see
// sql/0014_uploads_started.sql). An upload that writes records is started
// before its first record, so a process that stops half-way leaves a
// started upload, which a later sweep records as interrupted.
const (
	// uploadRenewal is how often a running upload records itself as
	// started again, to show that its process still runs.
	uploadRenewal = time.Minute

	// uploadLease is how long a started upload of another host counts as
	// running after its last started row. An upload of this host counts
	// as running while its process does.
	uploadLease = 10 * time.Minute
)

// uploadRank orders the rows of one upload: an ok row outranks every
// other, and otherwise the row recorded last wins. recorded stays below
// 2^63 until the year 2262.
const uploadRank = "recorded + if(outcome = 'ok', 9223372036854775808, 0)"

// process names the process that writes an upload record.
type process struct {
	host     string
	pid      int
	instance string // random, so that a reused pid names another process
	// started identifies when the process started (see processStart), so
	// that another process that later gets the same pid is not taken for
	// it. It is empty in records written before it was added and where
	// /proc cannot be read.
	started string
}

// thisProcess is the process that runs this program.
var thisProcess = newProcess()

func newProcess() process {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	pid := os.Getpid()
	return process{host: host, pid: pid, instance: hex.EncodeToString(b), started: processStart(pid)}
}

// String writes host/pid/instance, with ~started after the instance when
// the start is known.
func (p process) String() string {
	s := p.host + "/" + strconv.Itoa(p.pid) + "/" + p.instance
	if p.started != "" {
		s += "~" + p.started
	}
	return s
}

// parseProcess reads an owner column written by process.String.
func parseProcess(s string) (process, bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return process{}, false
	}
	rest, instance := s[:i], s[i+1:]
	j := strings.LastIndexByte(rest, '/')
	if j < 0 {
		return process{}, false
	}
	pid, err := strconv.Atoi(rest[j+1:])
	if err != nil || pid <= 0 {
		return process{}, false
	}
	instance, started, _ := strings.Cut(instance, "~")
	return process{host: rest[:j], pid: pid, instance: instance, started: started}, true
}

// uploadAudit holds the outcome records that this store could not write
// because the database was unreachable, until [Store.RecoverUploads]
// writes them. Copies of a store share it.
type uploadAudit struct {
	owner   process
	mu      sync.Mutex
	pending map[string]pendingUpload
}

type pendingUpload struct {
	up      saima.Upload
	version uint64
}

func newUploadAudit() *uploadAudit {
	return &uploadAudit{owner: thisProcess, pending: map[string]pendingUpload{}}
}

// recorded notes that the record of up was written (err nil) or not. An
// outcome that could not be written waits for RecoverUploads. A started
// or ok record never waits: a failed start fails the upload, and a failed
// commit is aborted, which records it as failed.
func (a *uploadAudit) recorded(up saima.Upload, version uint64, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case err == nil || up.Outcome == saima.OutcomeOK:
		delete(a.pending, up.ID)
	case up.Outcome != saima.OutcomeStarted:
		a.pending[up.ID] = pendingUpload{up: up, version: version}
	}
}

func (a *uploadAudit) takePending() []pendingUpload {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]pendingUpload, 0, len(a.pending))
	for _, p := range a.pending {
		out = append(out, p)
	}
	return out
}

// uploadState is the current state of one upload: the fields of its
// latest row (see uploadRank) and what the sweep needs.
type uploadState struct {
	saima.Upload
	owner    string
	version  uint64
	lastSeen time.Time // when its latest row was recorded
}

// RecoverUploads writes the outcome records that this store could not
// write while the database was unreachable. It then records as
// interrupted every upload still started by a process that has stopped.
// That is an upload of this host whose process no longer runs, or one of
// another host that has not renewed its started row within uploadLease.
// It returns how many uploads it recorded. The records of those uploads
// stay invisible, as dead history.
func (s *Store) RecoverUploads(ctx context.Context) (int, error) {
	n := 0
	for _, p := range s.audit.takePending() {
		if err := s.recordUpload(ctx, p.up, p.version); err != nil {
			return n, fmt.Errorf("record pending upload %s: %w", p.up.ID, err)
		}
		s.log.Info("upload outcome recorded after an outage", "upload_id", p.up.ID, "outcome", p.up.Outcome)
		n++
	}

	started, err := s.uploadStates(ctx,
		"id GLOBAL IN (SELECT id FROM {db}.uploads WHERE outcome = 'started')",
		"argMax(outcome, r) = 'started'", 0)
	if err != nil {
		return n, fmt.Errorf("read started uploads: %w", err)
	}
	now := time.Now()
	for _, st := range started {
		if !s.audit.stopped(st.owner, st.lastSeen, now) {
			continue
		}
		up := st.Upload
		up.Outcome, up.Message = saima.OutcomeInterrupted, interruptedMessage(up.FileName)
		up.Rows, up.Imported, up.Warnings, up.Errors, up.Replaced = 0, 0, 0, 0, 0
		if err := s.recordUpload(ctx, up, st.version); err != nil {
			return n, fmt.Errorf("record interrupted upload %s: %w", up.ID, err)
		}
		s.log.Warn("upload interrupted", "upload_id", up.ID, "file_name", up.FileName, "owner", st.owner)
		n++
	}
	return n, nil
}

func interruptedMessage(file string) string {
	return fmt.Sprintf("上传中断：写入“%s”期间 saima 停止运行或与数据库断开，本次上传没有导入任何记录；请重新上传该文件", file)
}

// stopped reports whether the process named by owner, whose upload row
// was last recorded at lastSeen, has stopped. This process never has.
// An owner of this host has stopped when its pid no longer runs, or runs
// this process or another process that started at another time.
func (a *uploadAudit) stopped(owner string, lastSeen, now time.Time) bool {
	if owner == a.owner.String() {
		return false
	}
	p, ok := parseProcess(owner)
	if ok && p.host == a.owner.host {
		if p.pid == a.owner.pid || !processRuns(p.pid) {
			return true
		}
		if p.started == "" {
			return false
		}
		current := processStart(p.pid)
		return current != "" && current != p.started
	}
	return now.Sub(lastSeen) > uploadLease
}

// RecoverUploadsEvery runs [Store.RecoverUploads] now and then every
// interval until ctx ends, so that uploads cut off by an outage are
// recorded soon after the database is back. It logs failures.
func (s *Store) RecoverUploadsEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.RecoverUploads(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("recover uploads", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// uploadStates returns the state of every upload whose rows match where
// and whose state matches having (an aggregate over r, the rank), newest
// first, at most limit when limit > 0.
func (s *Store) uploadStates(ctx context.Context, where, having string, limit int, args ...any) ([]uploadState, error) {
	q := "SELECT id, argMax(dataset, r), argMax(uploader, r), argMax(unit, r), min(at), " +
		"argMax(file_name, r), argMax(sha256, r), argMax(rows, r), argMax(imported, r), " +
		"argMax(warnings, r), argMax(errors, r), argMax(outcome, r), argMax(message, r), " +
		"argMax(duplicate_of, r), argMax(replaced, r), argMax(owner, r), argMax(version, r), max(recorded) " +
		"FROM (SELECT id, dataset, uploader, unit, at, file_name, sha256, rows, imported, warnings, errors, " +
		"outcome, message, duplicate_of, replaced, owner, version, recorded, " + uploadRank + " AS r " +
		"FROM {db}.uploads WHERE " + where + ") GROUP BY id HAVING " + having +
		// Sort on toUnixTimestamp, not on the DateTime: chDB 26.5's top-k
		// filter for ORDER BY at … LIMIT compared the DateTime with the id
		// string and failed with CANNOT_PARSE_DATETIME once a second held
		// three uploads.
		" ORDER BY toUnixTimestamp(min(at)) DESC, max(recorded) DESC, id DESC"
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []uploadState
	err = scanAll(rows, func() error {
		var u uploadState
		var n, imp, w, e, rep uint32
		var seen uint64
		err := rows.Scan(&u.ID, &u.Dataset, &u.Uploader, &u.Unit, &u.At, &u.FileName, &u.SHA256,
			&n, &imp, &w, &e, &u.Outcome, &u.Message, &u.DuplicateOf, &rep, &u.owner, &u.version, &seen)
		u.Rows, u.Imported, u.Warnings, u.Errors, u.Replaced = int(n), int(imp), int(w), int(e), int(rep)
		u.lastSeen = time.Unix(0, int64(seen))
		out = append(out, u)
		return err
	})
	return out, err
}

// ListUploads returns the uploads that f selects, newest first, each in
// its current state.
func (s *Store) ListUploads(ctx context.Context, f saima.UploadFilter) ([]saima.Upload, error) {
	where, args := []string{"1"}, []any{}
	if f.Unit != "" {
		where, args = append(where, "unit = ?"), append(args, f.Unit)
	}
	if !f.From.IsZero() {
		where, args = append(where, "toDate(at) >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "toDate(at) <= ?"), append(args, f.To)
	}
	having := "1"
	if f.Outcome != "" {
		having, args = "argMax(outcome, r) = ?", append(args, f.Outcome)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	states, err := s.uploadStates(ctx, strings.Join(where, " AND "), having, limit, args...)
	if err != nil {
		return nil, err
	}
	out := make([]saima.Upload, len(states))
	for i, st := range states {
		out[i] = st.Upload
	}
	return out, nil
}

// FindUpload returns the upload with id in its current state, with its
// error and warning lists when it has them, and false when the audit log
// has no such upload.
func (s *Store) FindUpload(ctx context.Context, id string) (saima.Upload, bool, error) {
	states, err := s.uploadStates(ctx, "id = ?", "1", 1, id)
	if err != nil || len(states) == 0 {
		return saima.Upload{}, false, err
	}
	up := states[0].Upload
	if up.ErrorList, err = s.uploadIssueList(ctx, id, "error"); err != nil {
		return up, true, err
	}
	up.WarningList, err = s.uploadIssueList(ctx, id, "warning")
	return up, true, err
}

// uploadIssueList reads the error_ or the warning_ columns, as kind is
// "error" or "warning", of the row that is the current state of upload
// id (see uploadRank). The numeric arrays come back as text, which both
// engines return the same way.
func (s *Store) uploadIssueList(ctx context.Context, id, kind string) ([]saima.UploadError, error) {
	q := strings.NewReplacer("{kind}", kind).Replace("SELECT {kind}_sheet, " +
		"arrayStringConcat(arrayMap(x -> toString(x), {kind}_row), ','), " +
		"{kind}_column, {kind}_value, {kind}_reason, {kind}_fix, " +
		"arrayStringConcat(arrayMap(x -> toString(x), {kind}_own_subject), ',') " +
		"FROM {db}.uploads WHERE id = ? ORDER BY " + uploadRank + " DESC LIMIT 1")
	rows, err := s.query(ctx, q, id)
	if err != nil {
		return nil, err
	}
	var out []saima.UploadError
	err = scanAll(rows, func() error {
		var sheets, columns, values, reasons, fixes []string
		var rowList, ownList string
		if err := rows.Scan(&sheets, &rowList, &columns, &values, &reasons, &fixes, &ownList); err != nil {
			return err
		}
		nums, err := parseFloatLists(len(sheets), rowList, ownList)
		if err != nil {
			return fmt.Errorf("%s list of upload %s: %w", kind, id, err)
		}
		for _, arr := range [][]string{columns, values, reasons, fixes} {
			if len(arr) != len(sheets) {
				return fmt.Errorf("%s list of upload %s: arrays of %d and %d elements", kind, id, len(sheets), len(arr))
			}
		}
		for i := range sheets {
			out = append(out, saima.UploadError{Sheet: sheets[i], Row: int(nums[0][i]), Column: columns[i],
				Value: values[i], Reason: reasons[i], Fix: fixes[i], OwnSubject: nums[1][i] == 1})
		}
		return nil
	})
	return out, err
}
