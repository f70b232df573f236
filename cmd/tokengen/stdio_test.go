package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// stdio runs the command name with -keyring - and args, the keyring doc on
// stdin.
func (e *env) stdio(doc []byte, name string, args ...string) result {
	e.t.Helper()
	return e.exec(string(doc), append([]string{name, "-keyring", "-"}, args...)...)
}

// parseDoc parses a keyring document a command wrote to stdout.
func parseDoc(t *testing.T, what, doc string) *keyring.Ring {
	t.Helper()
	r, err := keyring.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%s: stdout is not a keyring: %v", what, err)
	}
	return r
}

func ids(r *keyring.Ring) []string {
	var out []string
	for _, k := range r.Keys() {
		out = append(out, k.ID)
	}
	return out
}

// checkNoLock checks that -keyring - made no lock file: not in the
// test's folder, nor in the working directory ("-.lock").
func (e *env) checkNoLock() {
	e.t.Helper()
	for _, p := range []string{e.path + ".lock", "-.lock"} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			e.t.Errorf("-keyring - left a lock file %s", p)
		}
	}
}

// TestStdioRead: the commands that only read the keyring read it from
// stdin with -keyring -, and print what they print for the file.
func TestStdioRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	doc := e.readFile()
	tok := e.seal("auth", `{"uid":42}`)
	for _, args := range [][]string{
		{"list"},
		{"list", "-json", "-max-token-age", "100d"},
		{"export-key", "-purpose", "auth", "-unsafe-print-secret"},
		{"export-key", "-kid", "next", "-purpose", "remember", "-unsafe-print-secret"},
		{"open", "-purpose", "auth", tok},
		{"open", "-purpose", "remember", tok},
		{"open", "-purpose", "auth", "-at", "2026-11-24T00:00:00Z", tok},
	} {
		want := e.cmd(args[0], args[1:]...)
		got := e.stdio(doc, args[0], args[1:]...)
		check(t, "-keyring - "+strings.Join(args, " "), got, want.code, want.stdout, want.stderr)
	}
	// seal: the token opens with the file's keyring.
	r := e.stdio(doc, "seal", "-purpose", "auth", `{"uid":7}`)
	check(t, "seal -keyring -", r, 0, tokenRE, "")
	if o := e.open("auth", strings.TrimSpace(r.stdout)); o.Kid != "cur" || !jsonEqual(o.Data, []byte(`{"uid":7}`)) {
		t.Errorf("the token sealed with -keyring - opened as %+v", o)
	}
	e.checkNoLock()
}

// TestStdioWrite: the commands that change the keyring read it from stdin
// and write the changed keyring to stdout, and nothing else there; their
// messages go to stderr. The file is neither read nor written, and no lock
// file is made.
func TestStdioWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		ids     []string // the keys after, "new" for the added key
		message string   // on stderr, a regular expression
	}{
		{[]string{"rotate", "-activate-in", "2h"}, []string{"cur", "next", "new"},
			`added key ` + idRE + `: pending, activates 2026-11-23T09:00:00Z \(in 2h0m0s\)\ndropped key old \(superseded 2026-10-14T07:00:00Z\)\n`},
		{[]string{"rotate", "-activate-in", "0"}, []string{"cur", "new", "next"},
			`added key ` + idRE + `: primary from 2026-11-23T07:00:00Z\ndropped key old .*\ntokengen: warning: key next activates later .*\n`},
		{[]string{"promote", "-kid", "next"}, []string{"old", "cur", "next"}, `promoted key next: primary from 2026-11-23T07:00:00Z\n`},
		{[]string{"promote", "-kid", "cur"}, []string{"old", "cur", "next"}, `key cur is already the primary key\n`},
		{[]string{"retire", "-kid", "old"}, []string{"cur", "next"}, `retired key old: the tokens it sealed no longer open\nprimary key: cur\n`},
		{[]string{"revoke"}, []string{"old", "cur", "next"}, `revoke_before: 2026-11-23T07:00:00Z: tokens issued before it no longer open\n`},
		{[]string{"revoke", "-clear"}, []string{"old", "cur", "next"}, `no revoke_before is set\n`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.now = t0
			in := e.fixture()
			doc := e.readFile()
			r := e.stdio(doc, tt.args[0], tt.args[1:]...)
			check(t, "stdio", r, 0, re(`\{\n.*\}\n`), re(tt.message))
			out := parseDoc(t, tt.args[0], r.stdout)
			want := slices.Clone(tt.ids)
			if i := slices.Index(want, "new"); i >= 0 {
				want[i] = regexp.MustCompile(`added key (` + idRE + `)`).FindStringSubmatch(r.stderr)[1]
			}
			if diff := cmp.Diff(want, ids(out)); diff != "" {
				t.Errorf("keys on stdout (-want +got):\n%s", diff)
			}
			for _, k := range in.Keys() {
				if o, ok := out.Key(k.ID); ok && !o.Secret.Equal(k.Secret) {
					t.Errorf("key %s changed its secret", k.ID)
				}
			}
			if string(e.readFile()) != string(doc) {
				t.Errorf("-keyring - changed the file")
			}
			e.checkNoLock()
		})
	}
}

