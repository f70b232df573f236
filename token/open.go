package token

import (
	"crypto/aes"
	"crypto/cipher"
	"strings"
	"time"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/sessionless/sessionless/internal/b64"
	"github.com/sessionless/sessionless/internal/jsondec"
	"github.com/sessionless/sessionless/internal/keywrap"
)

// decodeOptions are the options of the data decoder,
// github.com/go-json-experiment/json, the prototype of Go's
// encoding/json/v2 (a third of encoding/json's time on the benchmark
// payload): internal/jsondec, faster still on the plain types, decides
// first (decodeData), and its results are those of these options, which it
// therefore defines (they accept every JSON value that encoding/json,
// which Seal uses, writes).
var decodeOptions = jsondec.Options

// maxHeaderB64 is the longest encoded header Open decodes.
var maxHeaderB64 = b64.EncodedLen(maxHeaderJSON)

// Open checks raw and returns its claims and data if it is an authentic,
// current token of the codec's purpose at time now. See the package
// documentation for the checks and their order. Every failure before the
// authentication tag verifies is [ErrInvalid]; then a [*TimeError]
// matching [ErrExpired], [ErrNotYetValid] or [ErrRevoked]. The data is
// decoded only after every check passed, into a new value on every call (a
// token found in the codec's cache included, see [Config.CacheSize]).
func (c *Codec[T]) Open(raw string, now time.Time) (*Token[T], error) {
	return c.open(raw, now, nil)
}

// OpenInto is [Codec.Open] into *dst, for a caller that keeps the token
// inside a larger value (one allocation less per request). It overwrites
// *dst whatever the outcome; after an error *dst holds nothing of raw.
//
// Neither Open nor OpenInto keeps raw or any part of it once it returns
// (the cache keeps a copy), so raw may be a view of a buffer that the
// caller reuses afterwards.
func (c *Codec[T]) OpenInto(dst *Token[T], raw string, now time.Time) error {
	*dst = Token[T]{}
	_, err := c.open(raw, now, dst)
	if err != nil {
		*dst = Token[T]{}
	}
	return err
}

// open is Open into dst, or into a new Token if dst is nil, allocated
// only once the token passed every check but its data's.
func (c *Codec[T]) open(raw string, now time.Time, dst *Token[T]) (*Token[T], error) {
	keys, err := c.keys()
	if err != nil {
		return nil, err
	}
	d, ok := c.shape(raw)
	if !ok {
		keys.use.reject(ReasonMalformed)
		return nil, errMalformed
	}
	if t, err, hit := c.fromCache(keys, raw, now, dst); hit {
		return t, err
	}
	w := getWork()
	defer putWork(w)
	k, pt, err := c.authenticate(keys, w, raw, d)
	if err != nil {
		return nil, err
	}
	return c.read(keys, k, raw, pt, now, false, dst)
}

// read checks the claims of the authentic plaintext pt of raw at now and
// decodes its data into dst (or a new Token); with scan, the claims parser
// scans the data (parseClaims). A token that opens is remembered in the
// cache.
func (c *Codec[T]) read(keys *keySet, k *key, raw string, pt []byte, now time.Time, scan bool, dst *Token[T]) (*Token[T], error) {
	cl, data, tentative, err := c.claims(keys, k, pt, now, scan)
	if err != nil {
		return nil, err
	}
	// pt is the pooled work buffer: a decoder that aliases its input, or
	// the cache, needs a copy that nothing will write.
	store := keys.opened != nil
	kept, stored := data, ""
	if store || c.fast != nil {
		stored, kept = keep(raw, data, store)
	}
	if dst == nil {
		dst = new(Token[T])
	}
	if !c.decodeData(kept, c.fast != nil, &dst.Data) {
		var zero T
		dst.Data = zero
		if tentative {
			return c.read(keys, k, raw, pt, now, true, dst) // the data was not last, or the object is malformed
		}
		// Authentic, so ours or a key holder's, but not a T.
		k.use.reject(ReasonBadClaims)
		return nil, errBadClaims
	}
	k.use.open()
	if store {
		keys.opened.put(stored, k, cl, kept)
	}
	dst.Claims = cl
	return dst, nil
}

