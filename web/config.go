package web

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// Config is the settings of the HTTP server. Start from [DefaultConfig]
// and change what differs. [New] calls [Config.Validate].
type Config struct {
	// Addr is the host:port to listen on, such as 127.0.0.1:8080.
	Addr string

	// EChartsPath is the path on disk of echarts.min.js, served at
	// /static/echarts.min.js. npm installs it under
	// node_modules/echarts/dist/.
	EChartsPath string

	// BodyLimit is the largest request body accepted, in bytes. It caps the
	// size of an uploaded file plus its multipart framing.
	BodyLimit int

	// ReadTimeout and WriteTimeout bound reading a whole request and
	// writing a whole response. Zero means no limit.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// ShutdownTimeout is how long [Server.Serve] waits for open requests
	// to finish once its context ends, before closing their connections.
	ShutdownTimeout time.Duration

	// UserHeader and UnitHeader name the request headers from which an
	// upload takes the uploader's account and unit, as set by the
	// intranet's authenticating reverse proxy. When they are empty, the
	// server reads no header and records uploads as the office's (no unit)
	// with the uploader "web".
	UserHeader string
	UnitHeader string
}

// DefaultConfig returns the settings used when nothing is configured:
// 127.0.0.1:8080, the echarts file of an `npm ci` in the working directory,
// a 32 MiB body limit and one-minute read and write timeouts.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		EChartsPath:     "node_modules/echarts/dist/echarts.min.js",
		BodyLimit:       32 << 20,
		ReadTimeout:     time.Minute,
		WriteTimeout:    time.Minute,
		ShutdownTimeout: 10 * time.Second,
	}
}

// Validate returns every problem with c joined into one error, or nil.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("invalid addr %q: %w", c.Addr, err))
	}
	if c.EChartsPath == "" {
		errs = append(errs, errors.New("echarts path is empty"))
	} else if _, err := os.Stat(c.EChartsPath); err != nil {
		errs = append(errs, fmt.Errorf("echarts file: %w (run `npm ci` in the repository root)", err))
	}
	if c.BodyLimit <= 0 {
		errs = append(errs, fmt.Errorf("body limit %d must be positive", c.BodyLimit))
	}
	if c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("timeouts must not be negative"))
	}
	return errors.Join(errs...)
}
