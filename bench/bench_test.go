// Package bench compares sessionless with its peers on one payload: what a
// server does per request to write (Seal) and read (Open) a session cookie,
// and what refusing a bad one costs (Reject). See README.md for how each
// peer is configured and why, and for the command that produces the table.
package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/gorilla/securecookie"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sessionless/sessionless/internal/benchdata"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// User is the payload of every benchmark and load test: 198 bytes of JSON.
type User = benchdata.User

var alice = benchdata.Alice()

// claims is the plaintext of a token v1 (docs/token-format.md), as go-jose, the
// primitives and the floor write and read it: the same members in the same
// order as sessionless writes them.
type claims[T any] struct {
	Jti      string `json:"jti"`
	Iat      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	AuthTime int64  `json:"auth_time,omitempty"`
	Data     T      `json:"data"`
}

const (
	purpose    = "auth"
	cookieName = "__Host-auth"
	ttl        = 30 * time.Minute
	leeway     = 60 // seconds, sessionless's default
)

var errRejected = errors.New("bench: token refused")

// fixture is the state a server builds once at start-up. Every JWE
// implementation uses the same key: the one the ring derives for purpose,
// so each can open the others' tokens.
type fixture struct {
	now  time.Time
	ring *keyring.Ring
	kid  string // the primary key's id
	kek  []byte // its A256KW key for purpose
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	now := time.Now().Truncate(time.Second)
	// A ring after one staged rotation: the previous key and the primary.
	prev := keyring.GenerateKey(now.Add(-48*time.Hour), now.Add(-47*time.Hour))
	prim := keyring.GenerateKey(now.Add(-2*time.Hour), now.Add(-time.Hour))
	for prim.ID == prev.ID {
		prim = keyring.GenerateKey(now.Add(-2*time.Hour), now.Add(-time.Hour))
	}
	r, err := keyring.New([]keyring.Key{prev, prim}, time.Time{})
	if err != nil {
		tb.Fatal(err)
	}
	kek, err := r.UnsafeExportPurposeKey(prim.ID, purpose)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{now: now, ring: r, kid: prim.ID, kek: kek}
}

// plaintext is the JSON of the claims of a token v1 sealed at now for u,
// with the id jti, as go-jose and the inline implementations write it.
func plaintext[T any](jti []byte, now time.Time, u T) ([]byte, error) {
	return json.Marshal(claims[T]{
		Jti:      base64.RawURLEncoding.EncodeToString(jti),
		Iat:      now.Unix(),
		Exp:      now.Add(ttl).Unix(),
		AuthTime: now.Unix(),
		Data:     u,
	})
}

// impl is one implementation: seal a T into a cookie value, open it
// again. Everything it needs was made when it was built.
type impl[T any] struct {
	name string
	seal func(T) (string, error)
	open func(string) (T, error)
}

// impls are the implementations of BenchmarkSeal and BenchmarkOpen.
func impls(tb testing.TB, f *fixture) []impl[User] {
	return []impl[User]{
		newSessionless[User](tb, f, 0),
		newSecureCookie[User](tb, f, defaultSecureCookieMax),
		newGoJose(tb, f),
		newPrimitives(tb, f),
		newFloor[User](tb, f),
	}
}

// newSessionless is a token.Codec for purpose auth; maxLen is its
// MaxLength (0: the default, 4096).
func newSessionless[T any](tb testing.TB, f *fixture, maxLen int) impl[T] {
	c, err := token.New[T](f.ring, token.Config{Purpose: purpose, MaxLength: maxLen})
	if err != nil {
		tb.Fatal(err)
	}
	now := f.now
	return impl[T]{
		name: "sessionless",
		seal: func(u T) (string, error) {
			return c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(ttl), AuthTime: now}, u)
		},
		open: func(s string) (T, error) {
			t, err := c.Open(s, now)
			if err != nil {
				var zero T
				return zero, err
			}
			return t.Data, nil
		},
	}
}