// decodeData decodes the JSON data into *v, which is the zero T, and
// reports whether it is one JSON value of a T. The fast decoder, whose
// strings alias data, runs only on data that nothing will write
// (immutable); whatever it does not decide, go-json-experiment/json does.
func (c *Codec[T]) decodeData(data []byte, immutable bool, v *T) bool {
	if immutable && c.fast != nil {
		if c.fast.Decode(data, v) {
			return true
		}
		var zero T
		*v = zero
	}
	return jsonv2.Unmarshal(data, v, decodeOptions) == nil
}

// dots are the positions of a token's four dots.
type dots struct{ d1, d2, d3, d4 int }

// shape checks what can be checked without decoding anything: the length
// bound, the four dots at the places the fixed lengths of the wrapped key,
// IV and tag put them. It costs a few nanoseconds on garbage of any size.
// (Every other byte is checked by the base64url decoding, internal/b64,
// which refuses CR and LF where encoding/base64 would skip them.)
func (c *Codec[T]) shape(raw string) (dots, bool) {
	n := len(raw)
	if n < minTokenLen || n > c.maxLen {
		return dots{}, false
	}
	d1 := strings.IndexByte(raw[:min(n, maxHeaderB64+1)], '.')
	d2 := d1 + 1 + encKeyLen
	d3 := d2 + 1 + ivLen
	d4 := n - 1 - tagLen
	if d1 < 1 || d3+1 >= d4 || raw[d2] != '.' || raw[d3] != '.' || raw[d4] != '.' {
		return dots{}, false
	}
	return dots{d1, d2, d3, d4}, true
}

// authenticate decodes the token (in w) and authenticates it under the
// key its kid names: it returns the key and the plaintext, or the refusal.
func (c *Codec[T]) authenticate(keys *keySet, w *work, raw string, d dots) (*key, []byte, error) {
	kid, ok := decodeParts(w, raw, d)
	if !ok {
		return fail(keys, errMalformed)
	}
	k := keys.byID[string(kid)]
	if k == nil {
		return fail(keys, errUnknownKey)
	}
	// Unwrap the content key, then open GCM.
	pt, ok := decrypt(k.kek, w, aadOf(raw, d))
	if !ok {
		return nil, nil, c.badTag(keys, k, w, raw, d)
	}
	return k, pt, nil
}

// aadOf returns the additional authenticated data of the token raw, its
// encoded header. GCM reads it from a []byte, and only reads it: a view of
// raw's bytes saves a copy. Nothing writes through it.
func aadOf(raw string, d dots) []byte {
	return unsafe.Slice(unsafe.StringData(raw), d.d1)
}

// decodeParts decodes the header, the wrapped key, the IV, the ciphertext
// and the tag of the token raw into w, and returns the header's kid.
func decodeParts(w *work, raw string, d dots) (kid []byte, ok bool) {
	hl := b64.DecodedLen(d.d1)
	if hl > maxHeaderJSON {
		return nil, false
	}
	hdr, ok := decodeInto(w.hdr[:hl], raw[:d.d1])
	if ok {
		kid, ok = parseHeader(hdr)
	}
	if ok {
		_, ok = decodeInto(w.ek[:], raw[d.d1+1:d.d2])
	}
	if ok {
		_, ok = decodeInto(w.iv[:], raw[d.d2+1:d.d3])
	}
	return kid, ok && decodeBody(w, raw, d)
}

