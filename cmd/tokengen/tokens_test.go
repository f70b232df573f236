package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// tokenRE matches a token on a line of its own.
var tokenRE = re(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{54}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\n`)

// seal runs seal and returns the token.
func (e *env) seal(purpose, data string, args ...string) string {
	e.t.Helper()
	r := e.cmd("seal", append(append([]string{"-purpose", purpose}, args...), data)...)
	check(e.t, "seal", r, 0, tokenRE, "")
	return strings.TrimSpace(r.stdout)
}

// opened is open's output.
type opened struct {
	Kid      string          `json:"kid"`
	Jti      string          `json:"jti"`
	Iat      time.Time       `json:"iat"`
	Exp      time.Time       `json:"exp"`
	AuthTime *time.Time      `json:"auth_time"`
	Data     json.RawMessage `json:"data"`
}

// open runs open, expects success, and returns the claims.
func (e *env) open(purpose, tok string, args ...string) opened {
	e.t.Helper()
	r := e.cmd("open", append(append([]string{"-purpose", purpose}, args...), tok)...)
	check(e.t, "open", r, 0, re(`\{\n.*\n\}\n`), "")
	var o opened
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		e.t.Fatalf("open printed %q: %v", r.stdout, err)
	}
	return o
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0.Add(400 * time.Millisecond)
	e.fixture()

	tok := e.seal("auth", `{"uid":42,"name":"Alice","n":1.50}`)
	r := e.cmd("open", "-purpose", "auth", "-at", "2026-11-23T07:10:00Z", tok)
	jti := regexp.MustCompile(`"jti": "([A-Za-z0-9_-]{22})"`).FindStringSubmatch(r.stdout)
	if jti == nil {
		t.Fatalf("open printed %q; want a jti", r.stdout)
	}
	check(t, "open", r, 0, `{
  "kid": "cur",
  "jti": "`+jti[1]+`",
  "iat": "2026-11-23T07:00:00Z",
  "exp": "2026-11-23T08:00:00Z",
  "data": {
    "uid": 42,
    "name": "Alice",
    "n": 1.50
  }
}
`, "")

	// From stdin, with white space around it, and with "-".
	for _, in := range []string{tok, "\n  " + tok + " \r\n\t"} {
		for _, args := range [][]string{{"-purpose", "auth"}, {"-purpose", "auth", "-"}} {
			r2 := e.cmdIn(in, "open", args...)
			check(t, "open from stdin", r2, 0, r.stdout, "")
		}
	}

	// Options: ttl in days, auth_time now or given, another purpose.
	o := e.open("remember", e.seal("remember", `"x"`, "-ttl", "30d", "-auth-time", "now"))
	want := opened{Kid: "cur", Jti: o.Jti, Iat: t0, Exp: t0.Add(30 * 24 * time.Hour), AuthTime: &t0, Data: json.RawMessage(`"x"`)}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("open (-want +got):\n%s", diff)
	}
	o = e.open("email-verify", e.seal("email-verify", `null`, "-ttl", "90s", "-auth-time", "2026-11-23T06:00:00Z"))
	at := t0.Add(-time.Hour)
	want = opened{Kid: "cur", Jti: o.Jti, Iat: t0, Exp: t0.Add(90 * time.Second), AuthTime: &at, Data: json.RawMessage(`null`)}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("open (-want +got):\n%s", diff)
	}

	// Any JSON value, from the argument or stdin; "--" for one that looks
	// like a flag. The data comes back as given, white space aside.
	for _, data := range []string{`"<Alice & Bob>"`, `{}`, `[]`, `0`, `-5`, `1e400`, `"\u00e9\n"`, `true`, `[{"a":[{"b":null}]}]`, " {\n \"a\" : 1 }\n"} {
		compact := new(bytes.Buffer)
		if err := json.Compact(compact, []byte(data)); err != nil {
			t.Fatal(err)
		}
		r := e.cmd("seal", "-purpose", "auth", "--", data)
		check(t, "seal "+data, r, 0, tokenRE, "")
		if got := e.open("auth", strings.TrimSpace(r.stdout)).Data; !jsonEqual(got, compact.Bytes()) {
			t.Errorf("seal %q, open = %s", data, got)
		}
		r = e.cmdIn(data, "seal", "-purpose", "auth")
		check(t, "seal from stdin "+data, r, 0, tokenRE, "")
		if got := e.open("auth", strings.TrimSpace(r.stdout)).Data; !jsonEqual(got, compact.Bytes()) {
			t.Errorf("seal %q from stdin, open = %s", data, got)
		}
	}

	// Long data needs -max-length, on both sides.
	long := `"` + strings.Repeat("a", 5000) + `"`
	check(t, "seal long", e.cmd("seal", "-purpose", "auth", long), 1, "", re(`tokengen: error: token: the token would be \d+ bytes, more than the maximum of 4096\n`))
	tok = e.seal("auth", long, "-max-length", "8192")
	check(t, "open long", e.cmd("open", "-purpose", "auth", tok), 1, "", re(`tokengen: error: token does not open: malformed: \d+ bytes, longer than 4096\n`+
		`tokengen: hint: a server configured for longer tokens needs -max-length\n`))
	if got := e.open("auth", tok, "-max-length", "8192").Data; string(got) != long {
		t.Errorf("open -max-length 8192 = %.20s…", got)
	}
}

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(a, b []byte) bool {
	var va, vb any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	return da.Decode(&va) == nil && db.Decode(&vb) == nil && cmp.Equal(va, vb)
}

func TestSealErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	tests := []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"bad JSON", "", []string{`{"a":}`}, "the data is not valid JSON: invalid character '}' looking for beginning of value (at byte 6)"},
		{"two values", "", []string{`{} {}`}, "the data is not valid JSON: invalid character '{' after top-level value (at byte 4)"},
		{"not JSON", "", []string{`hello`}, "the data is not valid JSON: invalid character 'h' looking for beginning of value (at byte 1)"},
		{"empty argument", "", []string{``}, "the data is not valid JSON: unexpected end of JSON input (at byte 0)"},
		{"empty stdin", "", nil, "the data is not valid JSON: unexpected end of JSON input (at byte 0)"},
		{"bad JSON on stdin", `{"a":1,}`, []string{"-"}, "the data is not valid JSON: invalid character '}' looking for beginning of object key string (at byte 8)"},
		{"too much on stdin", strings.Repeat(" ", maxJSON+1), nil, "the JSON on stdin is longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.cmdIn(tt.stdin, "seal", append([]string{"-purpose", "auth"}, tt.args...)...)
			check(t, "seal", r, 1, "", "tokengen: error: "+tt.stderr+"\n")
		})
	}

	// Past the year 9999.
	e.now = time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)
	check(t, "seal -ttl past 9999", e.cmd("seal", "-purpose", "auth", "-ttl", "2h", "{}"), 1, "", "tokengen: error: token: invalid Params: time out of range\n")

	// No active key.
	e2 := newEnv(t)
	e2.now = t0
	e2.write(time.Time{}, fixedKey(t, "later", 5, t0, t0.Add(time.Minute)))
	check(t, "seal, no active key", e2.cmd("seal", "-purpose", "auth", "{}"), 1, "", "tokengen: error: no key is active yet: nothing can be sealed\n"+
		"tokengen: hint: wait until a pending key activates (tokengen list), or promote one\n")
}

// TestOpenFailures checks each reason a token does not open: exit status
// 1, the reason on stderr, nothing on stdout, and never the token.
func TestOpenFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	auth := e.seal("auth", `{"uid":42}`)
	remember := e.seal("remember", `{"uid":42}`)
	// A keyring with a key of the same id and another secret.
	other := newEnv(t)
	other.now = t0
	other.write(time.Time{}, fixedKey(t, "cur", 7, t0, t0))
	foreign := other.seal("auth", `{"uid":42}`)
	// A key this keyring does not have.
	other2 := newEnv(t)
	other2.now = t0
	other2.write(time.Time{}, fixedKey(t, "gone", 8, t0, t0))
	unknown := other2.seal("auth", `{}`)

	parts := strings.Split(auth, ".")
	flip := func(part, i int) string {
		p := slicesClone(parts)
		b := []byte(p[part])
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		p[part] = string(b)
		return strings.Join(p, ".")
	}
	withHeader := func(h string) string {
		p := slicesClone(parts)
		p[0] = base64.RawURLEncoding.EncodeToString([]byte(h))
		return strings.Join(p, ".")
	}
	const (
		malformed = "malformed: not a token of this shape, header or size"
		badTag    = `bad tag: tampered with, or not sealed for auth under key "cur" of this keyring`
	)
	tests := []struct {
		name, token string
		args        []string
		stderr      string
	}{
		{"garbage", "hello", nil, malformed},
		{"dots", strings.Repeat(".", 100000), []string{"-max-length", "65536"}, "malformed: 100000 bytes, longer than 65536"},
		{"truncated", auth[:len(auth)-1], nil, malformed},
		{"JWS", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl", nil, malformed},
		{"header flipped", flip(0, 5), nil, malformed},
		{"header alg dir", withHeader(`{"alg":"dir","enc":"A256GCM","kid":"cur"}`), nil, malformed},
		{"header zip", withHeader(`{"alg":"A256KW","enc":"A256GCM","kid":"cur","zip":"DEF"}`), nil, malformed},
		{"header kid zzz", withHeader(`{"alg":"A256KW","enc":"A256GCM","kid":"zzz"}`), nil, `unknown key "zzz"`},
		{"header reordered", withHeader(`{"kid":"cur","enc":"A256GCM","alg":"A256KW"}`), nil, badTag},
		{"wrapped key flipped", flip(1, 10), nil, badTag},
		{"IV flipped", flip(2, 3), nil, badTag},
		{"ciphertext flipped", flip(3, 7), nil, badTag},
		{"tag flipped", flip(4, 0), nil, badTag},
		{"another keyring", foreign, nil, badTag},
		{"unknown key", unknown, nil, `unknown key "gone"`},
		{"remember as auth", remember, nil, "wrong purpose: this is a remember token, not auth"},
		{"auth as email-verify", auth, []string{"-purpose", "email-verify"}, "wrong purpose: this is an auth token, not email-verify"},
		{"auth as remember", auth, []string{"-purpose", "remember"}, "wrong purpose: this is an auth token, not remember"},
		{"expired", auth, []string{"-at", "2026-11-23T09:00:00Z"}, "expired at 2026-11-23T08:00:00Z, 1h0m0s before 2026-11-23T09:00:00Z (leeway 1m0s)"},
		{"expired, no leeway", auth, []string{"-at", "2026-11-23T08:00:01Z", "-leeway", "0"}, "expired at 2026-11-23T08:00:00Z, 1s before 2026-11-23T08:00:01Z (leeway 0s)"},
		{"expired past the leeway", auth, []string{"-at", "2026-11-23T08:05:01Z", "-leeway", "5m"}, "expired at 2026-11-23T08:00:00Z, 5m1s before 2026-11-23T08:05:01Z (leeway 5m0s)"},
		{"not yet valid", auth, []string{"-at", "2026-11-23T06:58:00Z"}, "not yet valid: issued at 2026-11-23T07:00:00Z, 2m0s after 2026-11-23T06:58:00Z (leeway 1m0s)"},
		{"wrong purpose, expired too", remember, []string{"-at", "2026-11-24T00:00:00Z"}, "wrong purpose: this is a remember token, not auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-purpose", "auth"}, tt.args...)
			r := e.cmd("open", append(args, tt.token)...)
			var hint string
			if strings.HasPrefix(tt.stderr, "unknown key") {
				hint = "tokengen: hint: the key was retired or dropped, or the token is from another keyring; this one has keys old, cur, next\n"
			}
			if strings.HasPrefix(tt.stderr, "malformed: 1") {
				hint = "tokengen: hint: a server configured for longer tokens needs -max-length\n"
			}
			check(t, "open "+tt.name, r, 1, "", "tokengen: error: token does not open: "+tt.stderr+"\n"+hint)
			for _, p := range strings.Split(tt.token, ".")[1:] {
				if len(p) >= 16 && strings.Contains(r.stderr, p) {
					t.Errorf("the error quotes the token")
				}
			}
		})
	}

	// The edges of the leeway: a token is refused from exp (+ leeway) on.
	for _, at := range []string{"2026-11-23T08:00:59Z", "2026-11-23T06:59:00Z"} {
		e.open("auth", auth, "-at", at)
	}
	e.open("auth", auth, "-at", "2026-11-23T07:59:59Z", "-leeway", "0")
	check(t, "open at exp+leeway", e.cmd("open", "-purpose", "auth", "-at", "2026-11-23T08:01:00Z", auth), 1, "",
		"tokengen: error: token does not open: expired at 2026-11-23T08:00:00Z, 1m0s before 2026-11-23T08:01:00Z (leeway 1m0s)\n")
	check(t, "open at exp, no leeway", e.cmd("open", "-purpose", "auth", "-at", "2026-11-23T08:00:00Z", "-leeway", "0", auth), 1, "",
		"tokengen: error: token does not open: expired at 2026-11-23T08:00:00Z, 0s before 2026-11-23T08:00:00Z (leeway 0s)\n")

	check(t, "open nothing", e.cmdIn(" \n\t", "open", "-purpose", "auth"), 1, "", "tokengen: error: no token given\n")
	check(t, "open too much", e.cmdIn(strings.Repeat("a", token.MaxLengthLimit+1025), "open", "-purpose", "auth"), 1, "", "tokengen: error: the token on stdin is longer than 66560 bytes\n")

	// Revoked, then unknown once its key is retired.
	check(t, "revoke", e.cmd("revoke", "-before", "2026-11-23T07:00:01Z"), 0, re(`revoke_before: .*\n`), "")
	check(t, "open revoked", e.cmd("open", "-purpose", "auth", auth), 1, "", "tokengen: error: token does not open: revoked: issued at 2026-11-23T07:00:00Z, before revoke_before 2026-11-23T07:00:01Z\n")
	check(t, "open revoked, wrong purpose", e.cmd("open", "-purpose", "auth", remember), 1, "", "tokengen: error: token does not open: wrong purpose: this is a remember token, not auth\n")
	check(t, "retire", e.cmd("retire", "-kid", "cur"), 0, re(`retired key cur: .*\n`), "")
	check(t, "open retired", e.cmd("open", "-purpose", "auth", auth), 1, "", "tokengen: error: token does not open: unknown key \"cur\"\n"+
		"tokengen: hint: the key was retired or dropped, or the token is from another keyring; this one has keys old, next\n")
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// TestRoundTrip follows a keyring's life: init, seal, open, rotate, retire,
// revoke, checking the file after every write.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	a := e.initKey()
	tokA := e.seal("auth", `{"step":1}`)
	if o := e.open("auth", tokA); o.Kid != a || !jsonEqual(o.Data, []byte(`{"step":1}`)) {
		t.Fatalf("open = %+v; want kid %s and the data", o, a)
	}

	e.now = t0.Add(10 * time.Second)
	r := e.cmd("rotate", "-activate-in", "0")
	check(t, "rotate", r, 0, re(`added key `+idRE+`: primary from 2026-11-23T07:00:10Z\n`), "")
	b := addedKey(t, r.stdout)
	e.checkFile(a, b)
	tokB := e.seal("auth", `{"step":2}`)
	if o := e.open("auth", tokB); o.Kid != b {
		t.Errorf("a token sealed after the rotation has kid %s; want %s", o.Kid, b)
	}
	if o := e.open("auth", tokA); o.Kid != a || !jsonEqual(o.Data, []byte(`{"step":1}`)) {
		t.Errorf("the old token opened as %+v", o)
	}

	check(t, "retire", e.cmd("retire", "-kid", a), 0, "retired key "+a+": the tokens it sealed no longer open\nprimary key: "+b+"\n", "")
	e.checkFile(b)
	check(t, "open old", e.cmd("open", "-purpose", "auth", tokA), 1, "", "tokengen: error: token does not open: unknown key \""+a+"\"\n"+
		"tokengen: hint: the key was retired or dropped, or the token is from another keyring; this one has key "+b+"\n")
	e.open("auth", tokB)

	e.now = t0.Add(20 * time.Second)
	tokB2 := e.seal("remember", `{"step":3}`)
	e.now = t0.Add(30 * time.Second)
	check(t, "revoke", e.cmd("revoke"), 0, "revoke_before: 2026-11-23T07:00:30Z: tokens issued before it no longer open\n", "")
	if got := e.checkFile(b).RevokeBefore(); !got.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("revoke_before = %v", got)
	}
	check(t, "open revoked", e.cmd("open", "-purpose", "auth", tokB), 1, "", "tokengen: error: token does not open: revoked: issued at 2026-11-23T07:00:10Z, before revoke_before 2026-11-23T07:00:30Z\n")
	check(t, "open revoked", e.cmd("open", "-purpose", "remember", tokB2), 1, "", "tokengen: error: token does not open: revoked: issued at 2026-11-23T07:00:20Z, before revoke_before 2026-11-23T07:00:30Z\n")
	tokC := e.seal("auth", `{"step":4}`)
	if o := e.open("auth", tokC); o.Kid != b || !jsonEqual(o.Data, []byte(`{"step":4}`)) {
		t.Errorf("a token sealed after the revocation opened as %+v", o)
	}
	check(t, "list", e.cmd("list"), 0, re(`ID +STATE .*\n`+b+` +primary .*\nrevoke_before: 2026-11-23T07:00:30Z\n`), "")

	// -clear lets the revoked tokens open again.
	check(t, "revoke -clear", e.cmd("revoke", "-clear"), 0, re(`cleared revoke_before .*\n`), "")
	e.checkFile(b)
	e.open("auth", tokB)
}

// TestNoPanic runs odd inputs through every command: each ends with 0, 1
// or 2, never a panic (the internal error).
func TestNoPanic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	tok := e.seal("auth", `{}`)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	odd := []string{"", "-", "--", "\x00", "\xff\xfe", "é", strings.Repeat(".", 70000), deep, `"\ud800"`, "\"\xff\"",
		tok + "." + tok, tok[:128], strings.Repeat("A", 4096), "eyJ" + strings.Repeat(".", 4), "null", "-1"}
	var lines [][]string
	for _, cmd := range []string{"init", "rotate", "list", "promote", "retire", "revoke", "seal", "open", "export-key", "help", "bogus"} {
		for _, s := range odd {
			lines = append(lines,
				[]string{cmd, s},
				[]string{cmd, "-keyring", s},
				[]string{cmd, "-keyring", e.path, "-purpose", "auth", "--", s},
				[]string{cmd, "-keyring", e.path, "-kid", s, "-purpose", s},
				[]string{cmd, "-keyring", e.path, "-activate-in", s, "-ttl", s},
				[]string{cmd, "-keyring", e.path, "-at", s},
				[]string{cmd, "-keyring", e.path, "-before", s},
			)
		}
	}
	for _, s := range odd {
		lines = append(lines, []string{s}, []string{"-" + s})
	}
	for _, args := range lines {
		for i, a := range args {
			if a == "-keyring" && args[i+1] != e.path {
				// Never create files outside the test's folder.
				args[i+1] = filepath.Join(e.dir, "odd", fmt.Sprintf("%x", a+args[i+1])[:16])
			}
		}
		stdins := []string{""}
		if args[0] == "seal" || args[0] == "open" {
			stdins = append(stdins, tok, deep)
		}
		for _, stdin := range stdins {
			r := e.exec(stdin, args...)
			if r.code < 0 || r.code > 2 {
				t.Errorf("tokengen %q = %d", args, r.code)
			}
		}
	}
	e.checkFile()
}

// TestInternalError checks the last resort: a panic is exit status 1 and
// a message that holds nothing of the panic's value.
func TestInternalError(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	c := newCLI(strings.NewReader(""), &stdout, &stderr)
	secret := base64.RawURLEncoding.EncodeToString(secretBytes(99))
	c.commands = append(c.commands, command{"boom", "panic", "Usage: boom\n", func(*cli, []string) error { panic(errors.New("boom: " + secret)) }})
	if code := c.main([]string{"boom"}); code != 1 {
		t.Errorf("exit status %d; want 1", code)
	}
	if want := "tokengen: internal error (a bug: please report the command line, never the keyring)\n"; stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("stdout %q, stderr %q; want stderr %q", &stdout, &stderr, want)
	}
}

// fuzzKeyring writes a fixed keyring for the fuzz targets and returns its
// path and tokens to seed them with.
func fuzzKeyring(f *testing.F) (string, []string) {
	path := filepath.Join(f.TempDir(), "keyring.json")
	s1, _ := keyring.NewSecret(secretBytes(1))
	s2, _ := keyring.NewSecret(secretBytes(2))
	r, err := keyring.New([]keyring.Key{
		{ID: "k1", Secret: s1, Created: t0, Activates: t0},
		{ID: "k2", Secret: s2, Created: t0, Activates: t0.Add(time.Hour)},
	}, time.Time{})
	if err != nil {
		f.Fatal(err)
	}
	if err := keyring.Save(path, r); err != nil {
		f.Fatal(err)
	}
	harvest(path)
	var toks []string
	for _, p := range []string{"auth", "remember"} {
		c, err := token.New[json.RawMessage](r, token.Config{Purpose: p})
		if err != nil {
			f.Fatal(err)
		}
		tok, err := c.Seal(token.Params{IssuedAt: t0, Expiry: t0.Add(time.Hour), AuthTime: t0}, json.RawMessage(`{"uid":42}`))
		if err != nil {
			f.Fatal(err)
		}
		toks = append(toks, tok)
	}
	return path, toks
}

// FuzzOpen checks that open never panics and never prints a secret,
// whatever the token and purpose.
func FuzzOpen(f *testing.F) {
	path, toks := fuzzKeyring(f)
	for _, tok := range toks {
		f.Add(tok, "auth")                                                  // valid, or the wrong purpose
		f.Add(tok[:len(tok)-1], "auth")                                     // truncated
		f.Add(strings.Replace(tok, ".", "..", 1), "auth")                   // an extra dot
		f.Add(tok[:10]+"A"+tok[11:], "remember")                            // a header bit flipped
		f.Add(tok[:len(tok)-5]+"AAAAA", "auth")                             // the tag changed
		f.Add(" "+tok+"\n", "email-verify")                                 // white space, another purpose
		f.Add(strings.ReplaceAll(tok, "k1", "k2"), "auth")                  // another kid in the header
		f.Add("eyJhbGciOiJub25lIn0.e30.", "auth")                           // alg none
		f.Add(strings.Repeat(".", 5000), "auth")                            // dots
		f.Add(tok, "")                                                      // no purpose
		f.Add(tok, "a/b")                                                   // an invalid purpose
		f.Add("-", "auth")                                                  // stdin
		f.Add(base64.RawURLEncoding.EncodeToString(secretBytes(1)), "auth") // a secret as the token
	}
	f.Fuzz(func(t *testing.T, tok, purpose string) {
		var stdout, stderr bytes.Buffer
		c := newCLI(strings.NewReader(""), &stdout, &stderr)
		c.now = func() time.Time { return t0.Add(time.Minute) }
		code := c.main([]string{"open", "-keyring", path, "-purpose", purpose, "--", tok})
		if code < 0 || code > 2 || strings.Contains(stderr.String(), "internal error") {
			t.Fatalf("open %q -purpose %q = %d, %q", tok, purpose, code, &stderr)
		}
		if code == 0 && !keyring.ValidPurpose(purpose) {
			t.Fatalf("open with an invalid purpose succeeded")
		}
		if l := leaks(auditOutput{text: stdout.String() + stderr.String()}); len(l) > 0 && !strings.Contains(tok, base64.RawURLEncoding.EncodeToString(secretBytes(1))[:20]) {
			t.Fatalf("open printed a secret: %v", l)
		}
	})
}

// FuzzSeal checks that seal never panics, and that what it seals opens to
// the same JSON value.
func FuzzSeal(f *testing.F) {
	path, _ := fuzzKeyring(f)
	for _, s := range []string{`{}`, `{"uid":42}`, `[1,2,3]`, `"<&>"`, `1e400`, `-0`, `{"a":{"a":{"a":null}}}`, `{`, `}`, "", "\xff", `"\ud800"`, strings.Repeat("[", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var stdout, stderr bytes.Buffer
		c := newCLI(strings.NewReader(data), &stdout, &stderr)
		c.now = func() time.Time { return t0.Add(time.Minute) }
		code := c.main([]string{"seal", "-keyring", path, "-purpose", "auth"})
		if code != 0 && code != 1 || strings.Contains(stderr.String(), "internal error") {
			t.Fatalf("seal %q = %d, %q", data, code, &stderr)
		}
		if code == 1 {
			return
		}
		if !json.Valid([]byte(data)) {
			t.Fatalf("seal %q succeeded on invalid JSON", data)
		}
		tok := strings.TrimSpace(stdout.String())
		stdout.Reset()
		c = newCLI(strings.NewReader(tok), &stdout, &stderr)
		c.now = func() time.Time { return t0.Add(2 * time.Minute) }
		if code := c.main([]string{"open", "-keyring", path, "-purpose", "auth"}); code != 0 {
			t.Fatalf("open of a sealed %q = %d, %q", data, code, &stderr)
		}
		var o opened
		if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(o.Data, []byte(data)) {
			t.Fatalf("sealed %q, opened %s", data, o.Data)
		}
	})
}
