package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// healthJSON is the reply of GET /healthz.
type healthJSON struct {
	Status  string `json:"status"` // "ok" or "unavailable"
	Engine  string `json:"engine"`
	Message string `json:"message,omitempty"`
}

// handleHealth pings the store with a short timeout, so that a load
// balancer probing a stuck database gets a reply within seconds. The ping
// reads the ledger, so the reply is 503 whenever the pages would be,
// including while a shard of a cluster is down.
func (s *Server) handleHealth(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()

	reply := healthJSON{Status: "ok", Engine: s.store.EngineName()}
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "engine", reply.Engine, "err", err)
		reply.Status = "unavailable"
		reply.Message = "数据库暂时无法连接，请稍后重试"
		if saima.ErrorKind(err) == saima.KindUnavailable {
			reply.Message = saima.ErrorMessage(err)
		}
		return c.Status(http.StatusServiceUnavailable).JSON(reply)
	}
	return c.JSON(reply)
}
