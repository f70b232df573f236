package cookie

import (
	"net/http"
	"net/textproto"
	"strings"
)

// defaultMaxCookies is net/http's default bound on the cookies of one
// request (GODEBUG httpcookiemaxnum, CVE-2025-58186): past it, net/http
// reads none.
const defaultMaxCookies = 3000

// headerScanner walks the cookies of a request's Cookie headers as
// net/http's Request.Cookies reads them (the same trimming and splitting),
// without allocating: this package's one parser of the Cookie header. It
// does not validate names (compare them with valid ones); it reads a
// value only when asked (see value), so that the cookies of other names
// cost one search for their ';'. FuzzLookup checks the result against
// net/http. Use it as
//
//	s := scanCookies(r)
//	for s.pass() {
//		// reset what the loop gathers
//		for name, ok := s.next(); ok; name, ok = s.next() { … }
//	}
//
// reading every cookie of a pass.
type headerScanner struct {
	r       *http.Request
	lines   []string       // Cookie header lines not yet read
	line    string         // the rest of the current line
	pending bool           // line begins with the current cookie's value
	count   int            // cookies net/http counts in the lines read so far
	passes  int            // passes begun
	parsed  []*http.Cookie // net/http's reading, past the bound
	cur     *http.Cookie   // the current cookie of parsed
	net     bool           // parsed is in use
}

func scanCookies(r *http.Request) headerScanner {
	s := headerScanner{r: r}
	if r != nil {
		s.lines = r.Header["Cookie"]
	}
	return s
}

// pass reports whether a pass over the cookies begins: the first, and a
// second if the first crossed net/http's bound. net/http counts a
// request's cookies before parsing them (strings.Count of ';', plus one,
// per line) and reads none past defaultMaxCookies; the scanner counts
// them as it goes, and a request over the bound is read again from
// net/http's own parsing, so that its GODEBUG setting decides.
func (s *headerScanner) pass() bool {
	s.passes++
	switch {
	case s.passes == 1:
		return true
	case s.passes == 2 && s.count > defaultMaxCookies:
		s.parsed, s.net = s.r.Cookies(), true
		return true
	}
	return false
}

// next moves to the next cookie and returns its name, or ok false at the
// end (or past the bound, which pass handles).
func (s *headerScanner) next() (name string, ok bool) {
	if s.net {
		return s.nextParsed()
	}
	if s.pending {
		s.skipValue()
	}
	for s.count <= defaultMaxCookies {
		if s.line == "" {
			if len(s.lines) == 0 {
				return "", false
			}
			s.line = textproto.TrimString(s.lines[0])
			s.lines = s.lines[1:]
			s.count++
			continue
		}
		k := nameEnd(s.line)
		name = textproto.TrimString(s.line[:k])
		switch {
		case k == len(s.line):
			s.line = ""
		case s.line[k] == ';':
			s.line = s.line[k+1:]
			s.count++
		default: // '=': the value follows
			s.line, s.pending = s.line[k+1:], true
			return name, true
		}
		if name != "" {
			return name, true // a cookie without '=' has an empty value
		}
	}
	return "", false
}

func (s *headerScanner) nextParsed() (name string, ok bool) {
	if len(s.parsed) == 0 {
		return "", false
	}
	s.cur, s.parsed = s.parsed[0], s.parsed[1:]
	return s.cur.Name, true
}

// nameEnd returns the index of the first '=' or ';' of line, or its length.
func nameEnd(line string) int {
	for i := 0; i < len(line); i++ {
		if b := line[i]; b == '=' || b == ';' {
			return i
		}
	}
	return len(line)
}

// skipValue moves past the current cookie's value.
func (s *headerScanner) skipValue() {
	s.pending = false
	i := strings.IndexByte(s.line, ';')
	if i < 0 {
		s.line = ""
		return
	}
	s.line = s.line[i+1:]
	s.count++
}