// TestStdioPipeline chains commands through their standard streams, as a
// pipe through a secret store does: init, rotate at once, retire the
// first key, revoke, list.
func TestStdioPipeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	r := e.exec("", "init", "-keyring", "-")
	check(t, "init -keyring -", r, 0, re(`\{\n.*\}\n`), re(`created a keyring with key `+idRE+` \(primary\) on stdout\n`))
	first := ids(parseDoc(t, "init", r.stdout))[0]
	e.now = t0.Add(10 * time.Second)
	r = e.exec(r.stdout, "rotate", "-keyring", "-", "-activate-in", "0")
	check(t, "rotate", r, 0, re(`\{\n.*\}\n`), re(`added key `+idRE+`: primary from 2026-11-23T07:00:10Z\n`))
	second := addedKey(t, r.stderr)
	r = e.exec(r.stdout, "retire", "-keyring", "-", "-kid", first)
	check(t, "retire", r, 0, re(`\{\n.*\}\n`), "retired key "+first+": the tokens it sealed no longer open\nprimary key: "+second+"\n")
	r = e.exec(r.stdout, "revoke", "-keyring", "-")
	check(t, "revoke", r, 0, re(`\{\n.*\}\n`), "revoke_before: 2026-11-23T07:00:10Z: tokens issued before it no longer open\n")
	r = e.exec(r.stdout, "list", "-keyring", "-")
	check(t, "list", r, 0, re(`ID +STATE .*\n`+second+` +primary .*\nrevoke_before: 2026-11-23T07:00:10Z\n`), "")
	e.checkNoLock()
	if _, err := os.Lstat(e.path); !os.IsNotExist(err) {
		t.Errorf("-keyring - created a file")
	}
}

// TestStdioErrors: when a command fails, stdout is empty, so that a pipe
// into a secret store (with pipefail) writes nothing.
func TestStdioErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	doc := e.readFile()
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"empty stdin", "", []string{"rotate"}, 1, "tokengen: error: the keyring on stdin: keyring: invalid keyring: truncated document\n"},
		{"not a keyring", "hello", []string{"list"}, 1, "tokengen: error: the keyring on stdin: keyring: invalid keyring: JSON syntax error at byte 0\n"},
		{"too long", strings.Repeat(" ", keyring.MaxFileSize+1), []string{"revoke"}, 1, "tokengen: error: the keyring on stdin: keyring: invalid keyring: document larger than 1048576 bytes\n"},
		{"unknown key", string(doc), []string{"retire", "-kid", "nope"}, 1, "tokengen: error: keyring: unknown key id \"nope\"\ntokengen: hint: the keyring has keys old, cur, next\n"},
		{"only key", "", []string{"retire", "-kid", "old"}, 1, ""},
		{"seal from stdin", string(doc), []string{"seal", "-purpose", "auth"}, 2, "tokengen: error: -keyring - reads the keyring from stdin: give the JSON as the argument\nRun 'tokengen seal -h' for usage.\n"},
		{"open from stdin", string(doc), []string{"open", "-purpose", "auth", "-"}, 2, "tokengen: error: -keyring - reads the keyring from stdin: give the token as the argument\nRun 'tokengen open -h' for usage.\n"},
	}
	for _, tt := range tests {
		if tt.name == "only key" {
			one := newEnv(t)
			one.now = t0
			one.write(time.Time{}, fixedKey(t, "old", 1, t0, t0))
			tt.stdin = string(one.readFile())
			tt.msg = "tokengen: error: keyring: refusing to retire \"old\", the only key\n"
		}
		r := e.exec(tt.stdin, append([]string{tt.args[0], "-keyring", "-"}, tt.args[1:]...)...)
		check(t, tt.name, r, tt.code, "", tt.msg)
	}
	e.checkNoLock()
}
