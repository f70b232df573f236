package token

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sessionless/sessionless/internal/b64"
	"github.com/sessionless/sessionless/internal/keywrap"
)

// minTokenLen is shorter than any token Seal can produce.
const minTokenLen = 128

// Seal seals data with the times of p, for the codec's purpose, under the
// keyring's primary key at p.IssuedAt. It returns [keyring.ErrNoPrimary]
// when no key is active, an error when p is invalid or data does not encode
// to JSON, and an error when the token would be longer than the codec's
// MaxLength ([ErrTooLong]) or when Open would refuse the data's JSON
// ([ErrData]); then nothing is sealed. The token's id and content key come from crypto/rand.
func (c *Codec[T]) Seal(p Params, data T) (string, error) {
	tok, _, err := c.SealClaims(p, data)
	return tok, err
}

// SealClaims is [Codec.Seal] that also returns the claims sealed: the new
// token's id, key id and times as Open will read them.
func (c *Codec[T]) SealClaims(p Params, data T) (string, Claims, error) {
	iat, exp, auth, err := p.unix()
	if err != nil {
		return "", Claims{}, err
	}
	keys, err := c.keys()
	if err != nil {
		return "", Claims{}, err
	}
	k, err := keys.primary(p.IssuedAt)
	if err != nil {
		return "", Claims{}, err
	}

	w := getWork()
	defer putWork(w)
	w.random(w.rnd[:])
	cek, iv, jti := w.rnd[:32], w.rnd[32:44], w.rnd[44:60]
	pt, err := c.plaintext(w, jti, iat, exp, auth, data)
	if err != nil {
		return "", Claims{}, err
	}
	aad := c.header(k.id)
	n := len(aad) + 1 + encKeyLen + 1 + ivLen + 1 + b64.EncodedLen(len(pt)) + 1 + tagLen
	if n > c.maxLen {
		return "", Claims{}, &tooLongError{n, c.maxLen}
	}
	out, err := encrypt(w, k.kek, cek, iv, pt, aad, n)
	if err != nil {
		return "", Claims{}, err
	}
	k.use.seal()
	cl := Claims{KeyID: k.id, IssuedAt: time.Unix(iat, 0), Expiry: time.Unix(exp, 0)}
	copy(cl.ID[:], jti)
	if auth != 0 {
		cl.AuthTime = time.Unix(auth, 0)
	}
	return string(out), cl, nil
}

// plaintext writes the claims, then the data, in place in w.buf, the
// buffer that GCM then encrypts (with room for the tag), and returns it.
// It fails if the data does not encode, or would not open (ErrData).
func (c *Codec[T]) plaintext(w *work, jti []byte, iat, exp, auth int64, data T) ([]byte, error) {
	pt := w.buf[:0]
	pt = append(pt, `{"jti":"`...)
	pt = b64.AppendEncode(pt, jti)
	pt = append(pt, `","iat":`...)
	pt = strconv.AppendInt(pt, iat, 10)
	pt = append(pt, `,"exp":`...)
	pt = strconv.AppendInt(pt, exp, 10)
	if auth != 0 {
		pt = append(pt, `,"auth_time":`...)
		pt = strconv.AppendInt(pt, auth, 10)
	}
	pt = append(pt, `,"data":`...)
	dataStart := len(pt)
	// The data is encoded through a pooled *T, since passing data itself
	// as an interface would copy it to the heap on every call.
	v := c.vals.Get().(*T)
	*v = data
	w.app = pt
	err := w.enc.Encode(v)
	pt = w.app
	w.app = nil
	var zero T
	*v = zero
	c.vals.Put(v)
	w.buf = pt // whatever happens, wiped and reused by putWork
	if err != nil {
		return nil, fmt.Errorf("token: encoding the data: %w", err)
	}
	if lossyUTF8(pt[dataStart:]) {
		return nil, fmt.Errorf("%w: a string is not valid UTF-8", ErrData)
	}
	if c.check == checkAll {
		if err := checkData[T](pt[dataStart : len(pt)-1]); err != nil {
			return nil, err
		}
	}
	pt = append(pt[:len(pt)-1], '}') // Encode ends with a newline
	if cap(pt) < len(pt)+16 {
		pt = append(make([]byte, 0, len(pt)+16+len(pt)/4), pt...)
		clear(w.buf)
	}
	w.buf = pt
	return pt, nil
}

// header returns the encoded protected header of the key id: the GCM
// additional data and the first part of the token. It depends only on
// the key, so it is kept for the last key that sealed.
func (c *Codec[T]) header(id string) []byte {
	hc := c.hdr.Load()
	if hc == nil || hc.kid != id {
		h := headerPrefix + id + headerSuffix
		hc = &encodedHeader{kid: id, b64: b64.AppendEncode(nil, []byte(h))}
		c.hdr.Store(hc)
	}
	return hc.b64
}

// encrypt wraps cek under kek, encrypts pt in place with AES-256-GCM under
// cek and iv with the additional data aad, and writes the n-byte token in
// w.out.
func encrypt(w *work, kek *keywrap.KEK, cek, iv, pt, aad []byte, n int) ([]byte, error) {
	kek.Wrap(w.ek[:], cek, w.scratch[:])
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	ct := gcm.Seal(pt[:0], iv, pt, aad)
	body, tag := ct[:len(ct)-16], ct[len(ct)-16:]
	if cap(w.out) < n {
		w.out = make([]byte, 0, n)
	}
	out := append(w.out[:0], aad...)
	out = append(out, '.')
	out = b64.AppendEncode(out, w.ek[:])
	out = append(out, '.')
	out = b64.AppendEncode(out, iv)
	out = append(out, '.')
	out = b64.AppendEncode(out, body)
	out = append(out, '.')
	out = b64.AppendEncode(out, tag)
	w.out = out
	return out, nil
}

var errParams = errors.New("token: invalid Params")

// unix returns p's times in unix seconds, checked.
func (p Params) unix() (iat, exp, auth int64, err error) {
	if p.IssuedAt.IsZero() || p.Expiry.IsZero() {
		return 0, 0, 0, fmt.Errorf("%w: IssuedAt and Expiry are required", errParams)
	}
	iat, exp = p.IssuedAt.Unix(), p.Expiry.Unix()
	if !p.AuthTime.IsZero() {
		auth = p.AuthTime.Unix()
	}
	switch {
	case iat < 1 || iat > maxTimestamp || exp > maxTimestamp:
		return 0, 0, 0, fmt.Errorf("%w: time out of range", errParams)
	case exp <= iat:
		return 0, 0, 0, fmt.Errorf("%w: Expiry must be at least a second after IssuedAt", errParams)
	case !p.AuthTime.IsZero() && (auth < 1 || auth > iat):
		return 0, 0, 0, fmt.Errorf("%w: AuthTime must not be after IssuedAt", errParams)
	}
	return iat, exp, auth, nil
}

// encodedHeader is the encoded protected header for one key id.
type encodedHeader struct {
	kid string
	b64 []byte // read-only once stored
}
