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
// does not validate names (compare them with valid ones) or values (see
// readValue). A request with more cookies than net/http reads by default
// is handed to net/http itself, so that its GODEBUG setting decides.
// FuzzLookup checks the result against net/http.
type headerScanner struct {
	lines  []string       // Cookie header lines not yet read
	line   string         // the rest of the current line
	parsed []*http.Cookie // net/http's reading, past the bound
	net    bool           // parsed is in use
}

func scanCookies(r *http.Request) headerScanner {
	lines := r.Header["Cookie"]
	count := 0
	for _, line := range lines {
		count += strings.Count(line, ";") + 1
	}
	if count > defaultMaxCookies {
		return headerScanner{parsed: r.Cookies(), net: true}
	}
	return headerScanner{lines: lines}
}

// next returns the next cookie's name and raw value (with any quotes), or
// ok false at the end.
func (s *headerScanner) next() (name, raw string, ok bool) {
	if s.net {
		if len(s.parsed) == 0 {
			return "", "", false
		}
		c := s.parsed[0]
		s.parsed = s.parsed[1:]
		if c.Quoted {
			return c.Name, `"` + c.Value + `"`, true
		}
		return c.Name, c.Value, true
	}
	for {
		for s.line == "" {
			if len(s.lines) == 0 {
				return "", "", false
			}
			s.line = textproto.TrimString(s.lines[0])
			s.lines = s.lines[1:]
		}
		var part string
		part, s.line, _ = strings.Cut(s.line, ";")
		if part = textproto.TrimString(part); part != "" {
			name, raw, _ = strings.Cut(part, "=")
			return textproto.TrimString(name), raw, true
		}
	}
}

// readValue reads a raw cookie value as net/http does: it removes a pair of
// double quotes (quoted), and reports whether net/http reads the value at
// all (ok) and whether it is made of RFC 6265 cookie-octets only (strict).
// A value of cookie-octets is one net/http reads too, so the common case
// scans the value once.
func readValue(raw string) (value string, quoted, strict, ok bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw, quoted = raw[1:len(raw)-1], true
	}
	if validValue(raw) {
		return raw, quoted, true, true
	}
	return raw, quoted, false, netHTTPValue(raw)
}

// lookup finds the cookies named name in r's Cookie headers exactly as
// net/http's Request.CookiesNamed does, but without allocating: it returns
// the first one's value, whether that was quoted, whether it is strict (see
// readValue), and how many there were. name must be a valid cookie name.
func lookup(r *http.Request, name string) (value string, quoted, strict bool, n int) {
	s := scanCookies(r)
	for {
		nm, raw, more := s.next()
		if !more {
			return value, quoted, strict, n
		}
		if nm != name {
			continue
		}
		v, q, st, ok := readValue(raw)
		if !ok {
			continue // net/http drops such a cookie
		}
		if n == 0 {
			value, quoted, strict = v, q, st
		}
		n++
	}
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

// octetBit is cookieOctet as 1 and 0, so that invalidByte can AND eight
// bytes' answers and branch once per word.
var octetBit = func() (t [256]uint8) {
	for b, ok := range cookieOctet {
		if ok {
			t[b] = 1
		}
	}
	return t
}()

// invalidByte returns the index of the first byte of v that is not a
// cookie-octet, or -1. It looks up eight bytes at a time and branches once
// for them: about twice as fast on a token as a branch per byte. (A
// bit-twiddling scan of 64-bit words measured slower than these lookups on
// amd64.)
func invalidByte(v string) int {
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
