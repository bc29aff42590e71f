package main

import (
	"context"
	"errors"

	"saima"
	"saima/clickhouse"
)

// openServerStore opens the store on the configured ClickHouse server or
// cluster. When no server responds it still returns the store, which
// connects and applies the schema at its first use (see
// clickhouse.OpenServerStore), so that serve keeps running through an
// outage and the other commands fail at their first query.
func (a *app) openServerStore(ctx context.Context) (*clickhouse.Store, error) {
	cfg := clickhouse.DefaultServerConfig()
	cfg.Addrs = splitList(a.cfg.Server.Addrs)
	cfg.Database = a.cfg.Database
	cfg.User, cfg.Password, cfg.TLS = a.cfg.Server.User, a.cfg.Server.Password, a.cfg.Server.TLS
	cfg.InsecureSkipVerify = a.cfg.Server.InsecureSkipVerify
	cfg.MaxOpenConns = a.cfg.Server.Pool
	cfg.DialTimeout, cfg.ReadTimeout = a.cfg.Server.DialTimeout, a.cfg.Server.ReadTimeout
	cfg.Cluster = a.cfg.Server.Cluster
	opts := clickhouse.StoreOptions{
		Cluster:    a.cfg.Server.Cluster,
		Replicated: a.cfg.Server.Replicated,
		Nodes:      splitList(a.cfg.Server.Nodes),
	}
	if err := errors.Join(cfg.Validate(), opts.Validate()); err != nil {
		return nil, usagef("ClickHouse 服务器的选项有误：%v", err)
	}

	st, err := clickhouse.OpenServerStore(ctx, cfg, opts, a.log)
	if err != nil {
		return nil, saima.Wrap(saima.KindUnavailable, "无法打开 ClickHouse 数据库，请检查 --ch-* 连接设置", err)
	}
	return st, nil
}
