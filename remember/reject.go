package remember

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/token"
)

// Rejection reports a refused cookie to [Config.OnReject].
type Rejection struct {
	Cookie string       // the cookie's name
	Reason token.Reason // why, from the project's one list of reasons
	KeyID  string       // the key that sealed the token, if it opened far enough to tell
	Err    error        // the error, which never holds the token
}

// A check decides whether an authentic token counts; a refusal names its
// reason.
type check[V any] func(r *http.Request, tok *token.Token[V]) (token.Reason, error)

// openSlot reads the cookie of s and opens it into *dst. A cookie that is
// present but refused (unreadable, not a token of s, or refused by check)
// is, when w is not nil, deleted and reported: the one path every refusal
// takes. dst is the caller's, so that a State keeps the token it opened
// in its own allocation.
func openSlot[T, V any](m *Manager[T], w http.ResponseWriter, r *http.Request, s *cookieToken[V], now time.Time, chk check[V], dst *token.Token[V]) bool {
	rej := Rejection{Cookie: s.c.Name()}
	buf := readBufs.Get().(*[]byte)
	defer putReadBuf(buf)
	b, err := s.c.ReadAppend((*buf)[:0], r)
	*buf = b
	if errors.Is(err, cookie.ErrNotFound) && (w == nil || !presentEmpty(r, s.c.Name())) {
		return false
	}
	if err == nil {
		// A view of the pooled buffer, which is reused once this returns:
		// OpenInto keeps nothing of the token (the codec's cache copies
		// it), and nothing below holds it.
		raw := unsafe.String(unsafe.SliceData(b), len(b))
		if err = s.codec.OpenInto(dst, raw, now); err == nil {
			if chk == nil {
				return true
			}
			if rej.Reason, rej.Err = chk(r, dst); rej.Err == nil {
				return true
			}
			rej.KeyID = dst.KeyID
		}
	}
	if err != nil {
		rej.Reason, rej.KeyID, rej.Err = slot.Reason(err), slot.KeyID(err), err
	}
	if w != nil {
		s.c.Delete(w, r)
		m.report(r.Context(), rej)
	}
	return false
}

// readBufs holds the buffers that cookies are read into: a chunked
// cookie (kilobytes) is joined there rather than into a new string per
// request.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxReadBuf is the largest buffer kept for reuse, about the longest
// value of cookie.DefaultMaxChunks chunks; a longer one is left to the
// collector.
const maxReadBuf = 16 << 10

func putReadBuf(b *[]byte) {
	if cap(*b) <= maxReadBuf {
		readBufs.Put(b)
	}
}

// presentEmpty reports whether r carries the cookie name with an empty
// value, which [cookie.Cookie.Read] reports as not found: present but
// refused like any other bad value, so it is cleared and reported too. The
// substring test keeps the common request free of parsing.
func presentEmpty(r *http.Request, name string) bool {
	for _, line := range r.Header["Cookie"] {
		if strings.Contains(line, name) {
			return len(r.CookiesNamed(name)) > 0
		}
	}
	return false
}

// report hands a refusal to Config.OnReject and the log. A panic in
// OnReject is not recovered (see Config.OnReject).
func (m *Manager[T]) report(ctx context.Context, rej Rejection) {
	if m.cfg.OnReject != nil {
		m.cfg.OnReject(ctx, rej)
	}
	slot.Log(m.cfg.Logger, ctx, rej.Cookie, rej.Reason, rej.KeyID)
}
