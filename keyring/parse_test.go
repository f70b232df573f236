package keyring_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// q returns s as a JSON string.
func q(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// rawKey returns a key object from raw JSON values; an empty value leaves
// the member out.
func rawKey(id, secret, created, activates string) string {
	var m []string
	for _, kv := range [][2]string{{"id", id}, {"secret", secret}, {"created", created}, {"activates", activates}} {
		if kv[1] != "" {
			m = append(m, q(kv[0])+": "+kv[1])
		}
	}
	return "{" + strings.Join(m, ", ") + "}"
}

const (
	created   = `"2026-11-23T07:00:00Z"`
	activates = `"2026-11-23T08:00:00Z"`
)

// keyS is a key with id and the secret spelled s.
func keyS(id, s string) string { return rawKey(q(id), q(s), created, activates) }

// keyT is a key "k1" (secret 1) with the given raw created and activates.
func keyT(c, a string) string { return rawKey(q("k1"), q(secretB64(1)), c, a) }

func doc(keys ...string) string {
	return `{"version": 1, "keys": [` + strings.Join(keys, ", ") + `]}`
}

// allFF is a valid secret: 32 bytes of 0xff, whose base64url is all '_'
// but its last character.
var allFF = strings.Repeat("_", 42) + "8"

// invalidDocs are keyring documents Parse must refuse (docs/attacks.md C5). Each
// is also a fuzz seed.
var invalidDocs = []struct {
	name string
	doc  string
	want string // a part of the error message: the row fails for its reason
}{
	// Keys.
	{"no keys", `{"version": 1, "keys": []}`, "no keys"},
	{"keys null", `{"version": 1, "keys": null}`, "no keys"},
	{"keys missing", `{"version": 1}`, "no keys"},
	{"key null", doc(`null`), "the secret must be"},
	{"key empty object", doc(`{}`), "the secret must be"},
	{"duplicate id", doc(keyS("k1", secretB64(1)), keyS("k1", secretB64(2))), `duplicate key id "k1"`},
	{"repeated secret", doc(keyS("k1", secretB64(1)), keyS("k2", secretB64(1))), `keys "k1" and "k2" have the same secret`},
	{"too many keys", doc(func() []string {
		var ks []string
		for i := range keyring.MaxKeys + 1 {
			ks = append(ks, keyS(fmt.Sprintf("k%d", i), secretB64(i)))
		}
		return ks
	}()...), "more than 256"},

	// Secrets.
	{"secret missing", doc(rawKey(q("k1"), "", created, activates)), "the secret must be"},
	{"secret empty", doc(keyS("k1", "")), "the secret must be"},
	{"secret null", doc(rawKey(q("k1"), "null", created, activates)), "the secret must be"},
	{"secret number", doc(rawKey(q("k1"), "12345", created, activates)), "wrong type"},
	{"secret 16 bytes", doc(keyS("k1", base64.RawURLEncoding.EncodeToString(secretBytes(3)[:16]))), "the secret must be 32 bytes"},
	{"secret 31 bytes", doc(keyS("k1", base64.RawURLEncoding.EncodeToString(secretBytes(3)[:31]))), "the secret must be 32 bytes"},
	{"secret 33 bytes", doc(keyS("k1", base64.RawURLEncoding.EncodeToString(append(secretBytes(3), 7)))), "the secret must be 32 bytes"},
	{"secret 64 bytes", doc(keyS("k1", base64.RawURLEncoding.EncodeToString(append(secretBytes(3), secretBytes(4)...)))), "the secret must be 32 bytes"},
	{"secret all zero", doc(keyS("k1", strings.Repeat("A", 43))), "all zero"},
	{"secret padded", doc(keyS("k1", secretB64(3)+"=")), "the secret must be 32 bytes"},
	{"secret std padded", doc(keyS("k1", base64.StdEncoding.EncodeToString(secretBytes(3)))), "the secret must be 32 bytes"},
	{"secret std alphabet slash", doc(keyS("k1", strings.ReplaceAll(allFF, "_", "/"))), "the secret must be 32 bytes"},
	{"secret std alphabet plus", doc(keyS("k1", strings.Repeat("+", 42)+"8")), "the secret must be 32 bytes"},
	{"secret non-canonical trailing bits", doc(keyS("k1", strings.Repeat("_", 42)+"9")), "the secret must be 32 bytes"},
	{"secret non-canonical trailing bits low", doc(keyS("k1", strings.Repeat("A", 42)+"B")), "the secret must be 32 bytes"},
	{"secret with newline", doc(keyS("k1", secretB64(3)[:20]+"\n"+secretB64(3)[20:])), "the secret must be 32 bytes"},
	{"secret with CR LF", doc(keyS("k1", secretB64(3)[:20]+"\r\n"+secretB64(3)[20:])), "the secret must be 32 bytes"},
	{"secret with trailing newline", doc(keyS("k1", secretB64(3)+"\n")), "the secret must be 32 bytes"},
	{"secret with space", doc(keyS("k1", secretB64(3)[:20]+" "+secretB64(3)[21:])), "the secret must be 32 bytes"},
	{"secret with leading space", doc(keyS("k1", " "+secretB64(3)[1:])), "the secret must be 32 bytes"},
	{"secret with tab", doc(keyS("k1", secretB64(3)[:42]+"\t")), "the secret must be 32 bytes"},
	{"secret with dot", doc(keyS("k1", secretB64(3)[:42]+".")), "the secret must be 32 bytes"},
	{"secret non-ASCII", doc(keyS("k1", secretB64(3)[:41]+"é")), "the secret must be 32 bytes"},

	// Ids (docs/attacks.md C2 for the file).
	{"id empty", doc(keyS("", secretB64(1))), "the id does not match"},
	{"id missing", doc(rawKey("", q(secretB64(1)), created, activates)), "the id does not match"},
	{"id null", doc(rawKey("null", q(secretB64(1)), created, activates)), "the id does not match"},
	{"id number", doc(rawKey("7", q(secretB64(1)), created, activates)), "wrong type"},
	{"id 33 characters", doc(keyS(strings.Repeat("a", 33), secretB64(1))), "the id does not match"},
	{"id 10 KB", doc(keyS(strings.Repeat("a", 10<<10), secretB64(1))), "the id does not match"},
	{"id slash", doc(keyS("a/b", secretB64(1))), "the id does not match"},
	{"id dot dot", doc(keyS("..", secretB64(1))), "the id does not match"},
	{"id NUL", doc(keyS("a\x00b", secretB64(1))), "the id does not match"},
	{"id newline", doc(keyS("a\nb", secretB64(1))), "the id does not match"},
	{"id space", doc(keyS("a b", secretB64(1))), "the id does not match"},
	{"id dot", doc(keyS("a.b", secretB64(1))), "the id does not match"},
	{"id non-ASCII", doc(keyS("clé", secretB64(1))), "the id does not match"},
	{"id fullwidth", doc(keyS("ｋ1", secretB64(1))), "the id does not match"},

	// Times.
	{"created missing", doc(keyT("", activates)), "no created time"},
	{"activates missing", doc(keyT(created, "")), "no activates time"},
	{"created null", doc(keyT("null", activates)), "no created time"},
	{"activates zero", doc(keyT(created, `"0001-01-01T00:00:00Z"`)), "no activates time"},
	{"created zero", doc(keyT(`"0001-01-01T00:00:00Z"`, activates)), "no created time"},
	{"created date only", doc(keyT(`"2026-11-23"`, activates)), "RFC 3339"},
	{"created space separator", doc(keyT(`"2026-11-23 07:00:00Z"`, activates)), "RFC 3339"},
	{"created no zone", doc(keyT(`"2026-11-23T07:00:00"`, activates)), "RFC 3339"},
	{"created month 13", doc(keyT(`"2026-13-01T07:00:00Z"`, activates)), "RFC 3339"},
	{"created February 30", doc(keyT(`"2026-02-30T07:00:00Z"`, activates)), "RFC 3339"},
	{"created hour 25", doc(keyT(`"2026-11-23T25:00:00Z"`, activates)), "RFC 3339"},
	{"created words", doc(keyT(`"yesterday"`, activates)), "RFC 3339"},
	{"created empty", doc(keyT(`""`, activates)), "RFC 3339"},
	{"created unix number", doc(keyT(`1763881200`, activates)), "wrong type"},
	{"activates object", doc(keyT(created, `{}`)), "wrong type"},
	{"created after year 9999 in UTC", doc(keyT(`"9999-12-31T23:00:00-05:00"`, activates)), "outside the years"},
	{"activates before year 1 in UTC", doc(keyT(created, `"0001-01-01T00:30:00+01:00"`)), "outside the years"},
	{"activates year 0", doc(keyT(created, `"0000-06-01T00:00:00Z"`)), "outside the years"},
	{"revoke_before words", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "revoke_before": "soon"}`, "RFC 3339"},
	{"revoke_before zero", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "revoke_before": "0001-01-01T00:00:00Z"}`, "zero time"},
	{"revoke_before after year 9999 in UTC", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "revoke_before": "9999-12-31T23:30:00-01:00"}`, "outside the years"},
	{"revoke_before number", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "revoke_before": 0}`, "wrong type"},

	// Version.
	{"version 0", `{"version": 0, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "version 0, want 1"},
	{"version 2", `{"version": 2, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "version 2, want 1"},
	{"version -1", `{"version": -1, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "version -1, want 1"},
	{"version missing", `{"keys": [` + keyS("k1", secretB64(1)) + `]}`, "version 0, want 1"},
	{"version null", `{"version": null, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "version 0, want 1"},
	{"version string", `{"version": "1", "keys": [` + keyS("k1", secretB64(1)) + `]}`, "wrong type"},
	{"version float", `{"version": 1.0, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "wrong type"},
	{"version huge", `{"version": 1e400, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "wrong type"},

	// Members.
	{"unknown member at top level", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "comment": "x"}`, "unknown member"},
	{"unknown member in a key", doc(`{"id": "k1", "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `, "expires": ` + activates + `}`), "unknown member"},
	{"key member at top level", `{"version": 1, "id": "k1", "keys": [` + keyS("k1", secretB64(1)) + `]}`, "unknown member"},
	{"top-level member in a key", doc(`{"id": "k1", "version": 1, "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `}`), "unknown member"},
	{"member name in capitals", `{"VERSION": 1, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "unknown member"},
	{"member name capitalised", `{"Version": 1, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "unknown member"},
	{"member name long s", doc(`{"id": "k1", "ſecret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `}`), "unknown member"},
	{"member name Kelvin sign", `{"version": 1, "` + "\u212a" + `eys": [` + keyS("k1", secretB64(1)) + `]}`, "unknown member"},
	{"member name with NUL", `{"version\u0000": 1, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "unknown member"},
	{"duplicate keys", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "keys": [` + keyS("k2", secretB64(2)) + `]}`, `member "keys" appears twice`},
	{"duplicate keys differing in case", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "Keys": [` + keyS("k2", secretB64(2)) + `]}`, "unknown member"},
	{"duplicate version", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `], "version": 1}`, `member "version" appears twice`},
	{"duplicate revoke_before", `{"version": 1, "revoke_before": "2026-11-23T07:30:00Z", "keys": [` + keyS("k1", secretB64(1)) + `], "revoke_before": "2026-11-23T07:30:00Z"}`, `member "revoke_before" appears twice`},
	{"duplicate secret in a key", doc(`{"id": "k1", "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `, "secret": ` + q(secretB64(2)) + `}`), `member "secret" appears twice`},
	{"duplicate secret differing in case", doc(`{"id": "k1", "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `, "Secret": ` + q(secretB64(2)) + `}`), "unknown member"},
	{"duplicate id in a key", doc(`{"id": "k1", "id": "k2", "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `}`), `member "id" appears twice`},
	{"duplicate activates in a key", doc(`{"id": "k1", "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `, "activates": "2020-01-01T00:00:00Z"}`), `member "activates" appears twice`},

	// Shape.
	{"empty input", ``, "truncated"},
	{"whitespace only", " \n\t ", "truncated"},
	{"null", `null`, "version 0"},
	{"array", `[]`, "wrong type"},
	{"array of document", `[` + validDoc + `]`, "wrong type"},
	{"string", `"keys"`, "wrong type"},
	{"number", `1`, "wrong type"},
	{"empty object", `{}`, "version 0"},
	{"truncated", validDoc[:len(validDoc)/2], "truncated"},
	{"missing closing brace", strings.TrimSuffix(validDoc, "}"), "truncated"},
	{"trailing document", validDoc + ` {}`, "data after the document"},
	{"trailing garbage", validDoc + ` x`, "data after the document"},
	{"trailing bracket", validDoc + `]`, "data after the document"},
	{"trailing NUL", validDoc + "\x00", "data after the document"},
	{"invalid UTF-8 in an id", doc(rawKey("\"k\xff1\"", q(secretB64(1)), created, activates)), "syntax error"},
	{"invalid UTF-8 in a member name", `{"version": 1, "ke\xffys": []}`, "syntax error"},
	{"two documents", validDoc + validDoc, "data after the document"},
	{"byte order mark", "\ufeff" + validDoc, "syntax error"},
	{"not JSON", "not JSON", "JSON syntax error at byte 1"}, // the 'o' that cannot follow 'n' (null)
	{"single quotes", strings.ReplaceAll(doc(keyS("k1", secretB64(1))), `"`, `'`), "syntax error"},
	{"comment", "// keys\n" + validDoc, "syntax error"},
	{"trailing comma", `{"version": 1, "keys": [` + keyS("k1", secretB64(1)) + `,]}`, "syntax error"},
	{"deeply nested at top", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "wrong type"},
	{"deeply nested in keys", `{"version": 1, "keys": ` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, "wrong type"},
	{"deeply nested objects", strings.Repeat(`{"keys": `, 1000) + "null" + strings.Repeat("}", 1000), "wrong type"},
	{"over 1 MiB", validDoc + strings.Repeat(" ", keyring.MaxFileSize+1-len(validDoc)), "larger than"},
	{"over 1 MiB of garbage", strings.Repeat("[", 2<<20), "larger than"},

	// Secrets where they do not belong: the error must not echo them (H3).
	{"secret as id", doc(rawKey(q(secretB64(5)), q("k1"), created, activates)), "the secret must be 32 bytes"},
	{"secret as id with a valid secret", doc(keyS(secretB64(5), secretB64(1))), "the id does not match"},
	{"secret as created", doc(keyT(q(secretB64(5)), activates)), "RFC 3339"},
	{"secret as version", `{"version": ` + q(secretB64(5)) + `, "keys": [` + keyS("k1", secretB64(1)) + `]}`, "wrong type"},
	{"secret as member name", doc(`{"id": "k1", ` + q(secretB64(5)) + `: 1, "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "activates": ` + activates + `}`), "unknown member"},
	{"secret as duplicate member name", `{` + q(secretB64(5)) + `: 1, ` + q(secretB64(5)) + `: 1}`, "unknown member"},
	{"secret after the document", validDoc + q(secretB64(5)), "data after the document"},
	{"secret in a syntax error", `{"version": 1, "keys": [{"id": "k1", "secret" ` + q(secretB64(5)) + `}]}`, "syntax error"},
	{"secret too long in id position", doc(keyS(secretB64(5)+secretB64(6), secretB64(1))), "the id does not match"},
}

// testSecrets are the raw secrets the invalid documents may hold.
func testSecrets() [][]byte {
	var out [][]byte
	for n := range keyring.MaxKeys + 2 {
		out = append(out, secretBytes(n))
	}
	return out
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	secrets := testSecrets()
	for _, tt := range invalidDocs {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := keyring.Parse([]byte(tt.doc))
			if r != nil || !errors.Is(err, keyring.ErrInvalidRing) {
				t.Fatalf("Parse(%.200q) = %v, %v; want nil, an error wrapping ErrInvalidRing", tt.doc, r, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%.200q) = %q; want an error about %q", tt.doc, err, tt.want)
			}
			checkNoSecret(t, "Parse error", err.Error(), secrets[:8]...)
		})
	}
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	k1, k2 := keyS("k1", secretB64(1)), rawKey(q("k2"), q(secretB64(2)), `"2026-11-24T07:00:00Z"`, `"2026-11-24T08:00:00Z"`)
	tests := []struct {
		name   string
		doc    string
		ids    []string // in order of activation
		revoke time.Time
	}{
		{"one key", doc(k1), []string{"k1"}, time.Time{}},
		{"keys in activation order", doc(k1, k2), []string{"k1", "k2"}, time.Time{}},
		{"keys in any order", doc(k2, k1), []string{"k1", "k2"}, time.Time{}},
		{"members in any order", `{"keys": [{"activates": ` + activates + `, "secret": ` + q(secretB64(1)) + `, "created": ` + created + `, "id": "k1"}], "version": 1}`, []string{"k1"}, time.Time{}},
		{"revoke_before", `{"version": 1, "keys": [` + k1 + `], "revoke_before": "2026-11-23T07:30:00Z"}`, []string{"k1"}, t0.Add(30 * time.Minute)},
		{"revoke_before null", `{"version": 1, "keys": [` + k1 + `], "revoke_before": null}`, []string{"k1"}, time.Time{}},
		{"revoke_before with an offset", `{"version": 1, "keys": [` + k1 + `], "revoke_before": "2026-11-23T08:30:00+01:00"}`, []string{"k1"}, t0.Add(30 * time.Minute)},
		{"compact", strings.Join(strings.Fields(doc(k1)), ""), []string{"k1"}, time.Time{}},
		{"white space around", " \n\t" + doc(k1) + "\r\n ", []string{"k1"}, time.Time{}},
		{"escaped id", doc(rawKey(`"\u006b1"`, q(secretB64(1)), created, activates)), []string{"k1"}, time.Time{}},
		{"all 0xff secret", doc(keyS("k1", allFF)), []string{"k1"}, time.Time{}},
		{"id of 32 characters", doc(keyS(strings.Repeat("Az09_-", 5)+"zz", secretB64(1))), []string{strings.Repeat("Az09_-", 5) + "zz"}, time.Time{}},
		{"256 keys", doc(func() []string {
			var ks []string
			for i := range keyring.MaxKeys {
				ks = append(ks, keyS(fmt.Sprintf("k%03d", i), secretB64(i)))
			}
			return ks
		}()...), nil, time.Time{}},
		{"exactly 1 MiB", doc(k1) + strings.Repeat(" ", keyring.MaxFileSize-len(doc(k1))), []string{"k1"}, time.Time{}},
		{"design example", validDoc, []string{"Xq3v9a", "b7_K-2"}, t0.Add(30 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := keyring.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse(%.200q) = %v; want a ring", tt.doc, err)
			}
			if tt.ids != nil {
				if diff := cmp.Diff(tt.ids, ids(r.Keys())); diff != "" {
					t.Errorf("Parse(%.200q).Keys() ids (-want +got):\n%s", tt.doc, diff)
				}
			}
			if got := r.RevokeBefore(); !got.Equal(tt.revoke) {
				t.Errorf("Parse(%.200q).RevokeBefore() = %v; want %v", tt.doc, got, tt.revoke)
			}
		})
	}
}

func TestParseKeyFields(t *testing.T) {
	t.Parallel()
	r := mustParse(t, validDoc)
	want := []keyring.Key{
		{ID: "Xq3v9a", Secret: mustSecret(t, 1), Created: t0, Activates: t0.Add(time.Hour)},
		{ID: "b7_K-2", Secret: mustSecret(t, 2), Created: t0.Add(24 * time.Hour), Activates: t0.Add(25 * time.Hour)},
	}
	if diff := cmp.Diff(want, r.Keys(), secretComparer); diff != "" {
		t.Errorf("Parse(validDoc).Keys() (-want +got):\n%s", diff)
	}
	if r.Len() != 2 {
		t.Errorf("Len() = %d; want 2", r.Len())
	}
}

func TestNewInvalid(t *testing.T) {
	t.Parallel()
	good := func(id string, n int) keyring.Key { return key(t, id, n, t0) }
	with := func(f func(*keyring.Key)) keyring.Key { k := good("k1", 1); f(&k); return k }
	var tooMany []keyring.Key
	for i := range keyring.MaxKeys + 1 {
		tooMany = append(tooMany, good(fmt.Sprintf("k%d", i), i))
	}
	tests := []struct {
		name string
		keys []keyring.Key
		want string
	}{
		{"nil", nil, "no keys"},
		{"empty", []keyring.Key{}, "no keys"},
		{"too many", tooMany, "more than 256"},
		{"zero key", []keyring.Key{{}}, "the id does not match"},
		{"empty id", []keyring.Key{with(func(k *keyring.Key) { k.ID = "" })}, "the id does not match"},
		{"id 33 characters", []keyring.Key{with(func(k *keyring.Key) { k.ID = strings.Repeat("x", 33) })}, "the id does not match"},
		{"id slash", []keyring.Key{with(func(k *keyring.Key) { k.ID = "a/b" })}, "the id does not match"},
		{"id is a secret", []keyring.Key{with(func(k *keyring.Key) { k.ID = secretB64(5) })}, "the id does not match"},
		{"zero secret", []keyring.Key{with(func(k *keyring.Key) { k.Secret = keyring.Secret{} })}, "all zero"},
		{"zero created", []keyring.Key{with(func(k *keyring.Key) { k.Created = time.Time{} })}, "no created time"},
		{"zero activates", []keyring.Key{with(func(k *keyring.Key) { k.Activates = time.Time{} })}, "no activates time"},
		{"created year 10000", []keyring.Key{with(func(k *keyring.Key) { k.Created = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) })}, "outside the years"},
		{"activates year -1", []keyring.Key{with(func(k *keyring.Key) { k.Activates = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) })}, "outside the years"},
		{"duplicate id", []keyring.Key{good("k1", 1), good("k2", 2), good("k1", 3)}, `duplicate key id "k1"`},
		{"repeated secret", []keyring.Key{good("k1", 1), good("k2", 2), good("k3", 1)}, `keys "k1" and "k3" have the same secret`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := keyring.New(tt.keys, time.Time{})
			if r != nil || !errors.Is(err, keyring.ErrInvalidRing) {
				t.Fatalf("New(%s) = %v, %v; want nil, an error wrapping ErrInvalidRing", tt.name, r, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%s) = %q; want an error about %q", tt.name, err, tt.want)
			}
			checkNoSecret(t, "New error", err.Error(), testSecrets()[:8]...)
		})
	}
}

// TestNewCopiesKeys checks that the ring does not share the caller's slice.
func TestNewCopiesKeys(t *testing.T) {
	t.Parallel()
	keys := []keyring.Key{key(t, "k1", 1, t0)}
	r := mustNew(t, time.Time{}, keys...)
	keys[0].ID = "changed"
	got := r.Keys()
	got[0].ID = "changed too"
	if k, ok := r.Key("k1"); !ok || k.ID != "k1" {
		t.Errorf(`Key("k1") = %v, %v after the caller changed its slices; want the key`, k, ok)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		ring *keyring.Ring
	}{
		{"design example", mustParse(t, validDoc)},
		{"no revoke_before", mustNew(t, time.Time{}, key(t, "k1", 1, t0))},
		{"other zone and nanoseconds", mustNew(t, time.Date(2026, 11, 23, 9, 0, 0, 123456789, paris),
			keyring.Key{ID: "k1", Secret: mustSecret(t, 1), Created: t0.In(paris).Add(time.Nanosecond), Activates: t0.Add(time.Hour).In(paris)},
			key(t, "k2", 2, t0.Add(48*time.Hour)),
			key(t, "k3", 3, t0.Add(24*time.Hour)))},
		{"generated", mustNew(t, time.Time{}, keyring.GenerateKey(t0, t0), keyring.GenerateKey(t0, t0.Add(time.Hour)))},
		{"earliest and latest years", mustNew(t, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			keyring.Key{ID: "old", Secret: mustSecret(t, 1), Created: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), Activates: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := tt.ring.Marshal()
			if err != nil {
				t.Fatalf("Marshal() = %v", err)
			}
			back, err := keyring.Parse(data)
			if err != nil {
				t.Fatalf("Parse(Marshal()) = %v\n%s", err, data)
			}
			if diff := ringDiff(tt.ring, back); diff != "" {
				t.Errorf("Parse(Marshal()) differs (-before +after):\n%s", diff)
			}
			again, err := back.Marshal()
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("Marshal(Parse(Marshal())) = %s, %v; want the same document:\n%s", again, err, data)
			}
		})
	}
}

