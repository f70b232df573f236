package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinary runs the real binary, built by TestMain, to check the exit
// statuses that main passes to os.Exit and the use of stdin and stdout.
func TestBinary(t *testing.T) {
	t.Parallel()
	if binPath == "" {
		t.Skip("the binary is not built when fuzzing")
	}
	e := newEnv(t)
	tokengen := func(stdin string, args ...string) result {
		t.Helper()
		cmd := exec.Command(binPath, args...)
		cmd.Dir = e.dir
		if stdin != devNull {
			cmd.Stdin = strings.NewReader(stdin)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("running tokengen: %v", err)
		}
		r := result{code, stdout.String(), stderr.String()}
		harvest(e.path)
		o := auditOutput{what: "the binary: tokengen " + strings.Join(args, " "), text: r.stdout + "\n" + r.stderr}
		if keyringOnStdout(args) {
			harvestDoc(stdout.Bytes())
			o.text = r.stderr
		}
		record(o)
		if l := leaks(o); len(l) > 0 {
			t.Errorf("%s: the output holds a secret: %v", o.what, l)
		}
		return r
	}
	k := e.path
	check(t, "-version", tokengen("", "-version"), 0, versionRE, "")
	check(t, "-h", tokengen("", "-h"), 0, usage, "")
	check(t, "no arguments", tokengen(""), 2, "", usage)
	check(t, "unknown command", tokengen("", "frobnicate"), 2, "", re(`tokengen: error: unknown command "frobnicate"; .*\nRun 'tokengen -h' for usage.\n`))
	check(t, "no keyring", tokengen("", "list"), 2, "", "tokengen: error: no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE\nRun 'tokengen list -h' for usage.\n")
	check(t, "missing file", tokengen("", "list", "-keyring", k), 1, "", re(`tokengen: error: keyring file .* does not exist\n.*\n`))
	check(t, "init", tokengen("", "init", "-keyring", k), 0, re(`created .* with key `+idRE+` \(primary\)\n`), "")
	e.checkFile()
	check(t, "init again", tokengen("", "init", "-keyring", k), 1, "", re(`tokengen: error: .* already exists: .*\n.*\n`))
	check(t, "rotate -h", tokengen("", "rotate", "-h"), 0, rotateUsage, "")

	// A relative path, and the variable.
	cmd := exec.Command(binPath, "list")
	cmd.Dir = e.dir
	cmd.Env = append(cmd.Environ(), "SESSIONLESS_KEYRING_FILE="+filepath.Base(k))
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "ID ") {
		t.Errorf("list with $SESSIONLESS_KEYRING_FILE = %q, %v", out, err)
	}
	record(auditOutput{what: "the binary: list (env)", text: string(out)})

	// seal | open, through stdin.
	r := tokengen(`{"uid": 42}`, "seal", "-keyring", k, "-purpose", "auth")
	check(t, "seal", r, 0, tokenRE, "")
	r = tokengen(r.stdout, "open", "-keyring", k, "-purpose", "auth")
	check(t, "open", r, 0, re(`\{\n  "kid": "`+idRE+`",\n.*  "data": \{\n    "uid": 42\n  \}\n\}\n`), "")
	check(t, "open garbage", tokengen("garbage", "open", "-keyring", k, "-purpose", "auth"), 1, "", "tokengen: error: token does not open: malformed: not a token of this shape, header or size\n")
	check(t, "bad duration", tokengen("", "rotate", "-keyring", k, "-activate-in", "soon"), 2, "", re(`tokengen: error: invalid value "soon" for flag -activate-in: .*\nRun 'tokengen rotate -h' for usage.\n`))
	e.checkFile()

	// /dev/null is a character device, not a terminal.
	check(t, "seal </dev/null", tokengen(devNull, "seal", "-keyring", k, "-purpose", "auth"), 1, "", "tokengen: error: the data is not valid JSON: unexpected end of JSON input (at byte 0)\n")

	// The keyring through pipes: stdin in, stdout out, messages on stderr.
	r = tokengen("", "init", "-keyring", "-")
	check(t, "init -keyring -", r, 0, re(`\{\n.*\}\n`), re(`created a keyring with key `+idRE+` \(primary\) on stdout\n`))
	r = tokengen(r.stdout, "rotate", "-keyring", "-", "-activate-in", "10m")
	check(t, "rotate -keyring -", r, 0, re(`\{\n.*\}\n`), re(`added key `+idRE+`: pending, activates \S+ \(in 10m0s\)\n`))
	check(t, "list -keyring -", tokengen(r.stdout, "list", "-keyring", "-"), 0, re(`ID +STATE .*\n\S+ +primary .*\n\S+ +pending .*\n`), "")
	if _, err := os.Lstat(filepath.Join(e.dir, "-.lock")); !os.IsNotExist(err) {
		t.Errorf("-keyring - made a lock file")
	}
}

// devNull, as the stdin of TestBinary's tokengen, runs it with /dev/null
// as its stdin.
const devNull = "\x00/dev/null"
