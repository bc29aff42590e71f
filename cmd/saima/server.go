package main

import (
	"context"

	"saima"
	"saima/clickhouse"
)

func (a *app) openServer(ctx context.Context) (clickhouse.Engine, error) {
	cfg := clickhouse.DefaultServerConfig()
	cfg.Addrs = splitList(a.cfg.Server.Addrs)
	cfg.Database = a.cfg.Database
	cfg.User, cfg.Password, cfg.TLS = a.cfg.Server.User, a.cfg.Server.Password, a.cfg.Server.TLS
	cfg.MaxOpenConns = a.cfg.Server.Pool
	cfg.DialTimeout, cfg.ReadTimeout = a.cfg.Server.DialTimeout, a.cfg.Server.ReadTimeout
	e, err := clickhouse.OpenServer(ctx, cfg, a.log)
	if err != nil {
		return nil, saima.Wrap(saima.KindUnavailable, "无法连接 ClickHouse 服务器", err)
	}
	return e, nil
}
