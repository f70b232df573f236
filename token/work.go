package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sync"

	"github.com/sessionless/sessionless/internal/keywrap"
)

var b64 = base64.RawURLEncoding.Strict()

// The protected header we write: fixed members, fixed order.
const (
	headerPrefix = `{"alg":"A256KW","enc":"A256GCM","kid":"`
	headerSuffix = `"}`
)

// work holds the buffers of one Seal or Open, reused through a pool so the
// hot paths allocate only what they must (the GCM cipher and the result).
type work struct {
	rnd     [32 + 12 + 16]byte // CEK | IV | jti, one read from crypto/rand
	cek     [keywrap.KeySize]byte
	ek      [keywrap.WrappedSize]byte
	iv      [12]byte
	scratch [keywrap.ScratchSize]byte
	hdr     [maxHeaderJSON]byte

	in  []byte        // the token being opened
	aad []byte        // the encoded header, as GCM's additional data
	buf []byte        // plaintext, then ciphertext and tag
	out []byte        // the token being written
	pt  bytes.Buffer  // the payload's JSON, written by enc
	enc *json.Encoder // writes into pt
}

var workPool = sync.Pool{New: func() any {
	w := &work{}
	w.enc = json.NewEncoder(&w.pt)
	w.enc.SetEscapeHTML(false) // the data is sealed, never embedded in HTML: keep it as given
	return w
}}

func getWork() *work { return workPool.Get().(*work) }

// putWork wipes key material and plaintext, and returns w to the pool
// unless its buffers grew unusually large.
func putWork(w *work) {
	clear(w.rnd[:])
	clear(w.cek[:])
	clear(w.buf)
	w.pt.Reset()
	if cap(w.buf) > 2*DefaultMaxLength || cap(w.in) > 2*DefaultMaxLength || w.pt.Cap() > 2*DefaultMaxLength {
		return
	}
	w.in, w.aad, w.buf, w.out = w.in[:0], w.aad[:0], w.buf[:0], w.out[:0]
	workPool.Put(w)
}
