package keyring_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// t0 is the fixed "now" of the tests; every key time is a whole second.
var t0 = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

// secretBytes returns the n-th fixed test secret: 32 bytes that differ
// between n, and are never all zero.
func secretBytes(n int) []byte {
	b := make([]byte, keyring.SecretSize)
	for i := range b {
		b[i] = byte(n*37 + i + 1)
	}
	return b
}

func secretB64(n int) string { return base64.RawURLEncoding.EncodeToString(secretBytes(n)) }

func mustSecret(t testing.TB, n int) keyring.Secret {
	t.Helper()
	s, err := keyring.NewSecret(secretBytes(n))
	if err != nil {
		t.Fatalf("NewSecret(%d) = %v", n, err)
	}
	return s
}

// key returns a key with id, the n-th fixed secret, created an hour before
// it activates.
func key(t testing.TB, id string, n int, activates time.Time) keyring.Key {
	t.Helper()
	return keyring.Key{ID: id, Secret: mustSecret(t, n), Created: activates.Add(-time.Hour), Activates: activates}
}

func mustNew(t testing.TB, revokeBefore time.Time, keys ...keyring.Key) *keyring.Ring {
	t.Helper()
	r, err := keyring.New(keys, revokeBefore)
	if err != nil {
		t.Fatalf("New = %v", err)
	}
	return r
}

func mustParse(t testing.TB, doc string) *keyring.Ring {
	t.Helper()
	r, err := keyring.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%q) = %v", doc, err)
	}
	return r
}

// validDoc is a keyring document as docs/keyring-format.md describes it, with two keys.
var validDoc = `{
  "version": 1,
  "keys": [
    {"id": "Xq3v9a", "secret": "` + secretB64(1) + `", "created": "2026-11-23T07:00:00Z", "activates": "2026-11-23T08:00:00Z"},
    {"id": "b7_K-2", "secret": "` + secretB64(2) + `", "created": "2026-11-24T07:00:00Z", "activates": "2026-11-24T08:00:00Z"}
  ],
  "revoke_before": "2026-11-23T07:30:00Z"
}`

// secretComparer compares secrets in constant time, as cmp cannot look
// inside them.
var secretComparer = cmp.Comparer(func(a, b keyring.Secret) bool { return a.Equal(b) })

// ringDiff returns a diff of the keys and revocation times of two rings.
func ringDiff(a, b *keyring.Ring) string {
	type view struct {
		Keys         []keyring.Key
		RevokeBefore time.Time
	}
	return cmp.Diff(view{a.Keys(), a.RevokeBefore()}, view{b.Keys(), b.RevokeBefore()}, secretComparer)
}

// spellings returns the ways a secret's bytes could show up in output.
func spellings(raw []byte) []string {
	return []string{
		base64.RawURLEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw),
		hex.EncodeToString(raw),
		strings.ToUpper(hex.EncodeToString(raw)),
		string(raw),
		strings.Trim(fmt.Sprint(raw), "[]"), // decimal, as fmt prints a byte array
		fmt.Sprintf("%#v", raw)[len("[]byte{"):],
		// Long enough fragments that no accident produces them.
		base64.RawURLEncoding.EncodeToString(raw)[:16],
		hex.EncodeToString(raw)[:16],
	}
}

// checkNoSecret fails if out holds any spelling of any of the secrets.
func checkNoSecret(t testing.TB, what, out string, secrets ...[]byte) {
	t.Helper()
	for _, raw := range secrets {
		for _, s := range spellings(raw) {
			if strings.Contains(out, s) {
				t.Errorf("%s = %q; holds the secret spelled %q", what, out, s)
			}
		}
	}
}

// stageView is a key's id and lifecycle stage, for compact comparisons.
type stageView struct {
	ID    string
	Stage keyring.Stage
}

func stagesOf(r *keyring.Ring, now time.Time, maxAge time.Duration) []stageView {
	var out []stageView
	for _, s := range r.Lifecycle(now, maxAge) {
		out = append(out, stageView{s.ID, s.Stage})
	}
	return out
}

func ids(keys []keyring.Key) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.ID)
	}
	return out
}