// newSecureCookie is gorilla/securecookie as its README sets it up for
// encrypted cookies: HMAC-SHA256 with a 32-byte hash key, AES-256-CTR with a
// 32-byte block key, and the JSON serializer (the default, gob, is slower
// and not what a cross-language cookie uses). It reads the clock itself.
// maxLen is its MaxLength (0: no bound).
func newSecureCookie[T any](tb testing.TB, f *fixture, maxLen int) impl[T] {
	s := newSecureCookieCodec()
	s.MaxLength(maxLen)
	return impl[T]{
		name: "securecookie",
		seal: func(u T) (string, error) { return s.Encode(cookieName, u) },
		open: func(v string) (T, error) {
			var u T
			err := s.Decode(cookieName, v, &u)
			return u, err
		},
	}
}

// defaultSecureCookieMax is securecookie's default MaxLength.
const defaultSecureCookieMax = 4096

func newSecureCookieCodec() *securecookie.SecureCookie {
	s := securecookie.New(securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32))
	s.SetSerializer(securecookie.JSONEncoder{})
	s.MaxAge(int(ttl / time.Second))
	return s
}

// newGoJose is go-jose's general API with the profile of token v1. The
// encrypter is made once; it draws a new CEK and IV for every message.
func newGoJose(tb testing.TB, f *fixture) impl[User] {
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.A256KW, Key: f.kek, KeyID: f.kid}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	now, kek := f.now, f.kek
	return impl[User]{
		name: "gojose",
		seal: func(u User) (string, error) {
			var jti [16]byte
			rand.Read(jti[:])
			pt, err := plaintext(jti[:], now, u)
			if err != nil {
				return "", err
			}
			obj, err := enc.Encrypt(pt)
			if err != nil {
				return "", err
			}
			return obj.CompactSerialize()
		},
		open: func(s string) (User, error) {
			obj, err := jose.ParseEncryptedCompact(s, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
			if err != nil {
				return User{}, err
			}
			pt, err := obj.Decrypt(kek)
			if err != nil {
				return User{}, err
			}
			var c claims[User]
			if err := json.Unmarshal(pt, &c); err != nil {
				return User{}, err
			}
			if n := now.Unix(); n > c.Exp+leeway || c.Iat > n+leeway {
				return User{}, errRejected
			}
			return c.Data, nil
		},
	}
}

// newPrimitives is the construction of token v1 written inline as plainly
// as possible, with no pooling and no strict shape checks, decoding with
// encoding/json. Only the KEK's cipher.Block is made once.
func newPrimitives(tb testing.TB, f *fixture) impl[User] {
	return newInline[User](tb, f, "primitives", json.Unmarshal)
}

// floorDecodeOptions are the options the token package decodes with: they
// make go-json-experiment accept all that encoding/json writes, and spare it
// the duplicate-name check.
var floorDecodeOptions = jsonv2.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// newFloor is the primitives with the JSON packages the library itself
// uses: encoding/json to encode, go-json-experiment/json (with the token
// package's options) to decode. It is the floor of issue 13: what the
// construction costs written inline with nothing else.
func newFloor[T any](tb testing.TB, f *fixture) impl[T] {
	return newInline[T](tb, f, "floor", func(b []byte, v any) error {
		return jsonv2.Unmarshal(b, v, floorDecodeOptions)
	})
}

// newInline is the construction of token v1 written inline, decoding the
// claims with unmarshal. Per seal: three crypto/rand reads (CEK, IV, jti),
// the wrap, NewCipher, NewGCM, json.Marshal, gcm.Seal, four base64
// encodings (the header's is made once, as sessionless does); per open:
// strings.Split, five base64 decodings, the header compared with the one
// expected, the unwrap, NewCipher, NewGCM, gcm.Open, unmarshal, the exp
// check.
func newInline[T any](tb testing.TB, f *fixture, name string, unmarshal func([]byte, any) error) impl[T] {
	kek, err := aes.NewCipher(f.kek)
	if err != nil {
		tb.Fatal(err)
	}
	header := `{"alg":"A256KW","enc":"A256GCM","kid":"` + f.kid + `"}`
	hdr := base64.RawURLEncoding.EncodeToString([]byte(header))
	now := f.now
	return impl[T]{
		name: name,
		seal: func(u T) (string, error) { return inlineSeal(kek, hdr, now, u) },
		open: func(s string) (T, error) {
			var c claims[T]
			if err := inlineOpen(kek, header, s, func(pt []byte) error { return unmarshal(pt, &c) }); err != nil {
				return c.Data, err
			}
			if now.Unix() > c.Exp+leeway {
				return c.Data, errRejected
			}
			return c.Data, nil
		},
	}
}

