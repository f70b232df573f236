package token

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sessionless/sessionless/internal/jsondec"
	"github.com/sessionless/sessionless/keyring"
)

const (
	// DefaultMaxLength is the default bound on a token's length: what fits
	// in one cookie.
	DefaultMaxLength = 4096
	// MaxLengthLimit is the largest [Config.MaxLength] allowed: 64 KiB,
	// some 16 cookies' worth.
	MaxLengthLimit = 64 << 10
	// MaxMaxLength is MaxLengthLimit under its former name, kept until
	// the callers in this repository (remember, bench) use the new one;
	// then it goes.
	MaxMaxLength = MaxLengthLimit
	// DefaultLeeway is the default tolerance for clock differences between
	// servers, as in iron and Fernet.
	DefaultLeeway = 60 * time.Second
	// MaxLeeway is the largest [Config.Leeway] allowed.
	MaxLeeway = 10 * time.Minute

	// maxHeaderJSON bounds the decoded protected header. Ours is at most
	// 73 bytes; other writers may add whitespace or reorder members.
	maxHeaderJSON = 256
	// maxTimestamp is 9999-12-31T23:59:59Z.
	maxTimestamp = 253402300799

	encKeyLen = 54 // base64url of the 40-byte wrapped key
	ivLen     = 16 // base64url of the 12-byte IV
	tagLen    = 22 // base64url of the 16-byte tag
)

var (
	// ErrInvalid is returned by [Codec.Open] for every failure before the
	// authentication tag verifies (and for claims that are malformed after
	// it): the token is not one of ours, so nothing more is said. Use
	// [ReasonOf] for the operator's reason code.
	ErrInvalid = errors.New("token: invalid")
	// ErrExpired is returned by [Codec.Open] for an authentic token opened
	// at or after exp plus the leeway (RFC 7519 §4.1.4: a token must not be
	// accepted "on or after" its expiration time).
	ErrExpired = errors.New("token: expired")
	// ErrNotYetValid is returned by [Codec.Open] for an authentic token
	// whose iat is more than the leeway in the future.
	ErrNotYetValid = errors.New("token: not yet valid")
	// ErrRevoked is returned by [Codec.Open] for an authentic token issued
	// before the keyring's revoke_before time.
	ErrRevoked = errors.New("token: revoked")
)

// Reason is a short, stable code for why a token or its cookie was
// refused, for logs and metrics. It never holds token material. It is the
// one list of refusal reasons of the project: [ReasonOf] returns those of
// Open, and the layers above (remember, middleware, tokengen) use the same
// values for the refusals that are theirs.
type Reason string

// Reasons returned by [ReasonOf].
const (
	ReasonNone         Reason = ""
	ReasonMalformed    Reason = "malformed"     // not a token of our shape, header or size
	ReasonUnknownKey   Reason = "unknown_key"   // a kid the keyring does not have
	ReasonBadTag       Reason = "bad_tag"       // unwrap or GCM authentication failed: tampered, or another key
	ReasonWrongPurpose Reason = "wrong_purpose" // authentic under one of Config.OtherPurposes, not the codec's
	ReasonBadClaims    Reason = "bad_claims"    // authentic, but the claims are malformed
	ReasonExpired      Reason = "expired"       // ErrExpired
	ReasonNotYetValid  Reason = "not_yet_valid" // ErrNotYetValid
	ReasonRevoked      Reason = "revoked"       // ErrRevoked
	ReasonOther        Reason = "other"         // any other error
)

// Reasons of the layers above a codec, which ReasonOf never returns: the
// cookie layer, remember's Validate hook and its fresh-token binding.
const (
	ReasonDuplicate   Reason = "duplicate"   // the cookie twice in one request: ambiguous
	ReasonInvalidated Reason = "invalidated" // refused by the application's Validate hook
	ReasonMismatch    Reason = "mismatch"    // a token that belongs to another authentication (a fresh token)
)

// invalidError is an ErrInvalid with its reason. The values are allocated
// once, so refusing garbage allocates nothing.
type invalidError struct{ reason Reason }

func (e *invalidError) Error() string        { return "token: invalid (" + string(e.reason) + ")" }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

