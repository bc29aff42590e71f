package web

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"saima/reports"
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
	// to finish once its context ends. At the limit it cancels the imports
	// of open requests, which record their uploads as failed and reply
	// 503. It then waits as long again for background imports (POST
	// /api/uploads/jobs) before cancelling them.
	ShutdownTimeout time.Duration

	// CacheTTL is how long the server reuses the reads every page repeats
	// (accounts, scored periods, standings, the last-updated time). Writes
	// through this server clear them at once; other writers show after at
	// most CacheTTL, and a disabled account keeps access as long. Zero
	// turns the cache off.
	CacheTTL time.Duration

	// DraftDelay is how long the running quarter's draft waits after a
	// committed upload before it is scored again. Uploads within the
	// wait share one scoring run. Zero scores at once.
	DraftDelay time.Duration

	// AnnualRule is the formula of the annual stocktake report, from the
	// rule set. Nil means reports.DefaultAnnualRule.
	AnnualRule *reports.AnnualRule

	// City is the city named at the start of the PDF reports' titles,
	// such as 杭州市 in 杭州市数字化改革赛马考评季度报告. Empty means the
	// roster's city (ingest.RosterCity), or else reports.DefaultCity.
	City string

	// SessionSecret signs session cookies and CSRF tokens. It must have
	// at least 32 bytes. Every instance behind one load balancer needs the
	// same secret, so that each accepts the sessions the others started,
	// and a new secret ends every session. Required.
	SessionSecret []byte

	// SessionTTL is how long a sign-in lasts, counted from sign-in.
	SessionTTL time.Duration

	// SecureCookies marks the cookies Secure, so that browsers send them
	// over HTTPS only. Set it when users reach saima over HTTPS.
	SecureCookies bool

	// LoginRateLimit caps failed sign-ins.
	LoginRateLimit LoginRateLimit
}

// LoginRateLimit caps failed sign-ins within a sliding window. Once a
// client address or an account name reaches its cap, further sign-ins
// from it or on it get 429 until its oldest counted failure leaves the
// window. A successful sign-in clears the account's count, not the
// address's. Both are counted in the database, so every instance over it
// shares them.
//
// NOTE: the address is the TCP peer's. Behind a reverse proxy every
// client shares the proxy's address, so PerIP then caps all clients
// together; raise it there.
type LoginRateLimit struct {
	PerIP      int           // failures from one client address
	PerAccount int           // failures on one account name
	Window     time.Duration // the span failures are counted over
}

const minSecretBytes = 32

// DefaultConfig returns the settings used when nothing is configured:
// 127.0.0.1:8080, the echarts file of an `npm ci` in the working directory,
// a 32 MiB body limit, one-minute read and write timeouts and drafts
// scored 5 seconds after an upload. Sessions
// last twelve hours, and sign-in allows 20 failures per address and 5 per
// account in 15 minutes. It has no SessionSecret, which callers must set.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		EChartsPath:     "node_modules/echarts/dist/echarts.min.js",
		BodyLimit:       32 << 20,
		ReadTimeout:     time.Minute,
		WriteTimeout:    time.Minute,
		ShutdownTimeout: 10 * time.Second,
		SessionTTL:      12 * time.Hour,
		DraftDelay:      5 * time.Second,
		LoginRateLimit:  LoginRateLimit{PerIP: 20, PerAccount: 5, Window: 15 * time.Minute},
	}
}

// Validate returns every problem with c joined into one error, or nil.
func (c Config) Validate() error {
	var errs []error
	if err := reports.CheckCity(c.City); err != nil {
		errs = append(errs, err)
	}
	if c.CacheTTL < 0 {
		errs = append(errs, fmt.Errorf("CacheTTL %v is negative; use 0 to turn the cache off", c.CacheTTL))
	}
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
	if c.DraftDelay < 0 {
		errs = append(errs, fmt.Errorf("draft delay %v is negative; use 0 to score at once", c.DraftDelay))
	}
	if c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("timeouts must not be negative"))
	}
	if len(c.SessionSecret) < minSecretBytes {
		errs = append(errs, fmt.Errorf("session secret has %d bytes, want at least %d", len(c.SessionSecret), minSecretBytes))
	}
	if c.SessionTTL <= 0 {
		errs = append(errs, fmt.Errorf("session TTL %v must be positive", c.SessionTTL))
	}
	if l := c.LoginRateLimit; l.PerIP <= 0 || l.PerAccount <= 0 || l.Window <= 0 {
		errs = append(errs, fmt.Errorf("login rate limit %+v: every field must be positive", l))
	}
	return errors.Join(errs...)
}
