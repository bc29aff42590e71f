package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"saima"
)

// readBackTimeout bounds the read-back of an INSERT whose outcome is
// unknown, and nodeReadBackTimeout the read on one node of a cluster, so
// that a hung replica delays the reply by seconds, not minutes.
const (
	readBackTimeout     = 30 * time.Second
	nodeReadBackTimeout = 5 * time.Second
)

// clusterReader reads each node of the store's cluster directly, for the
// read-back of an INSERT whose outcome is unknown.
type clusterReader struct {
	name   string   // the cluster's name in remote_servers
	nodes  []string // StoreOptions.Nodes; empty means those of system.clusters
	opener nodeOpener
}

// outcomeUnknownMessage is shown when a write cannot be confirmed either way.
const outcomeUnknownMessage = "数据库没有确认写入是否完成，读回核实也没有成功"

// outcomeUnknown reports whether err, returned by an INSERT, leaves open
// whether the server stored the rows. That is code 319: in ClickHouse
// 18.16 the receiving replica stored the block and the wait for the
// insert quorum timed out, or its ZooKeeper connection broke during the
// commit. It is also a connection that broke after it was established,
// once the rows may have been sent. A connection that could not be opened
// sent nothing.
func outcomeUnknown(err error) bool {
	if qe, ok := errors.AsType[*QueryError](err); ok {
		return qe.Engine == "server" && strings.HasPrefix(qe.Message, fmt.Sprintf("code %d:", codeUnknownStatusOfInsert))
	}
	if saima.ErrorKind(err) != saima.KindUnavailable {
		return false
	}
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "dial" {
		return false
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// settleInsert returns the error of an INSERT into table that failed with
// err, after finding out what it left visible when its outcome is unknown.
// It reads back the rows that where (with args) selects. It returns nil
// when they are there, because readers see them. It returns err as
// unavailable when every server returned a count of 0. Otherwise it
// returns an unavailable error that wraps [saima.ErrOutcomeUnknown].
func (s *Store) settleInsert(ctx context.Context, err error, table, where string, args ...any) error {
	if err == nil {
		return nil
	}
	if !outcomeUnknown(err) {
		return unavailable(err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	found, complete, readErr := s.readBack(ctx, table, where, args...)
	switch {
	case found:
		// NOTE: after a 319 for a lost ZooKeeper connection, rather than a
		// quorum timeout, 18.16 may later drop a part that ZooKeeper never
		// recorded. This path is not tested.
		s.log.Warn("insert failed but stored its rows; counted as written", "table", table, "err", err)
		return nil
	case complete:
		s.log.Warn("insert failed and stored nothing", "table", table, "err", err)
		return unavailable(err)
	}
	s.log.Error("insert outcome unknown: the read-back failed", "table", table, "err", err, "read_back_err", readErr)
	return saima.Wrap(saima.KindUnavailable, outcomeUnknownMessage, fmt.Errorf("%w: %w", saima.ErrOutcomeUnknown, err))
}

// readBack counts the rows of table that where selects. found reports
// rows, and complete that every server with a share of table returned its count.
//
// On a cluster the Distributed table reads one replica of each shard,
// which may lack rows that another replica stored without the quorum. So
// when it finds none, every node's local table is read directly.
func (s *Store) readBack(ctx context.Context, table, where string, args ...any) (found, complete bool, err error) {
	query := "SELECT toUInt64(count()) FROM {db}." + table + " WHERE " + where
	n, err := countRows(ctx, s.engine, s.sql(query), args...)
	if err == nil && n > 0 {
		return true, true, nil
	}
	if s.cluster == nil {
		return false, err == nil, err
	}

	addrs := s.cluster.nodes
	if len(addrs) == 0 {
		layout, err := clusterLayout(ctx, s.engine, s.cluster.name)
		if err != nil {
			return false, false, err
		}
		for _, n := range layout {
			addrs = append(addrs, n.addr)
		}
	}
	local := s.sql("SELECT toUInt64(count()) FROM {db}." + localTable(table) + " WHERE " + where)
	complete = true
	for _, addr := range addrs {
		n, nodeErr := s.countOnNode(ctx, addr, local, args...)
		if nodeErr != nil {
			complete, err = false, fmt.Errorf("node %s: %w", addr, nodeErr)
			continue
		}
		if n > 0 {
			return true, true, nil
		}
	}
	return false, complete, err
}

// countOnNode runs query, a count, on the node at addr over a connection
// of its own.
func (s *Store) countOnNode(ctx context.Context, addr, query string, args ...any) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, nodeReadBackTimeout)
	defer cancel()
	e, err := s.cluster.opener.openNode(ctx, addr)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	return countRows(ctx, e, query, args...)
}

func countRows(ctx context.Context, e Engine, query string, args ...any) (uint64, error) {
	rows, err := e.Query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	var n uint64
	err = scanAll(rows, func() error { return rows.Scan(&n) })
	return n, err
}