// inlineSeal seals u as a token v1 under kek with the encoded header hdr.
func inlineSeal[T any](kek cipher.Block, hdr string, now time.Time, u T) (string, error) {
	b64 := base64.RawURLEncoding
	cek := make([]byte, 32)
	rand.Read(cek)
	iv := make([]byte, 12)
	rand.Read(iv)
	jti := make([]byte, 16)
	rand.Read(jti)
	ek := keyWrap(kek, cek)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	pt, err := plaintext(jti, now, u)
	if err != nil {
		return "", err
	}
	sealed := gcm.Seal(nil, iv, pt, []byte(hdr))
	ct, tag := sealed[:len(sealed)-gcm.Overhead()], sealed[len(sealed)-gcm.Overhead():]
	return hdr + "." + b64.EncodeToString(ek) + "." + b64.EncodeToString(iv) + "." +
		b64.EncodeToString(ct) + "." + b64.EncodeToString(tag), nil
}

// inlineOpen opens the token s sealed by inlineSeal, whose header must be
// header, and hands its plaintext to decode.
func inlineOpen(kek cipher.Block, header, s string, decode func([]byte) error) error {
	b64 := base64.RawURLEncoding
	parts := strings.Split(s, ".")
	if len(parts) != 5 {
		return errRejected
	}
	var raw [5][]byte
	for i, p := range parts {
		b, err := b64.DecodeString(p)
		if err != nil {
			return err
		}
		raw[i] = b
	}
	if string(raw[0]) != header {
		return errRejected
	}
	ek, iv, ct, tag := raw[1], raw[2], raw[3], raw[4]
	cek, ok := keyUnwrap(kek, ek)
	if !ok {
		return errRejected
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	pt, err := gcm.Open(nil, iv, append(ct, tag...), []byte(parts[0]))
	if err != nil {
		return errRejected
	}
	return decode(pt)
}

// keyWrapIV is the initial value of RFC 3394 §2.2.3.1.
var keyWrapIV = []byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}

// keyWrap is RFC 3394 §2.2.1 as it is usually written: A and R[1..n] in
// fresh slices, one 16-byte block B per step.
func keyWrap(kek cipher.Block, key []byte) []byte {
	n := len(key) / 8
	a := make([]byte, 8)
	copy(a, keyWrapIV)
	r := make([]byte, len(key))
	copy(r, key)
	b := make([]byte, 16)
	for j := 0; j < 6; j++ {
		for i := 0; i < n; i++ {
			copy(b, a)
			copy(b[8:], r[8*i:8*i+8])
			kek.Encrypt(b, b)
			t := uint64(n*j + i + 1)
			binary.BigEndian.PutUint64(a, binary.BigEndian.Uint64(b[:8])^t)
			copy(r[8*i:8*i+8], b[8:])
		}
	}
	return append(a, r...)
}

// keyUnwrap is RFC 3394 §2.2.2, the inverse of keyWrap, and reports whether
// the integrity check value matched.
func keyUnwrap(kek cipher.Block, wrapped []byte) ([]byte, bool) {
	if len(wrapped) < 24 || len(wrapped)%8 != 0 {
		return nil, false
	}
	n := len(wrapped)/8 - 1
	a := make([]byte, 8)
	copy(a, wrapped[:8])
	r := make([]byte, 8*n)
	copy(r, wrapped[8:])
	b := make([]byte, 16)
	for j := 5; j >= 0; j-- {
		for i := n - 1; i >= 0; i-- {
			t := uint64(n*j + i + 1)
			binary.BigEndian.PutUint64(b, binary.BigEndian.Uint64(a)^t)
			copy(b[8:], r[8*i:8*i+8])
			kek.Decrypt(b, b)
			copy(a, b[:8])
			copy(r[8*i:8*i+8], b[8:])
		}
	}
	if subtle.ConstantTimeCompare(a, keyWrapIV) != 1 {
		return nil, false
	}
	return r, true
}

