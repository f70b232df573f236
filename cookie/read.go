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
func (c *Cookie) Read(r *http.Request) (string, error) {
	v, quoted, strict, n := lookup(r, c.name)
	switch {
	case n == 0:
		return "", c.absent(r)
	case n > 1:
		return "", ambiguous(c.name, n)
	}
	switch {
	case quoted:
		return "", malformed(c.name, "quoted value")
	case v == "":
		return "", c.absent(r)
	case strings.HasPrefix(v, chunkMarker):
		n, ok := parseMarker(v)
		if !ok || n < 2 || n > c.maxChunks {
			return "", malformed(c.name, "bad chunk marker")
		}
		return c.readChunks(r, n)
	case len(v) > c.maxValueLen:
		return "", malformed(c.name, "value too long")
	case !strict:
		return "", malformed(c.name, "value holds a byte that is not a cookie-octet")
	}
	if c.mayHaveChunks(r) {
		if i := lowestBit(c.requestChunks(r)); i > 0 {
			return "", malformed(c.chunkNames[i], "chunk of an unchunked value")
		}
	}
	return v, nil
}

// absent is Read's answer when the base cookie is missing or empty: chunks
// without it are malformed (and will be cleared by Delete), otherwise the
// cookie is not found.
func (c *Cookie) absent(r *http.Request) error {
	if c.mayHaveChunks(r) {
		if i := lowestBit(c.requestChunks(r)); i > 0 {
			return malformed(c.chunkNames[i], "chunk without its base cookie")
		}
	}
	return ErrNotFound
}

// readChunks joins the n chunks that the base cookie's marker announced.
func (c *Cookie) readChunks(r *http.Request, n int) (string, error) {
	var (
		count  [MaxChunksLimit + 1]int
		parts  [MaxChunksLimit + 1]string
		quoted [MaxChunksLimit + 1]bool
		strict [MaxChunksLimit + 1]bool // checked once, by readValue
	)
	s := scanCookies(r)
	for {
		name, raw, more := s.next()
		if !more {
			break
		}
		if i := c.chunkIndex(name); i > 0 {
			if v, q, st, ok := readValue(raw); ok { // net/http drops the others
				count[i]++
				parts[i], quoted[i], strict[i] = v, q, st
			}
		}
	}
	total := 0
	for i := 1; i <= n; i++ {
		switch {
		case count[i] == 0:
			return "", malformed(c.chunkNames[i], "chunk missing")
		case count[i] > 1:
			return "", ambiguous(c.chunkNames[i], count[i])
		case quoted[i]:
			return "", malformed(c.chunkNames[i], "quoted value")
		case parts[i] == "":
			return "", malformed(c.chunkNames[i], "empty chunk")
		case !strict[i]:
			return "", malformed(c.chunkNames[i], "value holds a byte that is not a cookie-octet")
		}
		total += len(parts[i])
	}
	for i := n + 1; i <= MaxChunksLimit; i++ {
		if count[i] > 0 {
			return "", malformed(c.chunkNames[i], "chunk beyond the marker's count")
		}
	}
	if total > c.maxValueLen {
		return "", malformed(c.name, "value too long")
	}
	v := strings.Join(parts[1:n+1], "")
	if strings.HasPrefix(v, chunkMarker) {
		// Write never produces this; refusing it keeps Read's results writable.
		return "", malformed(c.name, "value begins with the chunk marker")
	}
	return v, nil
}

func ambiguous(name string, n int) error {
	return fmt.Errorf("%w: %q sent %d times", ErrAmbiguous, name, n)
}

func malformed(name, why string) error {
	return fmt.Errorf("%w: %q: %s", ErrMalformed, name, why)
}
