package clickhouse

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestUploadOwnerStopped(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	this := process{host: "h1", pid: os.Getpid(), instance: "aaaa"}
	a := &uploadAudit{owner: this}
	now := time.Now()
	owner := func(host string, pid int, instance string) string {
		return process{host: host, pid: pid, instance: instance}.String()
	}
	tests := []struct {
		name     string
		owner    string
		lastSeen time.Time
		want     bool
	}{
		{"ThisProcess", this.String(), now.Add(-time.Hour), false},
		{"SamePIDOtherInstance", owner("h1", os.Getpid(), "bbbb"), now, true},
		{"RunningPID", owner("h1", os.Getppid(), "cccc"), now.Add(-time.Hour), false},
		{"StoppedPID", owner("h1", cmd.Process.Pid, "dddd"), now, true},
		{"OtherHostRenewed", owner("h2", 1, "eeee"), now.Add(-time.Minute), false},
		{"OtherHostLeaseOver", owner("h2", 1, "eeee"), now.Add(-uploadLease - time.Second), true},
		{"HostWithSlashes", owner("h1/x", 1, "ffff"), now, false},
		{"UnknownOwnerFresh", "", now, false},
		{"UnknownOwnerStale", "", now.Add(-uploadLease - time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.stopped(tt.owner, tt.lastSeen, now); got != tt.want {
				t.Errorf("stopped(%q, %s ago) = %v, want %v", tt.owner, now.Sub(tt.lastSeen), got, tt.want)
			}
		})
	}
}

// TestUploadOwnerPIDReused checks that a running process that got the
// pid of an upload's stopped owner is not taken for that owner: the start
// recorded with the upload differs from the one the pid has now.
func TestUploadOwnerPIDReused(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	started := processStart(pid)
	if started == "" {
		t.Fatalf("processStart(%d) is empty for a running child", pid)
	}
	if own := processStart(os.Getpid()); own == started {
		t.Fatalf("processStart gives the child and this process the same start %q", own)
	}
	a := &uploadAudit{owner: process{host: "h1", pid: os.Getpid(), instance: "aaaa", started: processStart(os.Getpid())}}
	now := time.Now()
	tests := []struct {
		name    string
		started string
		want    bool
	}{
		{"SameStart", started, false},
		{"OtherStart", started + "1", true},
		{"StartNotRecorded", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := process{host: "h1", pid: pid, instance: "bbbb", started: tt.started}.String()
			if got := a.stopped(owner, now, now); got != tt.want {
				t.Errorf("stopped(%q) = %v, want %v", owner, got, tt.want)
			}
		})
	}
}

func TestParseProcessRoundTrip(t *testing.T) {
	for _, p := range []process{
		{host: "saima-1.intranet", pid: 4242, instance: "0a1b2c"},
		{host: "saima-1.intranet", pid: 4242, instance: "0a1b2c", started: "9f2e1c6a-7b5d-4e3f-8a1b-2c3d4e5f6a7b.123456"},
	} {
		got, ok := parseProcess(p.String())
		if !ok || got != p {
			t.Errorf("parseProcess(%q) = %+v, %v; want %+v, true", p.String(), got, ok, p)
		}
	}
	for _, bad := range []string{"", "host", "host/x/y", "host/0/y", "host/-3/y"} {
		if _, ok := parseProcess(bad); ok {
			t.Errorf("parseProcess(%q) succeeded, want failure", bad)
		}
	}
}

func TestProcessRunsZombie(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	// Until Wait collects it, the exited child is a zombie.
	deadline := time.Now().Add(10 * time.Second)
	for processRuns(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if processRuns(pid) {
		t.Errorf("processRuns(%d) = true for an exited, uncollected child, want false", pid)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if !processRuns(os.Getpid()) {
		t.Errorf("processRuns(own pid) = false, want true")
	}
}
