// Package cookie writes and reads HTTP cookie values with secure defaults,
// splits values too large for one cookie into numbered chunks, and deletes
// every chunk again.
//
// It knows nothing of what a value means: callers store opaque strings (in
// this module, sealed tokens) and get them back. A [Cookie] is built once from
// a [Config] by [New], which validates every field, and is then safe for
// concurrent use.
//
// # Security defaults
//
// Every cookie written is HttpOnly, Secure, Path=/, host-only (no Domain
// attribute) and SameSite=Lax, unless the [Config] says otherwise. HttpOnly
// cannot be turned off. Secure can only be dropped with
// [Config.InsecureHTTP], a development switch that [New] refuses for names with
// the __Host- or __Secure- prefix and reports with a warning. Browsers already
// treat http://localhost and http://127.0.0.1 as secure, so local development
// usually needs no switch at all.
//
// [New] enforces the name prefixes of RFC 6265bis
// (draft-ietf-httpbis-rfc6265bis-15, §4.1.3), matching them without regard to
// case as current browsers do: a __Host- cookie has Path=/, no Domain and
// Secure; a __Secure- cookie has Secure. SameSite=None is refused.
//
// A cookie written with a positive maxAge gets a Max-Age attribute and no
// Expires; RFC 6265bis §5.5 lets browsers cap a cookie's lifetime at 400
// days, so [Cookie.Write] refuses anything longer ([MaxAgeLimit]). A zero
// maxAge writes a browser-session cookie.
//
// Every response that gets a Set-Cookie from this package also gets
// "Cache-Control: no-store" and "Vary: Cookie", so that no shared cache stores
// or replays one visitor's cookie for another. A response carries at most one
// Set-Cookie per cookie name: a write or delete replaces whatever an earlier
// call queued for the same name.
//
// Reading finds the cookies as net/http's [http.Request.CookiesNamed] does
// (the same splitting, trimming, dropped values and bound on the number of
// cookies), without building every cookie of the request: the cookie and its
// chunks come from one pass over the Cookie header.
// A name sent twice in one request is [ErrAmbiguous]: an attacker who can
// plant a cookie for a parent domain or another path must not get to choose
// which one the server sees. Names are compared exactly, so __HOST-auth is not
// __Host-auth. Quoted values, values with bytes outside the RFC 6265
// cookie-octet set and oversized values are [ErrMalformed]. No value ever
// appears in an error or a log line.
//
// # Chunking
//
// A browser keeps at least 4096 bytes per cookie; RFC 6265 §6.1 counts name,
// value and attributes, RFC 6265bis §5.6 name and value. [Cookie.Write] keeps
// len(name)+len(value) of each cookie within [MaxCookieSize] and the whole
// Set-Cookie header value within 4096 bytes. A longer value is split, in the
// scheme of ASP.NET Core's chunking cookie manager:
//
//	__Host-auth=chunks-3
//	__Host-auth.1=<first part>
//	__Host-auth.2=<second part>
//	__Host-auth.3=<rest>
//
// Every part but the last is as long as allowed, and each part carries the
// same attributes. Values that begin with "chunks-" are therefore refused by
// [Cookie.Write], and the names name.1 to name.10 belong to this package.
// [Config.MaxChunks] bounds the number of parts ([DefaultMaxChunks] if zero,
// at most [MaxChunksLimit]); [Cookie.MaxValueLen] reports the resulting limit
// on a value. A longer value is refused with [ErrTooLarge] before any header is
// touched.
//
// Chunks cost request bytes on every request: with the default bound a
// request can carry about 16 KB of this cookie alone, and some proxies refuse
// a Cookie header above 8 KB (nginx's default large_client_header_buffers).
//
// A write deletes, in the same response, the chunks that the request carries
// and the new value does not use, so a value that shrinks leaves nothing
// behind. [Cookie.Delete] clears the base cookie and every chunk the request
// carries or its chunk marker names.
//
// Reading joins the parts again. A missing or extra part, an empty part or a
// marker that is not "chunks-N" with 2 ≤ N ≤ MaxChunks makes the whole cookie
// [ErrMalformed]; a part sent twice makes it [ErrAmbiguous].
//
// # Errors
//
// [New] returns errors that wrap [ErrConfig] and name the offending field.
// [Cookie.Read] returns [ErrNotFound], [ErrAmbiguous] or [ErrMalformed], each
// possibly wrapped with the cookie name; callers should treat all three as
// "no cookie", and clear a malformed one with [Cookie.Delete].
// [Cookie.Write] returns [ErrInvalidValue], [ErrInvalidMaxAge] or
// [ErrTooLarge], all programming errors of the caller, and writes nothing when
// it fails. Match them with [errors.Is].
package cookie
