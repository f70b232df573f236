package token_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

const vectorDir = "../testdata/vectors"

// vector is one file of testdata/vectors: see its README.
type vector struct {
	file   string
	fields map[string]string
	token  string
}

func (v vector) get(t *testing.T, key string) string {
	t.Helper()
	s, ok := v.fields[key]
	if !ok {
		t.Fatalf("%s: no %q line", v.file, key)
	}
	return s
}

func (v vector) time(t *testing.T, key string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, v.get(t, key))
	if err != nil {
		t.Fatalf("%s: %s: %v", v.file, key, err)
	}
	return tm
}

// parseVector reads "key: value" lines, a blank line and the token.
func parseVector(name string, b []byte) (vector, error) {
	v := vector{file: name, fields: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		k, val, ok := strings.Cut(line, ": ")
		if !ok {
			return v, fmt.Errorf("%s: malformed line %q", name, line)
		}
		if _, dup := v.fields[k]; dup {
			return v, fmt.Errorf("%s: %q twice", name, k)
		}
		v.fields[k] = val
	}
	if !sc.Scan() {
		return v, fmt.Errorf("%s: no token", name)
	}
	v.token = sc.Text()
	for sc.Scan() {
		if sc.Text() != "" {
			return v, fmt.Errorf("%s: text after the token", name)
		}
	}
	return v, sc.Err()
}

func loadVectorRing(t *testing.T, name string) *keyring.Ring {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Parse(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// TestVectors opens every committed vector. These tokens must keep
// opening, or keep being refused for the same reason, in every future
// version: a failure here is a break of the token format.
func TestVectors(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("found %d vectors in %s; want at least 20", len(files), vectorDir)
	}
	reasons := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			v, err := parseVector(name, b)
			if err != nil {
				t.Fatal(err)
			}
			checkVector(t, v)
		})
		if b, err := os.ReadFile(file); err == nil {
			if v, err := parseVector(name, b); err == nil {
				reasons[v.fields["expect"]] = true
			}
		}
	}
	for _, r := range []string{"ok", "malformed", "unknown_key", "bad_tag", "bad_claims", "expired", "not_yet_valid", "revoked"} {
		if !reasons[r] {
			t.Errorf("no vector expects %q", r)
		}
	}
}

// checkVector opens v's token with its keyring and purpose at its "now"
// and checks the outcome against its expect line and, when it opens,
// against its claims and data lines.
func checkVector(t *testing.T, v vector) {
	t.Helper()
	r := loadVectorRing(t, v.get(t, "keyring"))
	c := newCodec[json.RawMessage](t, r, v.get(t, "purpose"))
	got, err := c.Open(v.token, v.time(t, "now"))
	expect := v.get(t, "expect")
	if expect != "ok" {
		if got := token.ReasonOf(err); string(got) != expect {
			t.Fatalf("Open = %v (reason %q); want reason %q", err, got, expect)
		}
		return
	}
	if err != nil {
		t.Fatalf("Open = %v; want ok", err)
	}
	want := token.Claims{ID: got.ID, KeyID: v.get(t, "kid"), IssuedAt: v.time(t, "iat"), Expiry: v.time(t, "exp")}
	if _, ok := v.fields["auth_time"]; ok {
		want.AuthTime = v.time(t, "auth_time")
	}
	if diff := cmp.Diff(want, got.Claims, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	var gotData, wantData any
	if err := json.Unmarshal(got.Data, &gotData); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(v.get(t, "data")), &wantData); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantData, gotData); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
}

