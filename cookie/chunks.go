package cookie

import (
	"net/http"
	"strings"
)

// chunkIndex returns i if name is name.i for 1 ≤ i ≤ MaxChunksLimit, and 0
// otherwise.
func (c *Cookie) chunkIndex(name string) int {
	if !strings.HasPrefix(name, c.chunkPrefix) {
		return 0
	}
	for i := 1; i <= MaxChunksLimit; i++ {
		if name == c.chunkNames[i] {
			return i
		}
	}
	return 0
}

// mayHaveChunks reports whether r's Cookie headers could hold a chunk: a
// cheap test, without allocation, that lets Write and Delete skip the scan
// on the common request without chunks.
func (c *Cookie) mayHaveChunks(r *http.Request) bool {
	if r == nil {
		return false
	}
	for _, line := range r.Header["Cookie"] {
		if strings.Contains(line, c.chunkPrefix) {
			return true
		}
	}
	return false
}

// requestChunks returns the set of chunk indices r carries, as bits 1 to
// MaxChunksLimit.
func (c *Cookie) requestChunks(r *http.Request) uint16 {
	if !c.mayHaveChunks(r) {
		return 0
	}
	f := c.find(r)
	return f.chunkSet()
}

// announcedChunks returns the chunks that the markers of r's base cookies
// announce, as bits 1 to MaxChunksLimit.
func (c *Cookie) announcedChunks(r *http.Request) uint16 {
	var set uint16
	s := scanCookies(r)
	for s.pass() {
		set = 0
		for name, more := s.next(); more; name, more = s.next() {
			if name != c.name {
				continue
			}
			v, _, _, ok := s.value()
			if n, marker := parseMarker(v); ok && marker && n <= MaxChunksLimit {
				set |= (1<<(n+1) - 1) &^ 1 // bits 1..n
			}
		}
	}
	return set
}

// lowestBit returns the lowest index set in a chunk set, or 0 if it is empty.
func lowestBit(set uint16) int {
	for i := 1; i <= MaxChunksLimit; i++ {
		if set&(1<<i) != 0 {
			return i
		}
	}
	return 0
}

// parseMarker parses "chunks-N", N a decimal number from 1 to 99 without
// leading zeros.
func parseMarker(v string) (int, bool) {
	digits, ok := strings.CutPrefix(v, chunkMarker)
	if !ok || len(digits) == 0 || len(digits) > 2 || digits[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}