// TestMarshalShape checks the document against the example of docs/keyring-format.md.
func TestMarshalShape(t *testing.T) {
	t.Parallel()
	data, err := mustParse(t, validDoc).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "keys": [
    {
      "id": "Xq3v9a",
      "secret": "` + secretB64(1) + `",
      "created": "2026-11-23T07:00:00Z",
      "activates": "2026-11-23T08:00:00Z"
    },
    {
      "id": "b7_K-2",
      "secret": "` + secretB64(2) + `",
      "created": "2026-11-24T07:00:00Z",
      "activates": "2026-11-24T08:00:00Z"
    }
  ],
  "revoke_before": "2026-11-23T07:30:00Z"
}
`
	if diff := cmp.Diff(want, string(data)); diff != "" {
		t.Errorf("Marshal() (-want +got):\n%s", diff)
	}

	// Without revoke_before, the member is left out.
	data, err = mustNew(t, time.Time{}, key(t, "k1", 1, t0)).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	members := slices.Sorted(maps.Keys(m))
	if diff := cmp.Diff([]string{"keys", "version"}, members); diff != "" {
		t.Errorf("members of Marshal() without revoke_before (-want +got):\n%s", diff)
	}
}

// TestUnwritableTime checks that a ring whose revocation time has no
// RFC 3339 form cannot be made: it could never be saved.
func TestUnwritableTime(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)} {
		if r, err := keyring.New([]keyring.Key{key(t, "k1", 1, t0)}, at); err == nil || !errors.Is(err, keyring.ErrInvalidRing) {
			t.Errorf("New with revoke_before %v = %v, %v; want ErrInvalidRing", at, r, err)
		}
		r := mustNew(t, time.Time{}, key(t, "k1", 1, t0))
		if n, err := r.WithRevokeBefore(at); err == nil {
			t.Errorf("WithRevokeBefore(%v) = %v; want an error", at, n)
		}
	}
}