// TestVectorsOpenWithGoJose: every vector that opens, opens with go-jose
// too, given the exported purpose key.
func TestVectorsOpenWithGoJose(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.txt"))
	for _, file := range files {
		b, _ := os.ReadFile(file)
		v, err := parseVector(filepath.Base(file), b)
		if err != nil {
			t.Fatal(err)
		}
		if v.fields["expect"] != "ok" {
			continue
		}
		r := loadVectorRing(t, v.get(t, "keyring"))
		obj, err := jose.ParseEncryptedCompact(v.token, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			t.Errorf("%s: go-jose parse: %v", v.file, err)
			continue
		}
		if _, err := obj.Decrypt(kek(t, r, v.get(t, "kid"), v.get(t, "purpose"))); err != nil {
			t.Errorf("%s: go-jose decrypt: %v", v.file, err)
		}
	}
}

func TestParseVector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"ok", "a: 1\nb: 2\n\nTOKEN\n", true},
		{"no token", "a: 1\n\n", false},
		{"no blank line", "a: 1\nTOKEN\n", false},
		{"duplicate key", "a: 1\na: 2\n\nTOKEN\n", false},
		{"text after", "a: 1\n\nTOKEN\nmore\n", false},
	}
	for _, tt := range tests {
		_, err := parseVector(tt.name, []byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("parseVector(%q) = %v; want ok=%v", tt.in, err, tt.ok)
		}
	}
}

var createVectors = flag.Bool("vectors.create", false, "TestCreateVectors: write the test vectors that do not exist yet into testdata/vectors")

// TestCreateVectors runs the generator of testdata/vectors. With
// -vectors.create it writes the vectors that do not exist yet there; it
// never overwrites one. Without it, it writes every vector into a
// temporary folder and checks each against the committed one of the same
// name: the same lines but the comment, and the new token opens, or is
// refused for the reason, that the committed vector says. So the
// generator keeps making what the committed vectors describe, and a
// vector added to it without its committed file fails here.
func TestCreateVectors(t *testing.T) {
	if *createVectors {
		writeVectors(t, vectorDir)
		return
	}
	t.Parallel()
	dir := t.TempDir()
	writeVectors(t, dir)
	names := func(dir string) []string {
		files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = filepath.Base(f)
		}
		return files
	}
	generated := names(dir)
	if diff := cmp.Diff(names(vectorDir), generated); diff != "" {
		t.Errorf("vectors (-committed +generated):\n%s", diff)
	}
	read := func(t *testing.T, dir, name string) vector {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		v, err := parseVector(name, b)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, name := range generated {
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			t.Parallel()
			gen := read(t, dir, name)
			if _, err := os.Stat(filepath.Join(vectorDir, name)); err == nil {
				committed := read(t, vectorDir, name)
				delete(gen.fields, "comment")
				delete(committed.fields, "comment")
				if diff := cmp.Diff(committed.fields, gen.fields); diff != "" {
					t.Errorf("lines (-committed +generated):\n%s", diff)
				}
			}
			checkVector(t, gen)
		})
	}
}