var (
	errMalformed  error = &invalidError{ReasonMalformed}
	errUnknownKey error = &invalidError{ReasonUnknownKey}
	errBadTag     error = &invalidError{ReasonBadTag}
	errBadClaims  error = &invalidError{ReasonBadClaims}
)

// TimeError is the error of an authentic token refused for its time: it
// matches [ErrExpired], [ErrNotYetValid] or [ErrRevoked] with errors.Is and
// carries the token's claims (not its data), for diagnostics.
type TimeError struct {
	Claims Claims
	err    error
}

func (e *TimeError) Error() string { return e.err.Error() }
func (e *TimeError) Unwrap() error { return e.err }

// WrongPurposeError is the error of [Codec.Open] for a token that fails
// authentication for the codec's purpose but is authentic under one of
// [Config.OtherPurposes]: a token put in the wrong cookie. It matches
// [ErrInvalid]; its reason is [ReasonWrongPurpose].
type WrongPurposeError struct {
	Purpose string // the purpose the token was sealed for
}

func (e *WrongPurposeError) Error() string {
	return "token: invalid (wrong_purpose: sealed for " + e.Purpose + ")"
}
func (e *WrongPurposeError) Is(target error) bool { return target == ErrInvalid }

// ReasonOf returns the reason code of an error from [Codec.Open], or
// [ReasonNone] for nil.
func ReasonOf(err error) Reason {
	var ie *invalidError
	var wp *WrongPurposeError
	switch {
	case err == nil:
		return ReasonNone
	case errors.As(err, &ie):
		return ie.reason
	case errors.As(err, &wp):
		return ReasonWrongPurpose
	case errors.Is(err, ErrExpired):
		return ReasonExpired
	case errors.Is(err, ErrNotYetValid):
		return ReasonNotYetValid
	case errors.Is(err, ErrRevoked):
		return ReasonRevoked
	case errors.Is(err, ErrInvalid):
		return ReasonMalformed
	}
	return ReasonOther
}

// ID is a token's unique id (the JWE claim "jti"): 16 random bytes.
type ID [16]byte

// String returns the id in unpadded base64url, as in the token.
func (id ID) String() string { return base64.RawURLEncoding.EncodeToString(id[:]) }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// Claims are a token's id, key and timestamps.
type Claims struct {
	ID       ID        // jti: random per token
	KeyID    string    // kid: the key that sealed it
	IssuedAt time.Time // iat, whole seconds
	Expiry   time.Time // exp, whole seconds
	AuthTime time.Time // auth_time: when the user last entered the password; zero if absent
}

// Token is an opened token: its claims and the application's data.
type Token[T any] struct {
	Claims
	Data T
}

// Params are the times of a token to seal.
type Params struct {
	// IssuedAt is the time of sealing; the primary key at this time seals.
	// Required. Stored in whole seconds (rounded down).
	IssuedAt time.Time
	// Expiry is when the token stops opening: from this instant on (plus
	// the codec's Leeway), Open refuses it. Required; at least one second
	// after IssuedAt.
	Expiry time.Time
	// AuthTime, if not zero, is when the user last proved who they are
	// (entered the password); not after IssuedAt.
	AuthTime time.Time
}

// Config configures a [Codec]. The zero value is invalid only because a
// purpose is required; every other field has a safe default.
type Config struct {
	// Purpose separates tokens: a token sealed for one purpose never opens
	// for another, because the key is derived per purpose. Required;
	// [A-Za-z0-9._-]{1,64}, such as "auth", "remember", "email-verify".
	Purpose string
	// MaxLength is the longest token Open decodes and Seal produces, in
	// bytes. If zero, DefaultMaxLength (4096); at most MaxLengthLimit.
	MaxLength int
	// Leeway is the tolerance for clock differences when checking exp and
	// iat. If zero, DefaultLeeway (60 s); a negative value means none; at
	// most MaxLeeway.
	Leeway time.Duration
	// CacheSize is how many opened tokens the codec remembers, so that a
	// repeat request carrying a byte-identical token skips the base64
	// decoding and the cryptography of Open. A hit still checks exp, iat and
	// revoke_before, counts in the key usage, and decodes a new Data, so
	// no two requests share one; the cache empties when the keyring
	// changes. Memory: at most CacheSize × (2 × MaxLength + 200) bytes
	// (8.6 MB at the defaults). If zero, DefaultCacheSize (1024); a
	// negative value turns it off.
	CacheSize int
	// OtherPurposes are purposes a token may have been mistakenly (or
	// maliciously) given in place of one of this codec's: when a token
	// fails authentication, and only then, Open tries it under each, and a
	// token authentic under one is refused with a [*WrongPurposeError]
	// (reason [ReasonWrongPurpose]) instead of bad_tag. It never opens. If
	// empty, no other purpose is tried. Each must be a valid purpose other
	// than Purpose.
	OtherPurposes []string
}