func BenchmarkSeal(b *testing.B) {
	f := newFixture(b)
	for _, im := range impls(b, f) {
		b.Run(im.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := im.seal(alice); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	f := newFixture(b)
	for _, im := range impls(b, f) {
		b.Run(im.name, func(b *testing.B) {
			tok, err := im.seal(alice)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := im.open(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// rejectCase is a cookie value that impl must refuse; ok reports whether
// the error is the one the case is about (checked once by TestRejectCases).
type rejectCase struct {
	name, impl string
	raw        string
	open       func(string) error
	ok         func(error) bool
}

func rejectCases(tb testing.TB, f *fixture) []rejectCase {
	tb.Helper()
	c, err := token.New[User](f.ring, token.Config{Purpose: purpose})
	if err != nil {
		tb.Fatal(err)
	}
	openAt := func(now time.Time) func(string) error {
		return func(s string) error { _, err := c.Open(s, now); return err }
	}
	reason := func(r token.Reason) func(error) bool {
		return func(err error) bool { return token.ReasonOf(err) == r }
	}
	good, err := c.Seal(token.Params{IssuedAt: f.now, Expiry: f.now.Add(ttl), AuthTime: f.now}, alice)
	if err != nil {
		tb.Fatal(err)
	}

	// unknown-kid: a real token under a key the ring does not have.
	k := keyring.GenerateKey(f.now.Add(-2*time.Hour), f.now.Add(-time.Hour))
	for _, in := f.ring.Key(k.ID); in; _, in = f.ring.Key(k.ID) {
		k = keyring.GenerateKey(f.now.Add(-2*time.Hour), f.now.Add(-time.Hour))
	}
	other, err := keyring.New([]keyring.Key{k}, time.Time{})
	if err != nil {
		tb.Fatal(err)
	}
	oc, err := token.New[User](other, token.Config{Purpose: purpose})
	if err != nil {
		tb.Fatal(err)
	}
	unknown, err := oc.Seal(token.Params{IssuedAt: f.now, Expiry: f.now.Add(ttl), AuthTime: f.now}, alice)
	if err != nil {
		tb.Fatal(err)
	}

	binaryGarbage := make([]byte, 4096)
	rand.Read(binaryGarbage)

	sc := newSecureCookieCodec()
	scGood, err := sc.Encode(cookieName, alice)
	if err != nil {
		tb.Fatal(err)
	}
	gj := newGoJose(tb, f)
	gjGood, err := gj.seal(alice)
	if err != nil {
		tb.Fatal(err)
	}

	return []rejectCase{
		{name: "garbage-4KiB", impl: "sessionless", raw: randomBase64URL(4096), open: openAt(f.now), ok: reason(token.ReasonMalformed)},
		{name: "garbage-4KiB-binary", impl: "sessionless", raw: string(binaryGarbage), open: openAt(f.now), ok: reason(token.ReasonMalformed)},
		{name: "bad-tag", impl: "sessionless", raw: badJWETag(good), open: openAt(f.now), ok: reason(token.ReasonBadTag)},
		{name: "bad-tag", impl: "securecookie", raw: badSecureCookieMAC(tb, scGood),
			open: func(s string) error { var u User; return sc.Decode(cookieName, s, &u) },
			ok:   func(err error) bool { return errors.Is(err, securecookie.ErrMacInvalid) }},
		{name: "bad-tag", impl: "gojose", raw: badJWETag(gjGood),
			open: func(s string) error { _, err := gj.open(s); return err },
			ok:   func(err error) bool { return errors.Is(err, jose.ErrCryptoFailure) }},
		{name: "unknown-kid", impl: "sessionless", raw: unknown, open: openAt(f.now), ok: reason(token.ReasonUnknownKey)},
		{name: "expired", impl: "sessionless", raw: good, open: openAt(f.now.Add(time.Hour)), ok: reason(token.ReasonExpired)},
	}
}

// BenchmarkReject is what refusing a cookie costs: Reject/<case>/<impl>.
func BenchmarkReject(b *testing.B) {
	f := newFixture(b)
	for _, rc := range rejectCases(b, f) {
		b.Run(rc.name+"/"+rc.impl, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rc.open(rc.raw) == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

func randomBase64URL(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return string(b)
}

// badJWETag changes the first character of a compact JWE's tag: still
// canonical base64url, so only the authentication can refuse it.
func badJWETag(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// badSecureCookieMAC changes the first byte of a securecookie value's MAC
// (the last 32 bytes inside its outer base64), so only the MAC check can
// refuse it.
func badSecureCookieMAC(tb testing.TB, v string) string {
	raw, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		tb.Fatal(err)
	}
	raw[len(raw)-32] ^= 0x01
	return base64.URLEncoding.EncodeToString(raw)
}

// TestSameResults checks that the benchmarks compare equal work: every
// implementation opens what it sealed into the same User, and the three
// JWE implementations open each other's tokens.
func TestSameResults(t *testing.T) {
	f := newFixture(t)
	all := impls(t, f)
	jwe := map[string]string{} // impl → a token it sealed
	for _, im := range all {
		tok, err := im.seal(alice)
		if err != nil {
			t.Fatalf("%s: seal: %v", im.name, err)
		}
		got, err := im.open(tok)
		if err != nil {
			t.Fatalf("%s: open: %v", im.name, err)
		}
		if !reflect.DeepEqual(got, alice) {
			t.Errorf("%s: open(seal(alice)) = %+v; want %+v", im.name, got, alice)
		}
		if im.name != "securecookie" {
			jwe[im.name] = tok
		}
		t.Logf("%s: a %d-byte cookie value", im.name, len(tok))
	}
	for _, opener := range all {
		if opener.name == "securecookie" {
			continue
		}
		for sealer, tok := range jwe {
			got, err := opener.open(tok)
			if err != nil {
				t.Errorf("%s cannot open the token of %s: %v", opener.name, sealer, err)
				continue
			}
			if !reflect.DeepEqual(got, alice) {
				t.Errorf("%s opens the token of %s as %+v; want %+v", opener.name, sealer, got, alice)
			}
		}
	}
}

// TestGoJoseOpensPrimitives proves that the floor is the construction of
// token v1: go-jose, the reference, opens it with the purpose's key and
// finds the header and claims of docs/token-format.md.
func TestGoJoseOpensPrimitives(t *testing.T) {
	f := newFixture(t)
	tok, err := newPrimitives(t, f).seal(alice)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseEncryptedCompact(tok, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		t.Fatalf("ParseEncryptedCompact: %v", err)
	}
	if obj.Header.KeyID != f.kid || obj.Header.Algorithm != string(jose.A256KW) {
		t.Errorf("header: kid %q, alg %q; want kid %q, alg A256KW", obj.Header.KeyID, obj.Header.Algorithm, f.kid)
	}
	pt, err := obj.Decrypt(f.kek)
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(pt)))
	dec.DisallowUnknownFields()
	var c claims[User]
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("claims %s: %v", pt, err)
	}
	if jti, err := base64.RawURLEncoding.Strict().DecodeString(c.Jti); err != nil || len(jti) != 16 {
		t.Errorf("jti %q is not 16 bytes of base64url", c.Jti)
	}
	if c.Iat != f.now.Unix() || c.Exp != f.now.Add(ttl).Unix() || c.AuthTime != f.now.Unix() {
		t.Errorf("iat %d, exp %d, auth_time %d; want %d, %d, %d", c.Iat, c.Exp, c.AuthTime, f.now.Unix(), f.now.Add(ttl).Unix(), f.now.Unix())
	}
	if !reflect.DeepEqual(c.Data, alice) {
		t.Errorf("data = %+v; want %+v", c.Data, alice)
	}
}

// TestRejectCases checks that each case of BenchmarkReject is refused for
// the reason it is named after, and that the payload is the size it says.
func TestRejectCases(t *testing.T) {
	f := newFixture(t)
	for _, rc := range rejectCases(t, f) {
		err := rc.open(rc.raw)
		if err == nil || !rc.ok(err) {
			t.Errorf("%s/%s: err = %v; not the refusal the case is about", rc.name, rc.impl, err)
		}
	}
	b, err := json.Marshal(alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 180 || len(b) > 220 {
		t.Errorf("the payload is %d bytes of JSON; want about 200", len(b))
	}
}
