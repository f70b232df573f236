package cookie

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Write queues the Set-Cookie headers that store value in w, splitting it into
// chunks if it does not fit one cookie. It must be called before the response
// header is written.
//
// If maxAge is zero the cookie is a browser-session cookie (no Max-Age, no
// Expires); otherwise it gets Max-Age in seconds, rounded up. maxAge must not
// be negative or exceed [MaxAgeLimit]. Every part gets the same attributes.
//
// Write replaces the Set-Cookie headers already queued in w for this cookie
// or its chunks, deletes the chunks that r carries and the new value does not
// use, and sets "Cache-Control: no-store" (replacing a Cache-Control that
// lacks it) and "Vary: Cookie" (keeping other Vary values). r may be nil, in
// which case no stale chunks are deleted.
//
// Write checks everything before it touches w: on error ([ErrInvalidMaxAge],
// [ErrInvalidValue], [ErrTooLarge]) the header is unchanged. The value is
// never part of the error.
func (c *Cookie) Write(w http.ResponseWriter, r *http.Request, value string, maxAge time.Duration) error {
	if maxAge < 0 || maxAge > MaxAgeLimit {
		return fmt.Errorf("%w: %v is outside [0, %v]", ErrInvalidMaxAge, maxAge, MaxAgeLimit)
	}
	switch {
	case value == "":
		return fmt.Errorf("%w: empty (use Delete to remove a cookie)", ErrInvalidValue)
	case strings.HasPrefix(value, chunkMarker):
		return fmt.Errorf("%w: begins with the chunk marker %q", ErrInvalidValue, chunkMarker)
	case len(value) > c.maxValueLen:
		return fmt.Errorf("%w: %d bytes for cookie %q, whose limit is %d", ErrTooLarge, len(value), c.name, c.maxValueLen)
	}
	if i := invalidByte(value); i >= 0 {
		return fmt.Errorf("%w: the byte at offset %d is not an RFC 6265 cookie-octet", ErrInvalidValue, i)
	}
	secs := int((maxAge + time.Second - 1) / time.Second)

	// Nothing can fail from here on.
	stale := c.requestChunks(r)
	h := w.Header()
	c.removeQueued(h)
	firstUnused := 1
	if len(value) <= c.single {
		c.add(h, c.name, value, secs)
	} else {
		n := (len(value) + c.part - 1) / c.part
		c.add(h, c.name, chunkMarker+strconv.Itoa(n), secs)
		for i := 1; i <= n; i++ {
			c.add(h, c.chunkNames[i], value[(i-1)*c.part:min(i*c.part, len(value))], secs)
		}
		firstUnused = n + 1
	}
	for i := firstUnused; i <= MaxChunksLimit; i++ {
		if stale&(1<<i) != 0 {
			c.add(h, c.chunkNames[i], "", -1)
		}
	}
	setCacheHeaders(h)
	return nil
}

// Delete queues Set-Cookie headers in w that clear the cookie, every chunk r
// carries and every chunk r's base cookie announces with its marker, each
// with the attributes Write uses and Max-Age=0. Like Write it replaces the
// headers already queued for this cookie and sets Cache-Control and Vary. r
// may be nil, in which case only the base cookie is cleared.
func (c *Cookie) Delete(w http.ResponseWriter, r *http.Request) {
	chunks := c.requestChunks(r) | c.announcedChunks(r)
	h := w.Header()
	c.removeQueued(h)
	c.add(h, c.name, "", -1)
	for i := 1; i <= MaxChunksLimit; i++ {
		if chunks&(1<<i) != 0 {
			c.add(h, c.chunkNames[i], "", -1)
		}
	}
	setCacheHeaders(h)
}

// Queued reports whether w already carries a Set-Cookie header for this
// cookie or one of its chunks (a Write or Delete earlier in the same
// response), which the next Write or Delete would replace.
func (c *Cookie) Queued(w http.ResponseWriter) bool {
	for _, line := range w.Header()["Set-Cookie"] {
		if c.owns(line) {
			return true
		}
	}
	return false
}

// add queues one Set-Cookie header. maxAge is in seconds: 0 for a session
// cookie, -1 to delete (net/http writes Max-Age=0).
func (c *Cookie) add(h http.Header, name, value string, maxAge int) {
	ck := http.Cookie{
		Name:     name,
		Value:    value,
		Path:     c.path,
		Domain:   c.domain,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   c.secure,
		SameSite: c.sameSite,
	}
	h["Set-Cookie"] = append(h["Set-Cookie"], ck.String())
}

// removeQueued drops the Set-Cookie headers already queued in h for this
// cookie or any of its chunks. It builds a new slice rather than editing the
// old one in place, which someone else may hold.
func (c *Cookie) removeQueued(h http.Header) {
	lines := h["Set-Cookie"]
	first := -1
	for i, line := range lines {
		if c.owns(line) {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	kept := make([]string, first, len(lines)-1)
	copy(kept, lines[:first])
	for _, line := range lines[first+1:] {
		if !c.owns(line) {
			kept = append(kept, line)
		}
	}
	if len(kept) == 0 {
		delete(h, "Set-Cookie")
		return
	}
	h["Set-Cookie"] = kept
}

// owns reports whether the Set-Cookie header value line sets this cookie or
// one of its chunks. Names are compared exactly.
func (c *Cookie) owns(line string) bool {
	name, _, ok := strings.Cut(line, "=")
	if !ok {
		return false
	}
	name = strings.Trim(name, " \t")
	return name == c.name || c.chunkIndex(name) > 0
}

// setCacheHeaders makes sure no shared cache stores the response or serves it
// to a request with other cookies.
func setCacheHeaders(h http.Header) {
	if !hasListToken(h["Cache-Control"], "no-store") {
		h["Cache-Control"] = []string{"no-store"}
	}
	Vary(h)
}

// Vary marks the response whose header is h as depending on the request's
// cookies: it adds Cookie to the Vary header, unless Vary already lists
// Cookie (in any case) or is "*", which already varies on everything and
// must stay alone (RFC 9110 §12.5.5). Middleware that answers differently
// by cookie uses it too. Write and Delete call it.
func Vary(h http.Header) {
	if hasListToken(h["Vary"], "Cookie") || hasListToken(h["Vary"], "*") {
		return
	}
	h["Vary"] = append(h["Vary"], "Cookie")
}

// hasListToken reports whether the comma-separated header values hold tok
// (compared without regard to case) as an element or a directive name.
func hasListToken(values []string, tok string) bool {
	for _, v := range values {
		for v != "" {
			var elem string
			elem, v, _ = strings.Cut(v, ",")
			elem, _, _ = strings.Cut(elem, "=")
			if strings.EqualFold(strings.Trim(elem, " \t"), tok) {
				return true
			}
		}
	}
	return false
}