// Codec seals and opens tokens of one purpose with payloads of type T,
// which must encode to JSON with encoding/json. It is safe for concurrent
// use and follows its [keyring.Source] as the ring changes. Built on a
// [*Usage], it counts what it seals, opens and refuses.
type Codec[T any] struct {
	src       keyring.Source
	purpose   string
	others    []string // Config.OtherPurposes
	cacheSize int      // Config.CacheSize, defaulted; 0 for none
	maxLen    int
	leeway    time.Duration
	usage     *Usage                        // the src if it counts usage, else nil
	cache     atomic.Pointer[keySet]        // of the last ring seen
	hdr       atomic.Pointer[encodedHeader] // of the last key that sealed
	vals      sync.Pool                     // of *T, to encode data without copying it to the heap
	check     dataCheck                     // what Seal checks of the encoded data
	fast      fastDecoder[T]                // decodes the plain payload types; nil for others
}

// fastDecoder decodes a payload type faster than go-json-experiment/json,
// with strings that alias the data. Decode reports false for what it does
// not decide, and go-json-experiment/json then does.
type fastDecoder[T any] interface {
	Decode(data []byte, v *T) bool
}

// New returns a Codec for cfg.Purpose under the keys of src.
func New[T any](src keyring.Source, cfg Config) (*Codec[T], error) {
	if src == nil || src.Current() == nil {
		return nil, errors.New("token: no keyring")
	}
	if !keyring.ValidPurpose(cfg.Purpose) {
		return nil, fmt.Errorf("token: invalid purpose %q: want [A-Za-z0-9._-]{1,64}", cfg.Purpose)
	}
	for _, o := range cfg.OtherPurposes {
		if !keyring.ValidPurpose(o) || o == cfg.Purpose {
			return nil, fmt.Errorf("token: invalid other purpose %q: want [A-Za-z0-9._-]{1,64}, not %q", o, cfg.Purpose)
		}
	}
	c := &Codec[T]{src: src, purpose: cfg.Purpose, maxLen: cfg.MaxLength, leeway: cfg.Leeway, others: slices.Clone(cfg.OtherPurposes)}
	c.usage, _ = src.(*Usage)
	switch {
	case cfg.CacheSize == 0:
		c.cacheSize = DefaultCacheSize
	case cfg.CacheSize > 0:
		c.cacheSize = cfg.CacheSize
	}
	c.vals.New = func() any { return new(T) }
	c.check = checkFor(reflect.TypeFor[T]())
	if d := jsondec.For[T](); d != nil { // a nil *Decoder in the interface would not be nil
		c.fast = d
	}
	switch {
	case c.maxLen == 0:
		c.maxLen = DefaultMaxLength
	case c.maxLen < minTokenLen || c.maxLen > MaxLengthLimit:
		return nil, fmt.Errorf("token: MaxLength %d out of range [%d, %d]", c.maxLen, minTokenLen, MaxLengthLimit)
	}
	switch {
	case c.leeway == 0:
		c.leeway = DefaultLeeway
	case c.leeway < 0:
		c.leeway = 0
	case c.leeway > MaxLeeway:
		return nil, fmt.Errorf("token: Leeway %v is more than %v", c.leeway, MaxLeeway)
	}
	if _, err := c.keys(); err != nil {
		return nil, err
	}
	return c, nil
}

// Purpose returns the codec's purpose.
func (c *Codec[T]) Purpose() string { return c.purpose }

// MaxLength returns the longest token the codec seals or opens.
func (c *Codec[T]) MaxLength() int { return c.maxLen }
