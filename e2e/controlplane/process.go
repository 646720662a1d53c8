package controlplane

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is a child process started in its own process group with its output in a log
// file. Stop signals the whole group, so helpers the child forks go too. The child also
// gets SIGKILL from the kernel (Pdeathsig) if this program dies without calling Stop.
type Process struct {
	Name    string
	LogPath string

	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{}
	waitErr error

	stopOnce sync.Once
	stopErr  error
}

// Pdeathsig is delivered when the OS thread that forked the child exits, not when the
// process does. Go may retire threads, so every child is forked from one goroutine that is
// locked to its thread for the life of the program.
type spawnRequest struct {
	cmd   *exec.Cmd
	reply chan error
}

var spawnRequests = sync.OnceValue(func() chan spawnRequest {
	ch := make(chan spawnRequest)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread lives until the program exits
		for req := range ch {
			req.reply <- req.cmd.Start()
		}
	}()
	return ch
})

// StartProcess starts path with args, appending stdout and stderr to logPath.
// env entries are added to the current environment.
func StartProcess(name, path string, args []string, logPath string, env ...string) (*Process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: open log: %w", name, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	reply := make(chan error, 1)
	spawnRequests() <- spawnRequest{cmd: cmd, reply: reply}
	if err := <-reply; err != nil {
		logFile.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, path, err)
	}
	p := &Process{Name: name, LogPath: logPath, cmd: cmd, logFile: logFile, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process id (also its process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError describes how the process ended; call it after Done is closed.
func (p *Process) ExitError() error {
	select {
	case <-p.done:
		if p.waitErr == nil {
			return fmt.Errorf("%s exited with status 0", p.Name)
		}
		return fmt.Errorf("%s exited: %w", p.Name, p.waitErr)
	default:
		return nil
	}
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signal sends sig to the process group.
func (p *Process) Signal(sig syscall.Signal) error {
	err := syscall.Kill(-p.Pid(), sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// Stop sends SIGTERM to the process group, waits up to grace for the process to exit,
// then sends SIGKILL. It always finishes with SIGKILL to the group so no grandchild
// survives, and it returns only when the process has been reaped (or 5 s after SIGKILL,
// which only a process stuck in the kernel can outlast). Safe to call more than once.
func (p *Process) Stop(grace time.Duration) error {
	p.stopOnce.Do(func() {
		if !p.Exited() {
			_ = p.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(grace):
				p.stopErr = fmt.Errorf("%s did not exit within %s of SIGTERM; killed", p.Name, grace)
			}
		}
		_ = p.Signal(syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			p.stopErr = fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.Name, p.Pid())
		}
	})
	return p.stopErr
}

// LogTail returns the last n lines of the process log.
func (p *Process) LogTail(n int) string { return FileTail(p.LogPath, n) }

// FileTail returns the last n lines of a file (at most the last 64 KiB of it).
func FileTail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	defer f.Close()
	const maxTail = 64 << 10
	if st, err := f.Stat(); err == nil && st.Size() > maxTail {
		_, _ = f.Seek(st.Size()-maxTail, io.SeekStart)
	}
	data, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logContains reports whether the process log holds any of the needles.
func (p *Process) logContains(needles ...string) bool {
	data, err := os.ReadFile(p.LogPath)
	if err != nil {
		return false
	}
	for _, n := range needles {
		if bytes.Contains(data, []byte(n)) {
			return true
		}
	}
	return false
}
