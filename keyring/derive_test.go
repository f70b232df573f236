package keyring_test

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/hkdf"
	"crypto/rand"
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
		if p, err := r.Purpose(name); p != nil || err == nil {
			t.Errorf("Purpose(%q) = %v, %v; want an error", name, p, err)
		}
		if k, err := r.UnsafeExportPurposeKey("a", name); k != nil || err == nil {
			t.Errorf("UnsafeExportPurposeKey(a, %q) = %x, %v; want an error", name, k, err)
		}
	}
	if k, err := r.UnsafeExportPurposeKey("zz", "auth"); k != nil || !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("UnsafeExportPurposeKey(zz, auth) = %x, %v; want ErrUnknownKey", k, err)
	}
}

func TestPurposeCached(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	p1, err := r.Purpose("auth")
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := r.Purpose("auth")
	if p1 != p2 {
		t.Errorf("Purpose(auth) twice gave %p and %p; want the cached one", p1, p2)
	}
	if p1.Lookup("a") != p2.Lookup("a") {
		t.Errorf("the cached purpose has other derived keys")
	}
	if p1.Name() != "auth" || p1.Ring() != r {
		t.Errorf("Purpose(auth): Name() = %q, Ring() = %p; want auth, %p", p1.Name(), p1.Ring(), r)
	}
	if p3, _ := r.Purpose("remember"); p3 == p1 {
		t.Errorf("Purpose(remember) is Purpose(auth)")
	}
}

// TestPurposeConcurrentFirstCall checks that goroutines racing to derive a
// purpose first all get the same one (run with -race).
func TestPurposeConcurrentFirstCall(t *testing.T) {
	t.Parallel()
	for range 20 {
		r := timeline(t)
		const n = 16
		got := make([]*keyring.Purpose, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				p, err := r.Purpose("auth")
				if err != nil {
					t.Error(err)
				}
				got[i] = p
			})
		}
		close(start)
		wg.Wait()
		for i, p := range got {
			if p != got[0] {
				t.Fatalf("goroutine %d got Purpose %p; goroutine 0 got %p", i, p, got[0])
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

func TestWrapUnwrap(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	now := t0.Add(3 * time.Hour)
	auth, _ := r.Purpose("auth")
	remember, _ := r.Purpose("remember")
	k, err := auth.Primary(now)
	if err != nil {
		t.Fatal(err)
	}
	cek := make([]byte, 32)
	rand.Read(cek)
	scratch := make([]byte, 16)
	wrapped := make([]byte, 40)
	k.Wrap(wrapped, cek, scratch)

	got := make([]byte, 32)
	if !k.Unwrap(got, wrapped, scratch) || !bytes.Equal(got, cek) {
		t.Fatalf("Unwrap(Wrap(cek)) = %x; want %x", got, cek)
	}

	// Another JOSE implementation opens it with the exported key (A256KW).
	kek, _ := r.UnsafeExportPurposeKey(k.ID(), "auth")
	block, _ := aes.NewCipher(kek)
	if jose, err := josecipher.KeyUnwrap(block, wrapped); err != nil || !bytes.Equal(jose, cek) {
		t.Errorf("go-jose KeyUnwrap with the exported key = %x, %v; want %x", jose, err, cek)
	}
	fromJose, err := josecipher.KeyWrap(block, cek)
	if err != nil || !bytes.Equal(fromJose, wrapped) {
		t.Errorf("go-jose KeyWrap with the exported key = %x, %v; want %x", fromJose, err, wrapped)
	}

	// The same key id under another purpose, or another key, fails.
	for name, other := range map[string]*keyring.DerivedKey{
		"same key, purpose remember": remember.Lookup(k.ID()),
		"older key, same purpose":    auth.Lookup("a"),
		"pending key, same purpose":  auth.Lookup("c"),
	} {
		got := bytes.Repeat([]byte{0xAA}, 32)
		if other.Unwrap(got, wrapped, scratch) {
			t.Errorf("%s: Unwrap succeeded; want failure", name)
		}
		if !bytes.Equal(got, make([]byte, 32)) {
			t.Errorf("%s: failed Unwrap left %x in dst; want zeros", name, got)
		}
	}

	// Every flipped bit fails.
	for i := range len(wrapped) * 8 {
		bad := bytes.Clone(wrapped)
		bad[i/8] ^= 1 << (i % 8)
		if k.Unwrap(got, bad, scratch) {
			t.Errorf("Unwrap with bit %d flipped succeeded", i)
		}
	}
}
