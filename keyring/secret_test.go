package keyring_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// TestSecretNeverPrints is docs/attacks.md H3: no fmt verb, slog handler or
// encoder shows a secret, alone or inside a Key, a []Key or a Ring.
func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	raw := secretBytes(7)
	s := mustSecret(t, 7)
	k := keyring.Key{ID: "k7", Secret: s, Created: t0, Activates: t0}
	r := mustNew(t, t0, k, key(t, "k8", 8, t0.Add(time.Hour)))
	p, _ := r.PurposeKeys("auth")
	kek, _ := r.UnsafeExportPurposeKey("k7", "auth")
	secrets := [][]byte{raw, secretBytes(8), kek}

	values := []struct {
		name     string
		v        any
		redacted bool // the output shows the redaction
	}{
		{"Secret", s, true},
		{"*Secret", &s, true},
		{"Key", k, true},
		{"*Key", &k, true},
		{"[]Key", []keyring.Key{k, k}, true},
		{"map of Key", map[string]keyring.Key{"k": k}, true},
		{"struct holding a Key", struct{ K keyring.Key }{k}, true},
		{"struct holding a Secret unexported", struct{ s keyring.Secret }{s}, false},
		{"Ring.Keys()", r.Keys(), true},
		{"*Ring", r, false},
		{"[]*Ring", []*keyring.Ring{r}, false},
		{"[]PurposeKey", p, false},
		{"PurposeKey", p[0], false},
		{"*PurposeKey", &p[0], false},
		{"PurposeKey.KEK", p[0].KEK, true},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d", "%o", "%b", "%c", "%U", "%08x", "% x", "%T"}
	for _, tt := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, tt.v)
			checkNoSecret(t, fmt.Sprintf("Sprintf(%q, %s)", verb, tt.name), out, secrets...)
		}
		for name, out := range map[string]string{"Sprint": fmt.Sprint(tt.v), "Sprintln": fmt.Sprintln(tt.v)} {
			checkNoSecret(t, name+"("+tt.name+")", out, secrets...)
			if tt.redacted && !strings.Contains(out, "REDACTED") {
				t.Errorf("%s(%s) = %q; want the redaction", name, tt.name, out)
			}
		}
	}
	if got := fmt.Sprint(r); !strings.Contains(got, "k7") || !strings.Contains(got, "k8") {
		t.Errorf("Sprint(ring) = %q; want its key ids", got)
	}
	if got := fmt.Sprint((*keyring.Ring)(nil)); strings.Contains(got, "PANIC") {
		t.Errorf("Sprint(nil ring) = %q", got)
	}

	// slog, both handlers, every way of passing the values.
	for _, h := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
		{"JSON", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
	} {
		var buf bytes.Buffer
		log := slog.New(h.new(&buf))
		log.Info("keys", "secret", s, "key", k, "keys", r.Keys(), "ring", r, slog.Any("ptr", &s), slog.Any("kptr", &k))
		log.Info("group", slog.Group("g", "secret", s, "key", k))
		log.With("secret", s).Info("with")
		log.Error("error", "err", fmt.Errorf("wrapped %v", k))
		out := buf.String()
		checkNoSecret(t, h.name+" slog output", out, secrets...)
		if !strings.Contains(out, "REDACTED") {
			t.Errorf("%s slog output = %q; want the redaction", h.name, out)
		}
	}

	// Encoders refuse, and their errors hold no key.
	for name, v := range map[string]any{"Secret": s, "*Secret": &s, "Key": k, "[]Key": r.Keys(), "map": map[string]any{"k": k}} {
		b, err := json.Marshal(v)
		if err == nil {
			t.Errorf("json.Marshal(%s) = %s; want an error", name, b)
		} else {
			checkNoSecret(t, "json.Marshal("+name+") error", err.Error(), secrets...)
		}
		checkNoSecret(t, "json.Marshal("+name+")", string(b), secrets...)
		b, err = xml.Marshal(v)
		if err == nil {
			checkNoSecret(t, "xml.Marshal("+name+")", string(b), secrets...)
		}
	}
	if b, err := s.MarshalText(); err == nil {
		t.Errorf("MarshalText() = %q; want an error", b)
	}
	if s.String() != s.GoString() || strings.Contains(s.String(), "k7") {
		t.Errorf("String() = %q, GoString() = %q; want the same redaction", s.String(), s.GoString())
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	long := append(secretBytes(3), 9)
	tests := []struct {
		name string
		in   []byte
		want string // "" for success
	}{
		{"nil", nil, "must be 32 bytes, not 0"},
		{"16 bytes", secretBytes(3)[:16], "must be 32 bytes, not 16"},
		{"31 bytes", secretBytes(3)[:31], "must be 32 bytes, not 31"},
		{"33 bytes", long, "must be 32 bytes, not 33"},
		{"64 bytes", append(secretBytes(3), secretBytes(4)...), "must be 32 bytes, not 64"},
		{"all zero", make([]byte, 32), "all zero"},
		{"one bit set", append(make([]byte, 31), 1), ""},
		{"valid", secretBytes(3), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := keyring.NewSecret(tt.in)
			if tt.want == "" {
				if err != nil || s.IsZero() {
					t.Errorf("NewSecret(%s) = %v; want a secret", tt.name, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !s.IsZero() {
				t.Errorf("NewSecret(%s) = %v; want the zero secret and an error about %q", tt.name, err, tt.want)
			}
			if err != nil {
				checkNoSecret(t, "NewSecret error", err.Error(), secretBytes(3), secretBytes(4))
			}
		})
	}
}

func TestNewSecretCopies(t *testing.T) {
	t.Parallel()
	b := secretBytes(3)
	s, err := keyring.NewSecret(b)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if !s.Equal(mustSecret(t, 3)) {
		t.Errorf("NewSecret kept the caller's slice")
	}
}

func TestSecretEqual(t *testing.T) {
	t.Parallel()
	var zero keyring.Secret
	tests := []struct {
		name string
		a, b keyring.Secret
		want bool
	}{
		{"same bytes", mustSecret(t, 1), mustSecret(t, 1), true},
		{"different", mustSecret(t, 1), mustSecret(t, 2), false},
		{"one bit apart", mustSecret(t, 1), func() keyring.Secret {
			b := secretBytes(1)
			b[31] ^= 1
			s, _ := keyring.NewSecret(b)
			return s
		}(), false},
		{"zero and a key", zero, mustSecret(t, 1), false},
		{"two zeros", zero, zero, true},
	}
	for _, tt := range tests {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("Equal(%s) = %v; want %v", tt.name, got, tt.want)
		}
		if got := tt.b.Equal(tt.a); got != tt.want {
			t.Errorf("Equal(%s), reversed = %v; want %v", tt.name, got, tt.want)
		}
	}
	if !zero.IsZero() || mustSecret(t, 1).IsZero() {
		t.Errorf("IsZero is wrong")
	}
}

func TestGenerateSecret(t *testing.T) {
	t.Parallel()
	var got []keyring.Secret
	for range 256 {
		s := keyring.GenerateSecret()
		if s.IsZero() {
			t.Fatal("GenerateSecret returned the zero secret")
		}
		for i, o := range got {
			if o.Equal(s) {
				t.Fatalf("GenerateSecret repeated secret %d", i)
			}
		}
		got = append(got, s)
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	now := t0.Add(1500 * time.Millisecond).In(time.FixedZone("X", 3600))
	seen := map[string]bool{}
	for range 10000 {
		k := keyring.GenerateKey(now, now.Add(time.Hour))
		if !keyring.ValidID(k.ID) {
			t.Fatalf("GenerateKey id %q is not valid", k.ID)
		}
		if seen[k.ID] {
			t.Fatalf("GenerateKey repeated id %q", k.ID)
		}
		seen[k.ID] = true
		if k.Secret.IsZero() {
			t.Fatalf("GenerateKey made a zero secret")
		}
	}
	k := keyring.GenerateKey(now, now.Add(time.Hour))
	wantC, wantA := t0.Add(time.Second), t0.Add(time.Hour+time.Second)
	if !k.Created.Equal(wantC) || !k.Activates.Equal(wantA) || k.Created.Location() != time.UTC {
		t.Errorf("GenerateKey times = %v, %v; want %v, %v in UTC (whole seconds)", k.Created, k.Activates, wantC, wantA)
	}
	if _, err := keyring.New([]keyring.Key{k, keyring.GenerateKey(now, now)}, time.Time{}); err != nil {
		t.Errorf("New(generated keys) = %v", err)
	}
}

// TestErrorsAreSentinels checks the errors.Is contract of the sentinels.
func TestErrorsAreSentinels(t *testing.T) {
	t.Parallel()
	for _, err := range []error{keyring.ErrNoPrimary, keyring.ErrInvalidRing, keyring.ErrUnknownKey, keyring.ErrNoKeyring, keyring.ErrPermissions, keyring.ErrUnchanged} {
		if !strings.HasPrefix(err.Error(), "keyring: ") {
			t.Errorf("%q lacks the keyring: prefix", err)
		}
		if !errors.Is(fmt.Errorf("x: %w", err), err) {
			t.Errorf("%q does not match when wrapped", err)
		}
	}
}
