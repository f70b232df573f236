package middleware

import (
	"net/url"
	"strings"
)

// maxReturnToLen is the longest return_to value [SafeReturnTo] accepts, in
// bytes. It holds any real path and query and keeps a login link well inside
// browser and proxy limits on URL length.
const maxReturnToLen = 2048

// SafeReturnTo returns raw if it is a same-site absolute path, safe to redirect
// to, and "/" otherwise. Use it on the return_to form or query value before
// redirecting there after login or re-authentication, and on the request URI
// before putting it, query-escaped, in the return_to query of a redirect to
// the login page. It is the allow-list that OWASP's Unvalidated Redirects and
// Forwards Cheat Sheet asks for:
// https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
//
// raw is accepted, and then returned as is, only if all of these hold:
//
//   - it is 1 to 2048 bytes long;
//   - it starts with exactly one '/': no scheme ("https:", "javascript:"),
//     no "//" or "/\" that would make it scheme-relative, so neither a browser
//     nor net/url can read a scheme, host or user into it;
//   - every byte is printable ASCII other than space, '"', '<', '>' and '\':
//     no control character (browsers silently drop TAB, CR and LF, so
//     "/\t/evil.com" would become "//evil.com"), no backslash (browsers read
//     it as '/'), no non-ASCII byte or invalid UTF-8;
//   - every '%' starts an escape of two hex digits, and in the path no escape
//     decodes to '/', '\' or a control character ("/%2F%2Fevil.com");
//   - no segment of the path is "." or "..", written plainly or with "%2e" in
//     either case: browsers remove them, so "/.//evil.com" would become
//     "//evil.com" on this site, and from there an open redirect wherever the
//     path is echoed into a Location header;
//   - there is at most one '#';
//   - if it contains '%', ':' or '@', net/url parses it to a URL with no
//     scheme, host, user or opaque part. This second check is redundant with
//     the ones above and is kept only as a guard; other inputs cannot give
//     net/url anything to disagree on, and skip it so as not to allocate.
//
// The query and fragment are otherwise kept as they are: they cannot change the
// origin. The result can be put in a Location header as is, and every browser
// (WHATWG URL Standard) and net/url resolve it to a URL of the same origin as
// the page that redirects. It says nothing about whether the path exists or
// whether the user may see it. SafeReturnTo allocates only when it calls
// net/url, and never panics.
func SafeReturnTo(raw string) string {
	if len(raw) == 0 || len(raw) > maxReturnToLen || raw[0] != '/' {
		return "/"
	}
	// "//host" and "/\host" are scheme-relative URLs to another host; '\' is
	// refused anywhere by the byte check below.
	if len(raw) > 1 && raw[1] == '/' {
		return "/"
	}

	// Every byte must be allowed; note which of the bytes that need a closer
	// look occur at all, so that the common path skips those checks.
	var seen uint8
	for i := 1; i < len(raw); i++ {
		b := returnToByte[raw[i]]
		if b == 0 {
			return "/"
		}
		seen |= b
	}

	// The path ends at the first '?' or '#'; there is at most one '#'.
	end := len(raw)
	if seen&rtQuery != 0 {
		end = strings.IndexByte(raw, '?')
	}
	if seen&rtHash != 0 {
		h := strings.IndexByte(raw, '#')
		if strings.IndexByte(raw[h+1:], '#') >= 0 {
			return "/"
		}
		end = min(end, h)
	}
	path := raw[:end]

	if seen&rtPercent != 0 && !validEscapes(raw, end) {
		return "/"
	}

	// Every segment follows a '/', so a dot-segment needs "/." or "/%2e".
	if strings.Contains(path, "/.") || seen&rtPercent != 0 && strings.Contains(path, "/%") {
		for rest, more := path[1:], true; more; {
			var seg string
			seg, rest, more = strings.Cut(rest, "/")
			if isDotSegment(seg) {
				return "/"
			}
		}
	}

	// The second check. net/url can only disagree with the checks above
	// about inputs with an escape, a ':' or an '@'; it allocates, so the
	// others skip it.
	if seen&(rtPercent|rtColonAt) != 0 && !parsesAsLocalPath(raw) {
		return "/"
	}
	return raw
}

// Flags of returnToByte; 0 means the byte is refused.
const (
	rtPlain   = 1 << iota // a byte that neither net/url nor a browser reads specially
	rtPercent             // '%'
	rtColonAt             // ':' and '@', which schemes and userinfo hinge on
	rtQuery               // '?'
	rtHash                // '#'
)

// returnToByte classifies every byte for SafeReturnTo. It refuses control
// characters, space, '"', '<', '>', '\', DEL and non-ASCII. It accepts '{',
// '}', '|', '^', '`', '[' and ']': browsers send them unescaped in queries, so
// real request URIs hold them, and they cannot change the origin.
var returnToByte = func() (t [256]uint8) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = rtPlain
	}
	for _, c := range []byte(`"<>\`) {
		t[c] = 0
	}
	t['%'] = rtPercent
	t[':'], t['@'] = rtColonAt, rtColonAt
	t['?'] = rtQuery
	t['#'] = rtHash
	return t
}()

// validEscapes reports whether every '%' in s starts an escape of two hex
// digits, and no escape before s[pathEnd] decodes to '/', '\' or a control
// character.
func validEscapes(s string, pathEnd int) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; {
		if i+2 >= len(s) {
			return false
		}
		hi, lo := unhex(s[i+1]), unhex(s[i+2])
		if hi > 0xf || lo > 0xf {
			return false
		}
		if b := hi<<4 | lo; i < pathEnd && (b < 0x20 || b == 0x7f || b == '/' || b == '\\') {
			return false
		}
		j := strings.IndexByte(s[i+3:], '%')
		if j < 0 {
			break
		}
		i += 3 + j
	}
	return true
}

// unhex returns the value of the hex digit c, or 0xff if c is not one.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}

// isDotSegment reports whether the path segment seg is "." or "..", each dot
// written as '.' or as "%2e" in either case: the single-dot and double-dot
// path segments that the WHATWG URL Standard removes when it parses a URL.
func isDotSegment(seg string) bool {
	switch len(seg) {
	case 1:
		return seg == "."
	case 2:
		return seg == ".."
	case 3:
		return strings.EqualFold(seg, "%2e")
	case 4:
		return strings.EqualFold(seg, ".%2e") || strings.EqualFold(seg, "%2e.")
	case 6:
		return strings.EqualFold(seg, "%2e%2e")
	}
	return false
}

// parsesAsLocalPath reports whether net/url reads s as a path with no scheme,
// host, user or opaque part, whose decoded path is not scheme-relative.
func parsesAsLocalPath(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Opaque == "" && u.User == nil && u.Host == "" &&
		strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}