// writeVectors writes into dir each vector of testdata/vectors that dir
// does not have yet, opened with testdata/vectors' keyrings.
func writeVectors(t *testing.T, dir string) {
	t.Helper()
	r := loadVectorRing(t, "keyring.json")
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	data := User{ID: 1042, Name: "Alice Liddell", Email: "alice@example.com", Phone: "+44 20 7946 0958", Roles: []string{"member", "editor"}}
	dataJSON, _ := json.Marshal(data)
	codec := func(purpose string) *token.Codec[User] { return newCodec[User](t, r, purpose) }
	ourSeal := func(purpose string, p token.Params) string {
		tok, err := codec(purpose).Seal(p, data)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	plain := func(jti string, iat, exp, auth int64) []byte {
		s := fmt.Sprintf(`{"jti":%q,"iat":%d,"exp":%d`, jti, iat, exp)
		if auth != 0 {
			s += fmt.Sprintf(`,"auth_time":%d`, auth)
		}
		return []byte(s + `,"data":` + string(dataJSON) + `}`)
	}
	jti := "c2Vzc2lvbmxlc3MtdGVzdA"
	iat, exp := now.Add(-10*time.Minute), now.Add(20*time.Minute)
	authT := now.Add(-15 * time.Minute)
	p := token.Params{IssuedAt: iat, Expiry: exp, AuthTime: authT}
	goJose := func(kid, purpose string, pt []byte) string {
		e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.A256KW, Key: kek(t, r, kid, purpose), KeyID: kid}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt(pt)
		if err != nil {
			t.Fatal(err)
		}
		s, err := obj.CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	primAuth := kek(t, r, "tv-primary", "auth")
	good := ourSeal("auth", p)
	gp := parts(good)
	type vec struct {
		file, comment, purpose, keyring, expect string
		now                                     time.Time
		kid                                     string
		p                                       token.Params
		tok                                     string
	}
	ok := func(file, comment, purpose, kid string, p token.Params, tok string) vec {
		return vec{file: file, comment: comment, purpose: purpose, keyring: "keyring.json", expect: "ok", now: now, kid: kid, p: p, tok: tok}
	}
	bad := func(file, comment, purpose, ring, expect string, at time.Time, tok string) vec {
		return vec{file: file, comment: comment, purpose: purpose, keyring: ring, expect: expect, now: at, tok: tok}
	}
	noAuth := token.Params{IssuedAt: iat, Expiry: now.Add(30 * 24 * time.Hour)}
	vecs := []vec{
		ok("ok-auth-primary", "sealed by sessionless under the primary key, with auth_time", "auth", "tv-primary", p, good),
		ok("ok-remember", "sealed by sessionless for the remember purpose, no auth_time", "remember", "tv-primary", noAuth, ourSeal("remember", noAuth)),
		ok("ok-app-purpose", "sealed by sessionless for an application purpose", "email-verify", "tv-primary", noAuth, ourSeal("email-verify", noAuth)),
		ok("ok-old-key", "sealed by go-jose under the superseded, still live key tv-old", "auth", "tv-old", p, goJose("tv-old", "auth", plain(jti, iat.Unix(), exp.Unix(), authT.Unix()))),
		ok("ok-pending-key", "sealed by a server that already activated tv-pending (ATTACKS C6)", "auth", "tv-pending", p, goJose("tv-pending", "auth", plain(jti, iat.Unix(), exp.Unix(), authT.Unix()))),
		ok("ok-gojose", "sealed by go-jose v4.1.8 under the primary key", "auth", "tv-primary", p, goJose("tv-primary", "auth", plain(jti, iat.Unix(), exp.Unix(), authT.Unix()))),
		ok("ok-header-reordered", "forged: header members kid, enc, alg with whitespace", "auth", "tv-primary", p, forge(t, primAuth, `{ "kid": "tv-primary", "enc": "A256GCM", "alg": "A256KW" }`, plain(jti, iat.Unix(), exp.Unix(), authT.Unix()))),
		ok("ok-claims-reordered", "forged: claims in another order", "auth", "tv-primary", p, forge(t, primAuth, header("tv-primary"), []byte(fmt.Sprintf(`{"data":%s,"auth_time":%d,"exp":%d,"iat":%d,"jti":%q}`, dataJSON, authT.Unix(), exp.Unix(), iat.Unix(), jti)))),
		bad("expired", "sealed by sessionless, opened 20 min after exp (leeway 60 s)", "auth", "keyring.json", "expired", now.Add(40*time.Minute), good),
		bad("not-yet-valid", "sealed by sessionless, opened 2 min before iat", "auth", "keyring.json", "not_yet_valid", iat.Add(-2*time.Minute), good),
		bad("revoked", "sealed by go-jose, issued 07:20, opened with keyring-revoked.json (revoke_before 07:30; ATTACKS D7)", "auth", "keyring-revoked.json", "revoked", now, goJose("tv-primary", "auth", plain(jti, now.Add(-40*time.Minute).Unix(), exp.Unix(), 0))),
		bad("unknown-key", "forged under a kid no keyring has", "auth", "keyring.json", "unknown_key", now, forge(t, make([]byte, 32), header("tv-nobody"), plain(jti, iat.Unix(), exp.Unix(), 0))),
		bad("dropped-key", "sealed under tv-old, opened with a ring that dropped it (ATTACKS C3)", "auth", "keyring-dropped.json", "unknown_key", now, goJose("tv-old", "auth", plain(jti, iat.Unix(), exp.Unix(), 0))),
		bad("wrong-purpose", "a remember token opened as auth (ATTACKS C9)", "auth", "keyring.json", "bad_tag", now, ourSeal("remember", noAuth)),
		bad("tampered-tag", "the first character of the tag changed", "auth", "keyring.json", "bad_tag", now, strings.Join([]string{gp[0], gp[1], gp[2], gp[3], flip(gp[4])}, ".")),
		bad("tampered-ciphertext", "the first character of the ciphertext changed", "auth", "keyring.json", "bad_tag", now, strings.Join([]string{gp[0], gp[1], gp[2], flip(gp[3]), gp[4]}, ".")),
		bad("tampered-header", "the header re-encoded with a space: the AAD no longer matches", "auth", "keyring.json", "bad_tag", now, strings.Join([]string{enc.EncodeToString([]byte(`{"alg":"A256KW","enc":"A256GCM","kid":"tv-primary" }`)), gp[1], gp[2], gp[3], gp[4]}, ".")),
		bad("zip", "forged with zip DEF under the right key (ATTACKS B4)", "auth", "keyring.json", "malformed", now, forge(t, primAuth, `{"alg":"A256KW","enc":"A256GCM","kid":"tv-primary","zip":"DEF"}`, plain(jti, iat.Unix(), exp.Unix(), 0))),
		bad("alg-dir", "alg dir (ATTACKS B2)", "auth", "keyring.json", "malformed", now, forge(t, primAuth, `{"alg":"dir","enc":"A256GCM","kid":"tv-primary"}`, plain(jti, iat.Unix(), exp.Unix(), 0))),
		bad("non-canonical", "the last character of the tag with an unused bit set (ATTACKS A6)", "auth", "keyring.json", "malformed", now, strings.Join([]string{gp[0], gp[1], gp[2], gp[3], nonCanonicalLast(gp[4])}, ".")),
		bad("missing-exp", "forged claims without exp (ATTACKS A14)", "auth", "keyring.json", "bad_claims", now, forge(t, primAuth, header("tv-primary"), []byte(fmt.Sprintf(`{"jti":%q,"iat":%d,"data":%s}`, jti, iat.Unix(), dataJSON)))),
		bad("unknown-claim", "forged claims with an extra member", "auth", "keyring.json", "bad_claims", now, forge(t, primAuth, header("tv-primary"), []byte(fmt.Sprintf(`{"jti":%q,"iat":%d,"exp":%d,"admin":true,"data":%s}`, jti, iat.Unix(), exp.Unix(), dataJSON)))),
	}
	for _, v := range vecs {
		path := filepath.Join(dir, v.file+".txt")
		if _, err := os.Stat(path); err == nil {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "comment: %s\npurpose: %s\nkeyring: %s\nnow: %s\nexpect: %s\n", v.comment, v.purpose, v.keyring, v.now.Format(time.RFC3339), v.expect)
		if v.expect == "ok" {
			fmt.Fprintf(&b, "kid: %s\niat: %s\nexp: %s\n", v.kid, v.p.IssuedAt.Format(time.RFC3339), v.p.Expiry.Format(time.RFC3339))
			if !v.p.AuthTime.IsZero() {
				fmt.Fprintf(&b, "auth_time: %s\n", v.p.AuthTime.Format(time.RFC3339))
			}
			fmt.Fprintf(&b, "data: %s\n", dataJSON)
		}
		fmt.Fprintf(&b, "\n%s\n", v.tok)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if dir == vectorDir {
			t.Logf("wrote %s", path)
		}
	}
}

// flip changes the first character of a base64url segment.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func nonCanonicalLast(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[i^1])
}
