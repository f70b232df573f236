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

// lookup finds the cookies named name in r's Cookie headers exactly as
// net/http's Request.CookiesNamed does, but without allocating: it returns
// the first one's value, whether that was quoted, whether it is made of
// RFC 6265 cookie-octets only (strict), and how many there were. A value of
// cookie-octets is one net/http reads too, so the common case scans the
// value once. name must be a valid cookie name. A request with more cookies than
// net/http reads by default is handed to net/http itself, so that its
// GODEBUG setting decides. FuzzLookup checks it against net/http.
func lookup(r *http.Request, name string) (value string, quoted, strict bool, n int) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 {
		return "", false, false, 0
	}
	count := 0
	for _, line := range lines {
		count += strings.Count(line, ";") + 1
	}
	if count > defaultMaxCookies {
		cs := r.CookiesNamed(name)
		if len(cs) == 0 {
			return "", false, false, 0
		}
		return cs[0].Value, cs[0].Quoted, validValue(cs[0].Value), len(cs)
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		var part string
		for len(line) > 0 {
			part, line, _ = strings.Cut(line, ";")
			part = textproto.TrimString(part)
			if part == "" {
				continue
			}
			nm, val, _ := strings.Cut(part, "=")
			if textproto.TrimString(nm) != name {
				continue
			}
			q := false
			if len(val) > 1 && val[0] == '"' && val[len(val)-1] == '"' {
				val, q = val[1:len(val)-1], true
			}
			ok := validValue(val)
			if !ok && !netHTTPValue(val) {
				continue // net/http drops such a cookie
			}
			if n == 0 {
				value, quoted, strict = val, q, ok
			}
			n++
		}
	}
	return value, quoted, strict, n
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
