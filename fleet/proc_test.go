//go:build linux

package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// moduleRoot is the repository root: go test runs in the package folder.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod in %s: %v", root, err)
	}
	return root
}

// goTool returns the go command that runs this test.
func goTool(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	t.Fatal("the go command is not on PATH and GOROOT is not set")
	return ""
}

// binary is a program the test builds: a package (a path relative to dir,
// such as ./examples/demo; dir "" is the repository's root) into out, with
// files replaced as go build -overlay does (an overlay JSON file, or "").
type binary struct {
	dir, pkg, out, overlay string
}

// build compiles the binaries, in parallel.
func build(t testing.TB, race bool, bins ...binary) {
	t.Helper()
	root, gotool := moduleRoot(t), goTool(t)
	errs := make([]error, len(bins))
	var wg sync.WaitGroup
	for i, b := range bins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"build", "-o", b.out}
			if race {
				args = append(args, "-race")
			}
			if b.overlay != "" {
				args = append(args, "-overlay", b.overlay)
			}
			cmd := exec.Command(gotool, append(args, b.pkg)...)
			cmd.Dir = root
			if b.dir != "" {
				cmd.Dir = b.dir
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go %s: %v\n%s", strings.Join(append(args, b.pkg), " "), err, out)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// logBuffer collects a child's output; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a child in a process group of its own, so that a signal
// reaches it and anything it starts.
type process struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr *logBuffer
	done           chan struct{} // closed when it has exited
	err            error         // from Wait, once done is closed
}

// startProcess starts bin with args and extra environment variables, as
// the user cred if not nil. Pdeathsig kills it if the test binary dies
// without running its clean-ups (a -timeout panic).
func startProcess(name, bin string, args, env []string, cred *syscall.Credential) (*process, error) {
	p := &process{name: name, stdout: new(logBuffer), stderr: new(logBuffer), done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the process group.
func (p *process) signal(sig syscall.Signal) error {
	if p.exited() {
		return nil
	}
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}

// wait waits up to d for the process to exit and reports whether it did.
func (p *process) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// kill sends SIGKILL to the group and waits for the exit.
func (p *process) kill() error {
	if err := p.signal(syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	if !p.wait(10 * time.Second) {
		return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, p.cmd.Process.Pid)
	}
	return nil
}

// freePort returns a loopback port that was free a moment ago. A child
// cannot be given 127.0.0.1:0 and report back through a listener we hold,
// so the port is found by listening and closing; the caller retries on a
// bind failure, since another process may take it in between.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitOutput waits up to d for s in the process's stdout, and fails early
// if the process exits first.
func (p *process) waitOutput(s string, d time.Duration) error { return p.waitIn(p.stdout, s, d) }

// waitIn is waitOutput for either of the process's outputs.
func (p *process) waitIn(out *logBuffer, s string, d time.Duration) error {
	end := time.Now().Add(d)
	for {
		if strings.Contains(out.String(), s) {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited (%v) before saying %q; stderr:\n%s", p.name, p.err, s, p.stderr)
		}
		if time.Now().After(end) {
			return fmt.Errorf("%s did not say %q within %v; stderr:\n%s", p.name, s, d, p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bindFailed reports whether the process exited because its port was
// taken.
func (p *process) bindFailed() bool {
	return p.exited() && strings.Contains(p.stderr.String(), "address already in use")
}

// procSet is every process a test started, for the clean-up.
type procSet struct {
	mu    sync.Mutex
	procs []*process
}

func (s *procSet) add(p *process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.procs = append(s.procs, p)
}

func (s *procSet) all() []*process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*process(nil), s.procs...)
}

// killAll kills every process still running. It is the t.Cleanup of the
// tests, so it runs on every exit path, t.Fatal included.
func (s *procSet) killAll(t testing.TB) {
	for _, p := range s.all() {
		if err := p.kill(); err != nil {
			t.Errorf("clean-up: %v", err)
		}
	}
}

// readVmRSS returns the resident set size of pid in bytes, from
// /proc/PID/status.
func readVmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("VmRSS line %q: %v", line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// machine describes the machine for the reports.
type machine struct {
	NProc int    `json:"nproc"`
	CPU   string `json:"cpu"`
	Go    string `json:"go"`
	OS    string `json:"os"`
}

func describeMachine() machine {
	m := machine{NProc: nproc(), Go: goVersion(), OS: "linux"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return m
}
