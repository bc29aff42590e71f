package web

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr []string // substrings of the error, or none for a valid config
	}{
		{"OK", func(*Config) {}, nil},
		{"ErrAddr", func(c *Config) { c.Addr = "8080" }, []string{"invalid addr"}},
		{"ErrEChartsMissing", func(c *Config) { c.EChartsPath = "/nonexistent/echarts.min.js" }, []string{"npm ci"}},
		{"ErrEChartsEmpty", func(c *Config) { c.EChartsPath = "" }, []string{"echarts path is empty"}},
		{"ErrBodyLimit", func(c *Config) { c.BodyLimit = 0 }, []string{"body limit 0"}},
		{"ErrTimeout", func(c *Config) { c.ReadTimeout = -1 }, []string{"timeouts"}},
		{"ErrSeveral", func(c *Config) { c.Addr = ""; c.BodyLimit = -1 }, []string{"invalid addr", "body limit -1"}},
		{"ErrNoSecret", func(c *Config) { c.SessionSecret = nil }, []string{"session secret has 0 bytes, want at least 32"}},
		{"ErrShortSecret", func(c *Config) { c.SessionSecret = make([]byte, 31) }, []string{"session secret has 31 bytes"}},
		{"ErrSessionTTL", func(c *Config) { c.SessionTTL = 0 }, []string{"session TTL 0s"}},
		{"ErrLoginRateLimit", func(c *Config) { c.LoginRateLimit.PerAccount = 0 }, []string{"login rate limit"}},
		{"ErrLoginWindow", func(c *Config) { c.LoginRateLimit.Window = -time.Minute }, []string{"login rate limit"}},
		{"City", func(c *Config) { c.City = "杭州市" }, nil},
		{"ErrCityLong", func(c *Config) { c.City = "杭州市杭州市杭州市杭州市杭" }, []string{"有 13 个字，最多 12 个"}},
		{"ErrCitySpace", func(c *Config) { c.City = " 杭州市" }, []string{"前后有空格"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestNewRejectsMissingDeps(t *testing.T) {
	_, err := New(testConfig(t), Deps{})
	if err == nil {
		t.Fatal("New with no deps = nil error, want one")
	}
	for _, w := range []string{"store is nil", "accounts are nil", "importer is nil", "fonts are nil"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("New error = %v, want it to contain %q", err, w)
		}
	}
}
