package keyring_test

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	josecipher "github.com/go-jose/go-jose/v4/cipher"

	"github.com/sessionless/sessionless/internal/keywrap"
	"github.com/sessionless/sessionless/keyring"
)

func TestValidPurpose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"auth", true},
		{"remember", true},
		{"email-verify", true},
		{"password.reset_v2", true},
		{"A", true},
		{strings.Repeat("p", 64), true},
		{"", false},
		{strings.Repeat("p", 65), false},
		{"a/b", false},
		{"a b", false},
		{"a:b", false},
		{"auth\x00", false},
		{"auth\n", false},
		{"é", false},
		{"ａuth", false},
		{"a+b", false},
	}
	for _, tt := range tests {
		if got := keyring.ValidPurpose(tt.in); got != tt.want {
			t.Errorf("ValidPurpose(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"Xq3v9a", true},
		{"a", true},
		{"_-", true},
		{strings.Repeat("z", 32), true},
		{"", false},
		{strings.Repeat("z", 33), false},
		{"a/b", false},
		{"..", false},
		{"a.b", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"clé", false},
		{"a=", false},
		{"a+b", false},
	}
	for _, tt := range tests {
		if got := keyring.ValidID(tt.in); got != tt.want {
			t.Errorf("ValidID(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestPurposeInvalid(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	for _, name := range []string{"", "a/b", strings.Repeat("p", 65), "auth\n"} {
		if p, err := r.PurposeKeys(name); p != nil || err == nil {
			t.Errorf("PurposeKeys(%q) = %v, %v; want an error", name, p, err)
		}
		if k, err := r.UnsafeExportPurposeKey("a", name); k != nil || err == nil {
			t.Errorf("UnsafeExportPurposeKey(a, %q) = %x, %v; want an error", name, k, err)
		}
	}
	if k, err := r.UnsafeExportPurposeKey("zz", "auth"); k != nil || !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("UnsafeExportPurposeKey(zz, auth) = %x, %v; want ErrUnknownKey", k, err)
	}
}

// TestPurposeKeys: one derived key per master key, in the ring's order,
// with its id and activation; each is the exported key (as go-jose would
// use it), and derived once per ring and purpose.
func TestPurposeKeys(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	auth, err := r.PurposeKeys("auth")
	if err != nil {
		t.Fatal(err)
	}
	keys := r.Keys()
	if len(auth) != len(keys) {
		t.Fatalf("PurposeKeys(auth) has %d keys; want %d", len(auth), len(keys))
	}
	again, _ := r.PurposeKeys("auth")
	remember, _ := r.PurposeKeys("remember")
	for i, k := range keys {
		d := auth[i]
		if d.ID != k.ID || !d.Activates.Equal(k.Activates) {
			t.Errorf("key %d: %s activating %v; want %s activating %v", i, d.ID, d.Activates, k.ID, k.Activates)
		}
		if again[i].KEK != d.KEK {
			t.Errorf("key %s: a second call derived it again", k.ID)
		}
		exp, _ := r.UnsafeExportPurposeKey(k.ID, "auth")
		// What the KEK wraps, go-jose unwraps with the exported key, and
		// the same key for another purpose does not.
		cek := bytes.Repeat([]byte{byte(i + 1)}, 32)
		wrapped := make([]byte, 40)
		d.KEK.Wrap(wrapped, cek, make([]byte, 16))
		if got, err := josecipher.KeyUnwrap(aesBlock(t, exp), wrapped); err != nil || !bytes.Equal(got, cek) {
			t.Errorf("key %s: go-jose KeyUnwrap with the exported key = %x, %v; want %x", k.ID, got, err, cek)
		}
		if remember[i].KEK.Unwrap(make([]byte, 32), wrapped, make([]byte, 16)) {
			t.Errorf("key %s: the remember KEK unwraps what the auth KEK wrapped", k.ID)
		}
	}
	auth[0].ID = "changed"
	if again, _ := r.PurposeKeys("auth"); again[0].ID == "changed" {
		t.Errorf("a caller changed the ring's derived keys")
	}
}

func aesBlock(t *testing.T, key []byte) cipher.Block {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPurposeConcurrentFirstCall checks that goroutines racing to derive a
// purpose first all get the same keys (run with -race).
func TestPurposeConcurrentFirstCall(t *testing.T) {
	t.Parallel()
	for range 20 {
		r := timeline(t)
		const n = 16
		got := make([]*keywrap.KEK, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				p, err := r.PurposeKeys("auth")
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = p[0].KEK
			})
		}
		close(start)
		wg.Wait()
		for i, p := range got {
			if p != got[0] {
				t.Fatalf("goroutine %d got KEK %p; goroutine 0 got %p", i, p, got[0])
			}
		}
	}
}

// TestDerivedKeysDiffer checks that every key and purpose derive their own
// key, and none is the master key.
func TestDerivedKeysDiffer(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	seen := map[string]string{}
	for _, k := range r.Keys() {
		for _, purpose := range []string{"auth", "remember", "email-verify", "Auth", "auth."} {
			d, err := r.UnsafeExportPurposeKey(k.ID, purpose)
			if err != nil {
				t.Fatal(err)
			}
			if len(d) != 32 {
				t.Fatalf("UnsafeExportPurposeKey(%q, %q) has %d bytes; want 32", k.ID, purpose, len(d))
			}
			name := k.ID + "/" + purpose
			if other, dup := seen[string(d)]; dup {
				t.Errorf("%s derives the same key as %s", name, other)
			}
			seen[string(d)] = name
		}
	}
	for n := 1; n <= 3; n++ {
		if who, ok := seen[string(secretBytes(n))]; ok {
			t.Errorf("%s derives its master key itself", who)
		}
	}
}

// hkdfReference is HKDF-SHA256 as docs/token-format.md specifies it, written here
// from the spec rather than taken from the package.
func hkdfReference(t *testing.T, secret []byte, purpose string) []byte {
	t.Helper()
	k, err := hkdf.Key(sha256.New, secret, nil, "sessionless/v1/"+purpose, 32)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestDeriveVectors checks the derivation against the known answers in
// testdata/keyring/derive.txt (computed with Python, not Go), and against
// crypto/hkdf.
func TestDeriveVectors(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../testdata/keyring/derive.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var records []map[string]string
	rec := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "":
			if len(rec) > 0 {
				records = append(records, rec)
				rec = map[string]string{}
			}
		default:
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("derive.txt: bad line %q", line)
			}
			rec[k] = v
		}
	}
	if len(rec) > 0 {
		records = append(records, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(records) < 3 {
		t.Fatalf("derive.txt has %d records; want at least 3", len(records))
	}
	for _, rec := range records {
		t.Run(rec["purpose"], func(t *testing.T) {
			raw, err := base64.RawURLEncoding.DecodeString(rec["secret"])
			if err != nil {
				t.Fatal(err)
			}
			want, err := hex.DecodeString(rec["kek"])
			if err != nil {
				t.Fatal(err)
			}
			s, err := keyring.NewSecret(raw)
			if err != nil {
				t.Fatal(err)
			}
			r := mustNew(t, time.Time{}, keyring.Key{ID: "v", Secret: s, Created: t0, Activates: t0})
			got, err := r.UnsafeExportPurposeKey("v", rec["purpose"])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("UnsafeExportPurposeKey(%s) = %x; want %x", rec["purpose"], got, want)
			}
			if ref := hkdfReference(t, raw, rec["purpose"]); !bytes.Equal(ref, want) {
				t.Errorf("crypto/hkdf gives %x; the vector says %x", ref, want)
			}
		})
	}
}

// purposeKey returns r's key id derived for purpose, or with id "" the
// primary at now (the latest activated by then); nil if there is none.
func purposeKey(r *keyring.Ring, purpose, id string, now time.Time) *keyring.PurposeKey {
	keys, err := r.PurposeKeys(purpose)
	if err != nil {
		return nil
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if id == keys[i].ID || id == "" && !keys[i].Activates.After(now) {
			return &keys[i]
		}
	}
	return nil
}
