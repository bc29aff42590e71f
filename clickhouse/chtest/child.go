package chtest

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// child is a server process that a test started: clickhouse-server or
// ZooKeeper.
type child struct {
	name  string // for errors, such as "clickhouse-server on 127.0.0.1:9000"
	cmd   *exec.Cmd
	group bool          // Stop signals the process group that cmd leads
	done  chan struct{} // closed once the process has exited

	stopOnce sync.Once
	stopErr  error
}

// startChild starts cmd, whose output goes to out, and closes out once the
// process exits. With group set, cmd must lead a process group of its own
// (Setpgid), and stop signals the whole group.
func startChild(name string, cmd *exec.Cmd, out *os.File, group bool) (*child, error) {
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("run %s: %w", cmd.Path, err)
	}
	c := &child{name: name, cmd: cmd, group: group, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		out.Close()
		close(c.done)
	}()
	return c, nil
}

// exited reports whether the process has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, and SIGKILL when the process has not exited after
// timeout, then waits for it. logTail, when the process had to be killed,
// returns the end of its log for the error. Later calls return the first
// call's result.
func (c *child) stop(timeout time.Duration, logTail func() string) error {
	c.stopOnce.Do(func() {
		if err := c.signal(syscall.SIGTERM); err != nil && !c.exited() {
			c.stopErr = fmt.Errorf("send SIGTERM to %s: %w", c.name, err)
		}
		// A process stopped by SIGSTOP handles SIGTERM once resumed.
		c.signal(syscall.SIGCONT)
		select {
		case <-c.done:
		case <-time.After(timeout):
			c.signal(syscall.SIGKILL)
			<-c.done
			c.stopErr = fmt.Errorf("%s ignored SIGTERM for %s and was killed\n%s", c.name, timeout, logTail())
		}
	})
	return c.stopErr
}

func (c *child) signal(sig syscall.Signal) error {
	if c.group {
		return syscall.Kill(-c.cmd.Process.Pid, sig)
	}
	return c.cmd.Process.Signal(sig)
}

// waitExit waits up to timeout for the process to exit on its own and
// reports whether it did.
func (c *child) waitExit(timeout time.Duration) bool {
	select {
	case <-c.done:
		return true
	case <-time.After(timeout):
		return false
	}
}