// claims reads and checks the claims of the authentic plaintext pt at
// now, and returns them with the data's JSON (see parseClaims for scan
// and tentative).
func (c *Codec[T]) claims(keys *keySet, k *key, pt []byte, now time.Time, scan bool) (Claims, []byte, bool, error) {
	cl := Claims{KeyID: k.id}
	var iat, exp, auth int64
	data, tentative, ok := parseClaims(pt, &cl.ID, &iat, &exp, &auth, scan)
	if !ok || exp <= iat || (auth != 0 && auth > iat) {
		k.use.reject(ReasonBadClaims)
		return cl, nil, false, errBadClaims
	}
	cl.IssuedAt, cl.Expiry = time.Unix(iat, 0), time.Unix(exp, 0)
	if auth != 0 {
		cl.AuthTime = time.Unix(auth, 0)
	}
	if err := c.checkTimes(keys, k, cl, now); err != nil {
		return cl, nil, false, err
	}
	return cl, data, tentative, nil
}

// checkTimes checks the claims' exp and iat against now with the leeway,
// and iat against the ring's revoke_before.
func (c *Codec[T]) checkTimes(keys *keySet, k *key, cl Claims, now time.Time) error {
	var err error
	switch {
	case now.Sub(cl.Expiry) >= c.leeway: // RFC 7519 §4.1.4: not "on or after" exp
		err = ErrExpired
	case cl.IssuedAt.Sub(now) > c.leeway:
		err = ErrNotYetValid
	case !keys.ring.RevokeBefore().IsZero() && cl.IssuedAt.Before(keys.ring.RevokeBefore()):
		err = ErrRevoked
	default:
		return nil
	}
	k.use.reject(ReasonOf(err))
	return &TimeError{Claims: cl, err: err}
}

// decodeBody decodes the ciphertext and the tag of the token raw into
// w.buf, the tag last.
func decodeBody(w *work, raw string, d dots) bool {
	ctB64, tagB64 := raw[d.d3+1:d.d4], raw[d.d4+1:]
	ctLen := b64.DecodedLen(len(ctB64))
	w.buf = growBuf(w.buf, ctLen+16)
	_, ok := decodeInto(w.buf[:ctLen], ctB64)
	if ok {
		_, ok = decodeInto(w.buf[ctLen:], tagB64)
	}
	return ok
}

// decrypt unwraps the content key in w.ek with kek and opens the GCM
// ciphertext and tag in w.buf (decodeBody) in place, with the encoded
// header aad. It fails if either does not authenticate.
func decrypt(kek *keywrap.KEK, w *work, aad []byte) ([]byte, bool) {
	if !kek.Unwrap(w.cek[:], w.ek[:], w.scratch[:]) {
		return nil, false
	}
	block, err := aes.NewCipher(w.cek[:])
	if err != nil {
		return nil, false
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, false
	}
	pt, err := gcm.Open(w.buf[:0], w.iv[:], w.buf, aad)
	return pt, err == nil
}

// badTag refuses a token that failed authentication under k: as a
// [*WrongPurposeError] if it is authentic under the same key id for one of
// the codec's other purposes, else as bad_tag. Only this failure path pays
// for the other purposes.
func (c *Codec[T]) badTag(keys *keySet, k *key, w *work, raw string, d dots) error {
	for _, other := range c.others {
		// decodeBody again: a failed GCM open wipes the ciphertext.
		if ko := keys.otherPurposeKey(other, k.id); ko != nil && decodeBody(w, raw, d) {
			if _, ok := decrypt(ko, w, aadOf(raw, d)); ok {
				k.use.reject(ReasonWrongPurpose)
				return &WrongPurposeError{Purpose: other}
			}
		}
	}
	k.use.reject(ReasonBadTag)
	return errBadTag
}

func fail(keys *keySet, err error) (*key, []byte, error) {
	keys.use.reject(err.(*invalidError).reason)
	return nil, nil, err
}

// decodeInto decodes the canonical unpadded base64url s into exactly
// len(dst) bytes of dst.
func decodeInto(dst []byte, s string) ([]byte, bool) {
	if !b64.Decode(dst, s) {
		return nil, false
	}
	return dst, true
}

func growBuf(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n, n+n/4)
}
