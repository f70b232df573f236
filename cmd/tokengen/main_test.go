package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// binPath is the tokengen binary built by TestMain.
var binPath string

func TestMain(m *testing.M) {
	// The tests name the keyring with -keyring; an operator's environment
	// must not leak in.
	os.Unsetenv(keyring.EnvKeyringFile)
	os.Unsetenv(keyring.EnvKeyring)
	flag.Parse()
	if fuzzing() {
		// Every fuzzing worker runs TestMain: building there would use
		// up the fuzzing time. TestBinary is not run when fuzzing.
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "tokengen-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "tokengen")
	if out, err := exec.Command(goTool(), "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building tokengen: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 && !auditAll() {
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// testFlag returns the value of the go test flag name ("run" for -test.run).
func testFlag(name string) string {
	if f := flag.Lookup("test." + name); f != nil {
		return f.Value.String()
	}
	return ""
}

// fuzzing reports whether this process fuzzes (-fuzz), as the
// coordinator or a worker.
func fuzzing() bool { return testFlag("fuzz") != "" || testFlag("fuzzworker") == "true" }

// goTool is the go command that runs the tests: go test puts its own
// GOROOT/bin first in the PATH of the test binary.
func goTool() string { return "go" }

// The audit: every output of every run of the tests, and every secret of
// every keyring they made, in the encodings a leak could take. No output
// may hold a secret, except that export-key -unsafe-print-secret prints a
// derived key.
var audit struct {
	sync.Mutex
	outputs   []auditOutput
	secrets   map[string]string // encoded secret → description
	harvested map[string]bool   // keyring documents already read
}

type auditOutput struct {
	what       string // the command line, for the report
	text       string // stdout and stderr
	derivedKey bool   // may hold a derived (purpose) key: export-key
}

// auditPurposes are the purposes whose derived keys are secrets too.
var auditPurposes = []string{"auth", "remember", "email-verify"}

// harvest records the secrets of the keyring file at path, if there is one,
// reading them as the brief says: Parse, Marshal, and the "secret" members.
func harvest(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	harvestDoc(data)
}

// harvestDoc records the secrets of the keyring document data, if it is one.
func harvestDoc(data []byte) {
	audit.Lock()
	seen := audit.harvested[string(data)]
	audit.Unlock()
	if seen {
		return
	}
	r, err := keyring.Parse(data)
	if err != nil {
		return
	}
	doc, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	var f struct {
		Keys []struct {
			ID     string `json:"id"`
			Secret string `json:"secret"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(doc, &f); err != nil {
		panic(err)
	}
	audit.Lock()
	defer audit.Unlock()
	if audit.secrets == nil {
		audit.secrets = map[string]string{}
		audit.harvested = map[string]bool{}
	}
	audit.harvested[string(data)] = true
	for _, k := range f.Keys {
		raw, err := base64.RawURLEncoding.DecodeString(k.Secret)
		if err != nil {
			panic(err)
		}
		for _, enc := range encodings(raw) {
			audit.secrets[enc] = "master secret of key " + k.ID
		}
		for _, p := range auditPurposes {
			d, err := r.UnsafeExportPurposeKey(k.ID, p)
			if err != nil {
				panic(err)
			}
			for _, enc := range encodings(d) {
				audit.secrets[enc] = "derived key of key " + k.ID + " for " + p
			}
		}
	}
}

// encodings returns the ways a key could appear in text.
func encodings(b []byte) []string {
	return []string{
		base64.RawURLEncoding.EncodeToString(b),
		base64.StdEncoding.EncodeToString(b)[:40], // a prefix catches padded and unpadded forms
		hex.EncodeToString(b),
		strings.ToUpper(hex.EncodeToString(b)),
	}
}

func record(o auditOutput) {
	audit.Lock()
	audit.outputs = append(audit.outputs, o)
	audit.Unlock()
}

// leaks returns the secrets found in the output o.
func leaks(o auditOutput) []string {
	audit.Lock()
	defer audit.Unlock()
	var found []string
	for enc, what := range audit.secrets {
		if o.derivedKey && strings.HasPrefix(what, "derived key") {
			continue
		}
		if strings.Contains(o.text, enc) {
			found = append(found, what)
		}
	}
	sort.Strings(found)
	return found
}

// auditAll checks every output against every secret, at the end of the
// tests, and reports whether none leaked.
func auditAll() bool {
	audit.Lock()
	outs := slices.Clone(audit.outputs)
	n := len(audit.secrets)
	audit.Unlock()
	ok := true
	for _, o := range outs {
		if l := leaks(o); len(l) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the output of %s holds a secret: %v\n", o.what, l)
			ok = false
		}
	}
	if ok && (len(outs) < 100 || n < 40) && wholeSuite() {
		// The whole suite ran and the audit saw almost nothing: the audit
		// itself is broken.
		fmt.Fprintf(os.Stderr, "FAIL: the secret audit saw only %d outputs and %d secrets\n", len(outs), n)
		ok = false
	}
	return ok
}

// wholeSuite reports whether every test ran: no -run, -skip or -fuzz.
func wholeSuite() bool {
	return testFlag("run") == "" && testFlag("skip") == "" && !fuzzing()
}

// result is the outcome of one run.
type result struct {
	code           int
	stdout, stderr string
}

// env is a test's folder, keyring path and clock.
type env struct {
	t    *testing.T
	dir  string
	path string
	now  time.Time // the clock of every run; the zero time is the real clock
	// clock, if set, is the clock of every run instead of now: a clock
	// the test moves (TestTwoServerRotation).
	clock func() time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, path: filepath.Join(dir, "keyring.json")}
	return e
}

// exec runs tokengen with args and stdin, through newCLI as run does, with
// the env's clock; it records the outputs and the keyring's secrets for
// the audit, and checks right away that no output holds a secret.
func (e *env) exec(stdin string, args ...string) result {
	e.t.Helper()
	harvest(e.path)
	var stdout, stderr bytes.Buffer
	c := newCLI(strings.NewReader(stdin), &stdout, &stderr)
	if !e.now.IsZero() {
		now := e.now
		c.now = func() time.Time { return now }
	}
	if e.clock != nil {
		c.now = e.clock
	}
	harvestDoc([]byte(stdin))
	code := c.main(args)
	harvest(e.path)
	res := result{code, stdout.String(), stderr.String()}
	o := auditOutput{
		what:       "tokengen " + strings.Join(args, " "),
		text:       res.stdout + "\n" + res.stderr,
		derivedKey: len(args) > 0 && args[0] == "export-key" && slices.Contains(args, "-unsafe-print-secret"),
	}
	if keyringOnStdout(args) {
		// stdout is the keyring document, secrets and all; the rest of
		// the output is audited against them.
		harvestDoc(stdout.Bytes())
		o.text = res.stderr
	}
	record(o)
	if l := leaks(o); len(l) > 0 {
		e.t.Errorf("%s: the output holds a secret: %v", o.what, l)
	}
	if strings.Contains(res.stderr, "internal error") {
		e.t.Errorf("%s: panicked: %q", o.what, res.stderr)
	}
	return res
}

// keyringOnStdout reports whether the command line args writes a keyring
// document to stdout: a command that changes the keyring, with -keyring -.
func keyringOnStdout(args []string) bool {
	if len(args) == 0 || !slices.Contains([]string{"init", "rotate", "promote", "retire", "revoke"}, args[0]) {
		return false
	}
	for i := 1; i+1 < len(args); i++ {
		if (args[i] == "-keyring" || args[i] == "--keyring") && args[i+1] == "-" {
			return true
		}
	}
	return slices.Contains(args, "-keyring=-")
}

// cmd runs the command name with -keyring and args, and no stdin.
func (e *env) cmd(name string, args ...string) result {
	e.t.Helper()
	return e.exec("", append([]string{name, "-keyring", e.path}, args...)...)
}

// cmdIn runs the command name with -keyring, args and stdin.
func (e *env) cmdIn(stdin, name string, args ...string) result {
	e.t.Helper()
	return e.exec(stdin, append([]string{name, "-keyring", e.path}, args...)...)
}

// check compares r with the exit code and the outputs. An expected output
// is a string (exact) or a *regexp.Regexp (which must match all of it).
func check(t *testing.T, what string, r result, code int, stdout, stderr any) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit status %d; want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
	}
	match := func(name, got string, want any) {
		switch w := want.(type) {
		case string:
			if got != w {
				t.Errorf("%s: %s differs (-want +got):\n%s", what, name, cmp.Diff(w, got))
			}
		case *regexp.Regexp:
			if !w.MatchString(got) {
				t.Errorf("%s: %s = %q; want a match of %s", what, name, got, w)
			}
		default:
			panic("check: want a string or a *regexp.Regexp")
		}
	}
	match("stdout", r.stdout, stdout)
	match("stderr", r.stderr, stderr)
}

// re compiles an expectation that must match the whole output.
func re(s string) *regexp.Regexp { return regexp.MustCompile(`\A(?s:` + s + `)\z`) }

// versionRE matches what -version prints (see TestBuildVersion).
var versionRE = re(`(\(devel\)( revision [0-9a-f]{12}(, modified)?)?|v\S+)\n`)

// idRE matches a generated key id.
const idRE = `[A-Za-z0-9_-]{8}`

// checkFile checks the keyring file after a write: mode 0600, it loads,
// it holds exactly the keys ids (if any are given), and no temporary file
// is left beside it. It returns the ring.
func (e *env) checkFile(ids ...string) *keyring.Ring {
	e.t.Helper()
	return e.checkFileMode(0o600, ids...)
}

// checkFileMode is checkFile for a file of mode m.
func (e *env) checkFileMode(m os.FileMode, ids ...string) *keyring.Ring {
	e.t.Helper()
	fi, err := os.Stat(e.path)
	if err != nil {
		e.t.Fatalf("keyring file: %v", err)
	}
	if fi.Mode() != m {
		e.t.Errorf("keyring file mode = %v; want %v", fi.Mode(), m)
	}
	r, err := keyring.LoadFile(e.path, keyring.LoadOptions{})
	if err != nil {
		e.t.Fatalf("LoadFile = %v", err)
	}
	if ids != nil {
		var got []string
		for _, k := range r.Keys() {
			got = append(got, k.ID)
		}
		if diff := cmp.Diff(sorted(ids), sorted(got)); diff != "" {
			e.t.Errorf("key ids in the file (-want +got):\n%s", diff)
		}
	}
	e.checkNoTemp()
	return r
}

// checkNoTemp checks that the folder holds nothing but the keyring file
// and what the test put there (no temporary file of an atomic write).
func (e *env) checkNoTemp() {
	e.t.Helper()
	entries, err := os.ReadDir(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, de := range entries {
		if strings.Contains(de.Name(), ".tmp") {
			e.t.Errorf("temporary file %s left in the folder", de.Name())
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// secretBytes returns the n-th fixed test secret.
func secretBytes(n int) []byte {
	b := make([]byte, keyring.SecretSize)
	for i := range b {
		b[i] = byte(n*41 + i + 7)
	}
	return b
}

// fixedKey returns a key with a fixed secret.
func fixedKey(t *testing.T, id string, n int, created, activates time.Time) keyring.Key {
	t.Helper()
	s, err := keyring.NewSecret(secretBytes(n))
	if err != nil {
		t.Fatal(err)
	}
	return keyring.Key{ID: id, Secret: s, Created: created, Activates: activates}
}

// write saves a ring of keys to the env's file, as a fixture.
func (e *env) write(revokeBefore time.Time, keys ...keyring.Key) *keyring.Ring {
	e.t.Helper()
	r, err := keyring.New(keys, revokeBefore)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := keyring.Save(e.path, r); err != nil {
		e.t.Fatal(err)
	}
	harvest(e.path)
	return r
}

// readFile returns the file's bytes, to check that a failed command did
// not change it.
func (e *env) readFile() []byte {
	e.t.Helper()
	b, err := os.ReadFile(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// t0 is the fixed clock of most tests.
var t0 = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

// fixture writes the standard three-key ring at t0: "old" superseded long
// ago (droppable), "cur" primary, "next" pending, and returns it.
func (e *env) fixture() *keyring.Ring {
	e.t.Helper()
	return e.write(time.Time{},
		fixedKey(e.t, "old", 1, t0.Add(-90*24*time.Hour), t0.Add(-90*24*time.Hour)),
		fixedKey(e.t, "cur", 2, t0.Add(-40*24*time.Hour-time.Hour), t0.Add(-40*24*time.Hour)),
		fixedKey(e.t, "next", 3, t0.Add(-time.Hour), t0.Add(time.Hour)),
	)
}

func TestTopLevel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hint := "Run 'tokengen -h' for usage.\n"
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr any
	}{
		{"no arguments", nil, 2, "", usage},
		{"-h", []string{"-h"}, 0, usage, ""},
		{"-help", []string{"-help"}, 0, usage, ""},
		{"--help", []string{"--help"}, 0, usage, ""},
		{"help", []string{"help"}, 0, usage, ""},
		{"help rotate", []string{"help", "rotate"}, 0, rotateUsage, ""},
		{"help unknown", []string{"help", "nope"}, 2, "", "tokengen: error: help takes one command name: export-key, init, list, open, promote, retire, revoke, rotate, seal\n" + hint},
		{"-version", []string{"-version"}, 0, versionRE, ""},
		{"--version", []string{"--version"}, 0, versionRE, ""},
		{"-version and a command", []string{"-version", "list"}, 2, "", "tokengen: error: -version takes no command\n" + hint},
		{"unknown flag", []string{"-frobnicate"}, 2, "", "tokengen: error: flag provided but not defined: -frobnicate\n" + hint},
		{"-keyring before the command", []string{"-keyring", e.path, "list"}, 2, "", "tokengen: error: flag provided but not defined: -keyring\n" + hint},
		{"unknown command", []string{"frobnicate"}, 2, "", "tokengen: error: unknown command \"frobnicate\"; the commands are export-key, init, list, open, promote, retire, revoke, rotate, seal\n" + hint},
		{"a token as the command", []string{"eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEifQ.x.y.z.w"}, 2, "", "tokengen: error: unknown command (not shown); the commands are export-key, init, list, open, promote, retire, revoke, rotate, seal\n" + hint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.exec("", tt.args...)
			check(t, fmt.Sprintf("tokengen %q", tt.args), r, tt.code, tt.stdout, tt.stderr)
		})
	}
}

// TestUsageText checks that the usage lists every command with its
// description, and that each command's help documents every flag it
// accepts and nothing else.
func TestUsageText(t *testing.T) {
	t.Parallel()
	c := newCLI(strings.NewReader(""), new(bytes.Buffer), new(bytes.Buffer))
	flagRE := regexp.MustCompile(`(?m)^    (-[a-z-]+)`)
	for _, cmd := range c.commands {
		name := cmd.name
		line := fmt.Sprintf("\n    %-11s %s\n", name, cmd.desc)
		if !strings.Contains(usage, line) {
			t.Errorf("usage lacks the line %q", line)
		}
		if !strings.Contains(usage, "tokengen "+name+" ") {
			t.Errorf("usage lacks a synopsis of %s", name)
		}
		if err := cmd.run(c, []string{"-h"}); err == nil || err.Error() != "flag: help requested" {
			t.Fatalf("%s -h = %v; want flag.ErrHelp", name, err)
		}
		var defined []string
		c.fset.VisitAll(func(f *flag.Flag) { defined = append(defined, "-"+f.Name) })
		var documented []string
		for _, m := range flagRE.FindAllStringSubmatch(cmd.usage, -1) {
			documented = append(documented, m[1])
		}
		if diff := cmp.Diff(sorted(defined), sorted(documented)); diff != "" {
			t.Errorf("%s: flags defined (-) and documented in its help (+):\n%s", name, diff)
		}
		if !strings.HasPrefix(cmd.usage, "Usage: tokengen "+name+" ") || !strings.Contains(cmd.usage, "\nExample") {
			t.Errorf("%s: the help lacks a Usage line or examples", name)
		}
		// The commands that only read never speak of writing the file
		// (issue 14).
		if slices.Contains([]string{"list", "seal", "open", "export-key"}, name) && regexp.MustCompile(`(?i)\bwrites?\b.*0600`).MatchString(strings.Join(strings.Fields(cmd.usage), " ")) {
			t.Errorf("%s: the help says it writes the file", name)
		}
	}
}

func TestHelpEveryCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := newCLI(nil, nil, nil)
	for _, cmd := range c.commands {
		name := cmd.name
		for _, args := range [][]string{{name, "-h"}, {name, "-help"}, {name, "-keyring", e.path, "-h"}, {"help", name}} {
			r := e.exec("", args...)
			check(t, fmt.Sprintf("tokengen %q", args), r, 0, cmd.usage, "")
		}
	}
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Errorf("help created or touched the keyring file: %v", err)
	}
}

// TestUsageErrors runs every command line that cannot run: each is exit
// status 2 with the message and the hint on stderr, nothing on stdout, and
// no change to the keyring file.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	before := e.readFile()
	hint := func(cmd string) string { return "Run 'tokengen " + cmd + " -h' for usage.\n" }
	tests := []struct {
		args []string
		msg  string
	}{
		// No keyring.
		{[]string{"init"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"rotate"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"list", "-json"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"promote", "-kid", "next"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"retire", "-kid", "old"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"revoke"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"seal", "-purpose", "auth", "{}"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"open", "-purpose", "auth", "x"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"export-key", "-kid", "cur", "-purpose", "auth", "-unsafe-print-secret"}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},
		{[]string{"list", "-keyring", ""}, "no keyring file: pass -keyring FILE or set $SESSIONLESS_KEYRING_FILE"},

		// Unknown flags.
		{[]string{"init", "-force"}, "flag provided but not defined: -force"},
		{[]string{"init", "-insecure-allow-readable"}, "flag provided but not defined: -insecure-allow-readable"},
		{[]string{"rotate", "-activate"}, "flag provided but not defined: -activate"},
		{[]string{"list", "-yaml"}, "flag provided but not defined: -yaml"},
		{[]string{"promote", "-id", "next"}, "flag provided but not defined: -id"},
		{[]string{"retire", "-force"}, "flag provided but not defined: -force"},
		{[]string{"revoke", "-after", "now"}, "flag provided but not defined: -after"},
		{[]string{"seal", "-exp", "1h"}, "flag provided but not defined: -exp"},
		{[]string{"open", "-now", "x"}, "flag provided but not defined: -now"},
		{[]string{"export-key", "-unsafe"}, "flag provided but not defined: -unsafe"},

		// Stray arguments.
		{[]string{"init", "-keyring", e.path + ".new", "extra"}, "init takes no arguments, not 1"},
		{[]string{"rotate", "1h"}, "rotate takes no arguments, not 1"},
		{[]string{"list", "all", "-json"}, "list takes no arguments, not 2 (flags go before the arguments)"},
		{[]string{"promote", "next"}, "promote takes no arguments, not 1"},
		{[]string{"retire", "-kid", "old", "now"}, "retire takes no arguments, not 1"},
		{[]string{"revoke", "now"}, "revoke takes no arguments, not 1"},
		{[]string{"seal", "-purpose", "auth", "{}", "{}"}, "seal takes at most one argument, not 2"},
		{[]string{"open", "-purpose", "auth", "tok", "-at", "now"}, "open takes at most one argument, not 3 (flags go before the arguments)"},
		{[]string{"export-key", "-kid", "cur", "-purpose", "auth", "-unsafe-print-secret", "x"}, "export-key takes no arguments, not 1"},

		// Bad durations.
		{[]string{"rotate", "-activate-in", "1x"}, `invalid value "1x" for flag -activate-in: want a duration such as 90s, 15m, 1h30m or 31d`},
		{[]string{"rotate", "-max-token-age", "month"}, `invalid value "month" for flag -max-token-age: want a duration such as 90s, 15m, 1h30m or 31d`},
		{[]string{"list", "-max-token-age", ""}, `invalid value "" for flag -max-token-age: want a duration such as 90s, 15m, 1h30m or 31d`},
		{[]string{"seal", "-purpose", "auth", "-ttl", "1 hour"}, `invalid value "1 hour" for flag -ttl: want a duration such as 90s, 15m, 1h30m or 31d`},
		{[]string{"open", "-purpose", "auth", "-leeway", "-"}, `invalid value "-" for flag -leeway: want a duration such as 90s, 15m, 1h30m or 31d`},
		{[]string{"rotate", "-activate-in", "-1s"}, "-activate-in must not be negative"},
		{[]string{"rotate", "-max-token-age", "0"}, "-max-token-age must be positive"},
		{[]string{"list", "-max-token-age", "-1h"}, "-max-token-age must be positive"},
		{[]string{"seal", "-purpose", "auth", "-ttl", "999ms", "{}"}, "-ttl must be at least 1s"},
		{[]string{"open", "-purpose", "auth", "-leeway", "11m", "x"}, "-leeway must be between 0 and 10m0s"},
		{[]string{"open", "-purpose", "auth", "-leeway", "-1s", "x"}, "-leeway must be between 0 and 10m0s"},

		// Bad times.
		{[]string{"open", "-purpose", "auth", "-at", "yesterday"}, `invalid value "yesterday" for flag -at: want an RFC 3339 time such as 2026-11-23T07:30:00Z, or now`},
		{[]string{"open", "-purpose", "auth", "-at", "2026-11-23 07:30:00"}, `invalid value "2026-11-23 07:30:00" for flag -at: want an RFC 3339 time such as 2026-11-23T07:30:00Z, or now`},
		{[]string{"revoke", "-before", "1700000000"}, `invalid value "1700000000" for flag -before: want an RFC 3339 time such as 2026-11-23T07:30:00Z, or now`},
		{[]string{"revoke", "-before", "0000-01-01T00:00:00Z"}, `invalid value "0000-01-01T00:00:00Z" for flag -before: the year must be between 0001 and 9999 (UTC)`},
		{[]string{"revoke", "-before", "0001-01-01T00:30:00+01:00"}, `invalid value "0001-01-01T00:30:00+01:00" for flag -before: the year must be between 0001 and 9999 (UTC)`},
		{[]string{"seal", "-purpose", "auth", "-auth-time", "NOW"}, `invalid value "NOW" for flag -auth-time: want an RFC 3339 time such as 2026-11-23T07:30:00Z, or now`},
		{[]string{"revoke", "-before", "2026-11-23T07:01:01Z"}, "-before 2026-11-23T07:01:01Z is in the future: the tokens sealed until then would be refused too"},
		{[]string{"seal", "-purpose", "auth", "-auth-time", "2026-11-23T07:00:01Z", "{}"}, "-auth-time 2026-11-23T07:00:01Z is in the future"},
		{[]string{"seal", "-purpose", "auth", "-auth-time", "1969-12-31T23:59:59Z", "{}"}, "-auth-time must be after 1970-01-01T00:00:00Z"},

		// Missing or invalid values.
		{[]string{"promote"}, "-kid is required"},
		{[]string{"retire"}, "-kid is required"},
		{[]string{"retire", "-kid", "a/b"}, "-kid is not a key id: want [A-Za-z0-9_-]{1,32}"},
		{[]string{"promote", "-kid", strings.Repeat("k", 33)}, "-kid is not a key id: want [A-Za-z0-9_-]{1,32}"},
		{[]string{"export-key", "-kid", "a b", "-purpose", "auth", "-unsafe-print-secret"}, "-kid is not a key id: want [A-Za-z0-9_-]{1,32}"},
		{[]string{"export-key", "-kid", "cur", "-unsafe-print-secret"}, "-purpose is required (such as auth or remember)"},
		{[]string{"export-key", "-kid", "cur", "-purpose", "auth"}, "export-key prints a secret key: add -unsafe-print-secret if that is what you want"},
		{[]string{"seal", "{}"}, "-purpose is required (such as auth or remember)"},
		{[]string{"open", "x"}, "-purpose is required (such as auth or remember)"},
		{[]string{"seal", "-purpose", "a b", "{}"}, "-purpose is not a purpose name: want [A-Za-z0-9._-]{1,64}"},
		{[]string{"open", "-purpose", "auth/x", "x"}, "-purpose is not a purpose name: want [A-Za-z0-9._-]{1,64}"},
		{[]string{"seal", "-purpose", "auth", "-max-length", "100", "{}"}, "-max-length must be between 128 and 65536"},
		{[]string{"open", "-purpose", "auth", "-max-length", "70000", "x"}, "-max-length must be between 128 and 65536"},
		{[]string{"revoke", "-clear", "-before", "now"}, "-before and -clear exclude each other"},
		{[]string{"list", "-json=maybe"}, `invalid boolean value "maybe" for -json: parse error`},
	}
	for _, tt := range tests {
		args := tt.args
		if !slices.Contains(args, "-keyring") && !strings.HasPrefix(tt.msg, "no keyring file") {
			args = append([]string{args[0], "-keyring", e.path}, args[1:]...)
		}
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := e.exec("", args...)
			check(t, fmt.Sprintf("tokengen %q", args), r, 2, "", "tokengen: error: "+tt.msg+"\n"+hint(args[0]))
		})
	}
	if !bytes.Equal(e.readFile(), before) {
		t.Errorf("a usage error changed the keyring file")
	}
	if _, err := os.Stat(e.path + ".new"); !os.IsNotExist(err) {
		t.Errorf("init with a stray argument created its file")
	}
	e.checkNoTemp()
}

// TestKeyringFromEnv uses $SESSIONLESS_KEYRING_FILE (so it is not parallel).
func TestKeyringFromEnv(t *testing.T) {
	e := newEnv(t)
	t.Setenv(keyring.EnvKeyringFile, e.path)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"init"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("init with $%s = %d; stderr: %s", keyring.EnvKeyringFile, code, &stderr)
	}
	record(auditOutput{what: "init (env)", text: stdout.String() + stderr.String()})
	e.checkFile()
	r := e.exec("", "list")
	check(t, "list (env)", r, 0, re(`ID +STATE .*\n`+idRE+` +primary .*\n`), "")
	// -keyring wins over the variable.
	other := filepath.Join(e.dir, "other.json")
	r = e.exec("", "init", "-keyring", other)
	check(t, "init -keyring other", r, 0, re(`created `+regexp.QuoteMeta(other)+` with key `+idRE+` \(primary\)\n`), "")
}
