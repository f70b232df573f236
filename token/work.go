package token

import (
	"crypto/rand"
	"encoding/json"
	"sync"

	"github.com/sessionless/sessionless/internal/keywrap"
)

// The protected header we write: fixed members, fixed order.
const (
	headerPrefix = `{"alg":"A256KW","enc":"A256GCM","kid":"`
	headerSuffix = `"}`
)

// work holds the buffers of one Seal or Open, reused through a pool so the
// hot paths allocate only what they must (the GCM cipher and the result).
type work struct {
	rnd [32 + 12 + 16]byte // CEK | IV | jti

	// rbuf holds bytes read ahead from crypto/rand, so that one read (a
	// system call) serves 17 tokens; each byte is handed out once and
	// wiped when taken.
	rbuf    [17 * 60]byte
	roff    int
	cek     [keywrap.KeySize]byte
	ek      [keywrap.WrappedSize]byte
	iv      [12]byte
	scratch [keywrap.ScratchSize]byte
	hdr     [maxHeaderJSON]byte

	buf []byte        // plaintext, then ciphertext and tag
	out []byte        // the token being written
	app appender      // where enc writes: the plaintext being built
	enc *json.Encoder // writes into app
}

var workPool = sync.Pool{New: func() any {
	w := &work{}
	w.enc = json.NewEncoder(&w.app)
	w.enc.SetEscapeHTML(false) // the data is sealed, never embedded in HTML: keep it as given
	return w
}}

func getWork() *work { return workPool.Get().(*work) }

// random fills p (at most len(w.rbuf) bytes) with bytes from crypto/rand.
func (w *work) random(p []byte) {
	if w.roff == 0 || w.roff+len(p) > len(w.rbuf) {
		rand.Read(w.rbuf[:]) // never fails (Go 1.24+)
		w.roff = 0
	}
	r := w.rbuf[w.roff : w.roff+len(p)]
	copy(p, r)
	clear(r)
	w.roff += len(p)
}

// maxPooled bounds the buffers a pooled work keeps: those of the longest
// token a codec may allow (MaxLengthLimit), so that large Seals and Opens
// reuse their buffers (and their read-ahead randomness) too. Only the
// encoder's output of data that turns out too long can grow beyond it.
const maxPooled = MaxLengthLimit + MaxLengthLimit/4

// putWork wipes key material and plaintext, and returns w to the pool
// unless a buffer grew beyond maxPooled.
func putWork(w *work) {
	clear(w.rnd[:])
	clear(w.cek[:])
	clear(w.buf)
	if cap(w.buf) > maxPooled || cap(w.out) > maxPooled {
		return
	}
	w.buf, w.out = w.buf[:0], w.out[:0]
	workPool.Put(w)
}

// appender is an io.Writer that appends to a byte slice, so that the
// encoder writes the data straight into the plaintext.
type appender []byte

func (a *appender) Write(p []byte) (int, error) {
	*a = append(*a, p...)
	return len(p), nil
}
