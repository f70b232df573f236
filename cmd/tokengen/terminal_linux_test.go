package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/sessionless/sessionless/internal/testci"
)

// openPTY opens a pseudo-terminal and returns its two ends. Without one
// the test skips, or fails in CI (CI=true).
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		testci.Skipf(t, "no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		testci.Skipf(t, "unlocking the pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		testci.Skipf(t, "naming the pseudo-terminal: %v", errno)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		testci.Skipf(t, "opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	_, tty := openPTY(t)
	for _, tt := range []struct {
		name   string
		stream any
		want   bool
	}{
		{"/dev/null, a character device", null, false},
		{"a file", file, false},
		{"a pipe", pr, false},
		{"a buffer", new(bytes.Buffer), false},
		{"a terminal", tty, true},
	} {
		if got := isTerminal(tt.stream); got != tt.want {
			t.Errorf("isTerminal(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// TestTerminal: seal from a terminal says how to end the input, from
// /dev/null it does not; a keyring is neither read from nor written to a
// terminal.
func TestTerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	doc := e.readFile()
	runWith := func(stdin, stdout *os.File, args ...string) result {
		t.Helper()
		var out, errOut bytes.Buffer
		var w io.Writer = &out
		if stdout != nil {
			w = stdout
		}
		c := newCLI(stdin, w, &errOut)
		c.now = func() time.Time { return t0 }
		r := result{c.main(args), out.String(), errOut.String()}
		record(auditOutput{what: "tokengen " + strings.Join(args, " "), text: r.stdout + "\n" + r.stderr})
		return r
	}

	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r := runWith(null, nil, "seal", "-keyring", e.path, "-purpose", "auth")
	check(t, "seal </dev/null", r, 1, "", "tokengen: error: the data is not valid JSON: unexpected end of JSON input (at byte 0)\n")

	master, tty := openPTY(t)
	// A line and Ctrl-D, as typed.
	if _, err := master.Write([]byte("{\"uid\":42}\n\x04")); err != nil {
		t.Fatal(err)
	}
	r = runWith(tty, nil, "seal", "-keyring", e.path, "-purpose", "auth")
	check(t, "seal from a terminal", r, 0, tokenRE, "tokengen: reading the JSON from the terminal; end it with Ctrl-D\n")

	r = runWith(tty, nil, "list", "-keyring", "-")
	check(t, "list -keyring - from a terminal", r, 1, "", re(`tokengen: error: -keyring - reads the keyring from stdin, which is a terminal\ntokengen: hint: pipe the keyring in, .*\n`))

	stdin, err := os.Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	r = runWith(stdin, tty, "rotate", "-keyring", "-")
	check(t, "rotate -keyring - to a terminal", r, 1, "", "tokengen: error: refusing to print the keyring, which holds its secrets, to a terminal\n"+
		"tokengen: hint: pipe it into the secret store, or redirect it to a private file\n")
	r = runWith(null, tty, "init", "-keyring", "-")
	check(t, "init -keyring - to a terminal", r, 1, "", re(`tokengen: error: refusing to print the keyring.*\n.*\n`))
	if string(e.readFile()) != string(doc) {
		t.Errorf("the file changed")
	}
}
