package cookie

import (
	"fmt"
	"net/http"
	"strings"
)

// Read returns the cookie's value from r, joining its chunks if it was
// split. It returns [ErrNotFound] if r carries no such cookie (or an empty
// one), [ErrAmbiguous] if r carries the name or a chunk's name more than once,
// and [ErrMalformed] if the cookie is not one [Cookie.Write] could have
// written. Errors may wrap these with the cookie's name; they never hold the
// value. A value Read returns is one Write accepts. Read does not panic on
// any Cookie header; r must not be nil.
//
// It reads the base cookie and its chunks in one scan of the header.
func (c *Cookie) Read(r *http.Request) (string, error) {
	v, parts, n, err := c.read(r)
	if err != nil || n == 0 {
		return v, err
	}
	return strings.Join(parts[:n], ""), nil
}

// ReadAppend is [Cookie.Read] for a caller that reuses a buffer: it
// appends the cookie's value to dst and returns the extended buffer, so
// that a value of several chunks (kilobytes) costs no allocation once dst
// is large enough. On error it returns dst unchanged.
func (c *Cookie) ReadAppend(dst []byte, r *http.Request) ([]byte, error) {
	v, parts, n, err := c.read(r)
	switch {
	case err != nil:
		return dst, err
	case n == 0:
		return append(dst, v...), nil
	}
	for _, p := range parts[:n] {
		dst = append(dst, p...)
	}
	return dst, nil
}

// read does the work of Read and ReadAppend: it returns the value, or, if
// it is chunked, its n parts in order, to be joined.
func (c *Cookie) read(r *http.Request) (v string, parts [MaxChunksLimit]string, n int, err error) {
	f := c.find(r)
	base := f.base
	switch {
	case base.n == 0:
		return "", parts, 0, f.absent(c)
	case base.n > 1:
		return "", parts, 0, ambiguous(c.name, base.n)
	}
	v = base.value
	switch {
	case base.quoted:
		return "", parts, 0, malformed(c.name, "quoted value")
	case v == "":
		return "", parts, 0, f.absent(c)
	case strings.HasPrefix(v, chunkMarker):
		n, ok := parseMarker(v)
		if !ok || n < 2 || n > c.maxChunks {
			return "", parts, 0, malformed(c.name, "bad chunk marker")
		}
		if parts, err = c.chunks(&f, n); err != nil {
			return "", parts, 0, err
		}
		return "", parts, n, nil
	case len(v) > c.maxValueLen:
		return "", parts, 0, malformed(c.name, "value too long")
	case !base.strict:
		return "", parts, 0, malformed(c.name, "value holds a byte that is not a cookie-octet")
	}
	if i := lowestBit(f.chunkSet()); i > 0 {
		return "", parts, 0, malformed(c.chunkNames[i], "chunk of an unchunked value")
	}
	return v, parts, 0, nil
}

// match is what a scan found of one cookie name: how many cookies of that
// name net/http reads, and the first one's value (see headerScanner.value).
type match struct {
	value          string
	quoted, strict bool
	n              int
}

// add reads the scanner's current cookie into m.
func (m *match) add(s *headerScanner) {
	v, quoted, strict, ok := s.value()
	if !ok {
		return // net/http drops such a cookie
	}
	if m.n == 0 {
		m.value, m.quoted, m.strict = v, quoted, strict
	}
	m.n++
}

// found is what a scan found of the cookie and its chunks.
type found struct {
	base   match
	chunks [MaxChunksLimit + 1]match // chunks[i] is name.i; [0] is unused
}

// find reads the base cookie and every chunk name, whatever the marker says,
// so that Read can tell a chunk beyond the marker's count or of an unchunked
// value. It reads no other cookie's value.
func (c *Cookie) find(r *http.Request) (f found) {
	s := scanCookies(r)
	for s.pass() {
		f = found{}
		for name, more := s.next(); more; name, more = s.next() {
			if name == c.name {
				f.base.add(&s)
			} else if i := c.chunkIndex(name); i > 0 {
				f.chunks[i].add(&s)
			}
		}
	}
	return f
}

// chunkSet returns the chunk indices found, as bits 1 to MaxChunksLimit.
func (f *found) chunkSet() uint16 {
	var set uint16
	for i := 1; i <= MaxChunksLimit; i++ {
		if f.chunks[i].n > 0 {
			set |= 1 << i
		}
	}
	return set
}

// absent is Read's answer when the base cookie is missing or empty: chunks
// without it are malformed (and will be cleared by Delete), otherwise the
// cookie is not found.
func (f *found) absent(c *Cookie) error {
	if i := lowestBit(f.chunkSet()); i > 0 {
		return malformed(c.chunkNames[i], "chunk without its base cookie")
	}
	return ErrNotFound
}

// chunks checks and returns, in order, the n chunks that the base
// cookie's marker announced.
func (c *Cookie) chunks(f *found, n int) (parts [MaxChunksLimit]string, err error) {
	total := 0
	for i := 1; i <= n; i++ {
		ch := &f.chunks[i]
		switch {
		case ch.n == 0:
			return parts, malformed(c.chunkNames[i], "chunk missing")
		case ch.n > 1:
			return parts, ambiguous(c.chunkNames[i], ch.n)
		case ch.quoted:
			return parts, malformed(c.chunkNames[i], "quoted value")
		case ch.value == "":
			return parts, malformed(c.chunkNames[i], "empty chunk")
		case !ch.strict:
			return parts, malformed(c.chunkNames[i], "value holds a byte that is not a cookie-octet")
		}
		parts[i-1] = ch.value
		total += len(ch.value)
	}
	if i := lowestBit(f.chunkSet() &^ (1<<(n+1) - 1)); i > 0 {
		return parts, malformed(c.chunkNames[i], "chunk beyond the marker's count")
	}
	if total > c.maxValueLen {
		return parts, malformed(c.name, "value too long")
	}
	if joinedHasPrefix(parts[:n], chunkMarker) {
		// Write never produces this; refusing it keeps Read's results writable.
		return parts, malformed(c.name, "value begins with the chunk marker")
	}
	return parts, nil
}

// joinedHasPrefix reports whether the parts, joined, begin with prefix.
func joinedHasPrefix(parts []string, prefix string) bool {
	for _, p := range parts {
		if len(p) >= len(prefix) {
			return strings.HasPrefix(p, prefix)
		}
		if !strings.HasPrefix(prefix, p) {
			return false
		}
		prefix = prefix[len(p):]
	}
	return prefix == ""
}

func ambiguous(name string, n int) error {
	return fmt.Errorf("%w: %q sent %d times", ErrAmbiguous, name, n)
}

func malformed(name, why string) error {
	return fmt.Errorf("%w: %q: %s", ErrMalformed, name, why)
}