// value reads the current cookie's value as net/http does: it removes a
// pair of double quotes (quoted), and reports whether net/http reads the
// value at all (ok) and whether it is made of RFC 6265 cookie-octets only
// (strict). Call it at most once per cookie.
//
// ';' is not a cookie-octet, so the search for a value's first byte that
// is not one stops at the ';' that ends it: a strict value, the common
// case, is found and validated in one pass. Any other value is read as
// net/http reads it, by readValue.
func (s *headerScanner) value() (v string, quoted, strict, ok bool) {
	if s.net {
		return s.cur.Value, s.cur.Quoted, validValue(s.cur.Value), true
	}
	if !s.pending {
		return "", false, true, true
	}
	s.pending = false
	i := invalidByte(s.line)
	switch {
	case i < 0: // the line is trimmed: no space ends it
		v, s.line = s.line, ""
		return v, false, true, true
	case s.line[i] == ';':
		v, s.line = s.line[:i], s.line[i+1:]
		s.count++
		return v, false, true, true
	}
	raw := s.line
	if j := strings.IndexByte(raw[i:], ';'); j >= 0 {
		raw, s.line = raw[:i+j], raw[i+j+1:]
		s.count++
	} else {
		s.line = ""
	}
	// net/http trims the cookie, so the spaces that end a value, not
	// those that begin it.
	return readValue(strings.TrimRight(raw, " \t\r\n"))
}

// readValue reads a raw cookie value as net/http does (see value). A value
// of cookie-octets is one net/http reads too.
func readValue(raw string) (value string, quoted, strict, ok bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw, quoted = raw[1:len(raw)-1], true
	}
	if validValue(raw) {
		return raw, quoted, true, true
	}
	return raw, quoted, false, netHTTPValue(raw)
}

// netHTTPValue reports whether net/http reads v as a cookie value.
func netHTTPValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// cookieOctet holds the bytes RFC 6265 §4.1.1 allows in a cookie value:
//
//	cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
//
// net/http is laxer (it also reads space and comma), so this package checks
// values itself.
var cookieOctet = func() (t [256]bool) {
	for b := 0x21; b <= 0x7e; b++ {
		t[b] = b != '"' && b != ',' && b != ';' && b != '\\'
	}
	return t
}()

// octetBit is cookieOctet as 1 and 0, so that invalidByteGo can AND eight
// bytes' answers and branch once per word.
var octetBit = func() (t [256]uint8) {
	for b, ok := range cookieOctet {
		if ok {
			t[b] = 1
		}
	}
	return t
}()

// vectorBlock is the width of invalidByteAVX2's compares: values shorter
// than one block are checked by invalidByteGo.
const vectorBlock = 32

// invalidByte returns the index of the first byte of v that is not a
// cookie-octet, or -1. A chunked value of sealed tokens is about 11 KB, so
// this is the hot loop of reading one: on amd64 with AVX2 it checks 32
// bytes per compare (invalidByteAVX2, octets_amd64.s), about eight times as
// fast as invalidByteGo on 11 KB (BenchmarkInvalidByte); elsewhere, built
// with the purego tag, or for values shorter than a block, it runs
// invalidByteGo.
func invalidByte(v string) int {
	if vectorPath(len(v)) {
		return invalidByteAVX2(v)
	}
	return invalidByteGo(v)
}

// vectorPath reports whether invalidByte checks a value of n bytes with
// invalidByteAVX2.
func vectorPath(n int) bool { return useAVX2 && n >= vectorBlock }

// invalidByteGo is invalidByte in Go. It looks up eight bytes at a time and
// branches once for them: about twice as fast on a token as a branch per
// byte. (A bit-twiddling scan of 64-bit words measured slower than these
// lookups on amd64, where the speed comes from invalidByteAVX2 instead.)
func invalidByteGo(v string) int {
	i := 0
	for ; i+8 <= len(v); i += 8 {
		w := v[i : i+8]
		if octetBit[w[0]]&octetBit[w[1]]&octetBit[w[2]]&octetBit[w[3]]&
			octetBit[w[4]]&octetBit[w[5]]&octetBit[w[6]]&octetBit[w[7]] == 0 {
			break // a byte of w is not an octet: find which
		}
	}
	for ; i < len(v); i++ {
		if !cookieOctet[v[i]] {
			return i
		}
	}
	return -1
}

func validValue(v string) bool { return invalidByte(v) < 0 }
