package cookie

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// MaxCookieSize is the most bytes of name and value, len(name)+len(value),
	// that [Cookie.Write] puts into one cookie. RFC 6265bis §5.6 has browsers
	// drop a cookie whose name and value exceed 4096 bytes; the 96 bytes of
	// slack keep the attributes inside 4096 too, for browsers that count them
	// (RFC 6265 §6.1). A long Path or Domain lowers the limit further; see
	// [Cookie.MaxValueLen].
	MaxCookieSize = 4000

	// DefaultMaxChunks is the number of parts a value may be split into when
	// [Config.MaxChunks] is zero.
	DefaultMaxChunks = 4

	// MaxChunksLimit is the largest [Config.MaxChunks] that [New] accepts. The
	// chunk names name.1 to name.10 are reserved for this package whatever the
	// configured bound, so that a lower bound still clears older chunks.
	MaxChunksLimit = 10

	// MaxAgeLimit is the longest maxAge that [Cookie.Write] accepts: RFC
	// 6265bis §5.5 lets browsers cap a cookie's lifetime at 400 days.
	MaxAgeLimit = 400 * 24 * time.Hour
)

const (
	// maxLineSize bounds a whole Set-Cookie header value: RFC 6265 §6.1 asks
	// browsers for at least 4096 bytes per cookie, counting the attributes.
	maxLineSize = 4096
	// maxNameLen bounds Config.Name so that every part has room for a value.
	maxNameLen = 256
	// maxAttrLen is the longest attribute value browsers honour (RFC 6265bis
	// §5.6); longer Path or Domain attributes are ignored.
	maxAttrLen = 1024
	// maxDomainLen is the longest DNS name.
	maxDomainLen = 253

	chunkMarker = "chunks-"
	// chunkNameReserve is the room every part leaves for its name suffix: the
	// longest, ".10".
	chunkNameReserve = len(".10")
	// longestAttrs is every attribute but Path and Domain at its longest:
	// Max-Age of 400 days, HttpOnly, Secure (counted even under InsecureHTTP
	// so that the switch does not change the limits) and SameSite=Strict.
	longestAttrs = "; Max-Age=34560000; HttpOnly; Secure; SameSite=Strict"
)

var (
	// ErrNotFound is returned by [Cookie.Read] when the request carries no
	// such cookie, or carries it with an empty value.
	ErrNotFound = errors.New("cookie: not found")

	// ErrAmbiguous is returned by [Cookie.Read] when the request carries the
	// cookie's name, or the name of one of its chunks, more than once. The
	// request may carry a cookie planted by someone else; treat it as having
	// no cookie.
	ErrAmbiguous = errors.New("cookie: ambiguous")

	// ErrMalformed is returned by [Cookie.Read] when the cookie is present but
	// cannot be a value that [Cookie.Write] wrote: a quoted value, a byte that
	// is not an RFC 6265 cookie-octet, a value longer than
	// [Cookie.MaxValueLen], a bad chunk marker, or a missing, empty or extra
	// chunk.
	ErrMalformed = errors.New("cookie: malformed")

	// ErrTooLarge is returned by [Cookie.Write] when the value is longer than
	// [Cookie.MaxValueLen].
	ErrTooLarge = errors.New("cookie: value too large")

	// ErrInvalidValue is returned by [Cookie.Write] when the value is empty,
	// holds a byte that is not an RFC 6265 cookie-octet, or begins with the
	// chunk marker "chunks-".
	ErrInvalidValue = errors.New("cookie: invalid value")

	// ErrInvalidMaxAge is returned by [Cookie.Write] when maxAge is negative
	// or longer than [MaxAgeLimit].
	ErrInvalidMaxAge = errors.New("cookie: invalid max age")

	// ErrConfig is wrapped by every error [New] returns.
	ErrConfig = errors.New("cookie: invalid config")
)

// Config describes a cookie. Only Name is required; the zero value of every
// other field is the secure choice.
type Config struct {
	// Name is the cookie's name, for example "__Host-auth". It must be an
	// RFC 6265 token (no space, control character or any of ()<>@,;:\"/[]?={})
	// of at most 256 bytes, and is compared case-sensitively when reading.
	// The names Name.1 to Name.10 are used for chunks.
	//
	// A name that begins with "__Host-" (in any case) requires Path "/", no
	// Domain and no InsecureHTTP; one that begins with "__Secure-" requires no
	// InsecureHTTP (RFC 6265bis §4.1.3).
	Name string

	// Path is the Path attribute. If empty, "/". Otherwise it must begin with
	// "/", hold no control character or ";" and be at most 1024 bytes.
	Path string

	// Domain is the Domain attribute. If empty, the cookie is host-only: sent
	// only to the host that set it, which is almost always what a session
	// wants. Otherwise it must be a valid domain name or IPv4 address of at
	// most 253 bytes.
	Domain string

	// SameSite is the SameSite attribute. If zero or http.SameSiteDefaultMode,
	// http.SameSiteLaxMode. http.SameSiteStrictMode is allowed;
	// http.SameSiteNoneMode is refused.
	SameSite http.SameSite

	// MaxChunks bounds the number of parts a value may be split into. If zero,
	// DefaultMaxChunks. It must be between 1 and MaxChunksLimit; 1 disables
	// chunking.
	MaxChunks int

	// InsecureHTTP omits the Secure attribute so that the cookie also travels
	// over plain HTTP to hosts other than localhost. For development only:
	// anyone on the network path can then read the cookie. New refuses it for
	// names with the __Host- or __Secure- prefix, which browsers drop without
	// Secure, and logs a warning through Logger when it is set.
	InsecureHTTP bool

	// Logger receives the InsecureHTTP warning and nothing else. If nil,
	// slog.Default().
	Logger *slog.Logger
}

// Cookie writes, reads and deletes one named cookie and its chunks. It is
// immutable after [New] and safe for concurrent use.
type Cookie struct {
	name     string
	path     string
	domain   string
	sameSite http.SameSite
	secure   bool

	maxChunks   int
	single      int // the longest value written as one cookie
	part        int // the longest part of a chunked value
	maxValueLen int

	chunkPrefix string                     // name + "."
	chunkNames  [MaxChunksLimit + 1]string // chunkNames[i] is name.i; [0] is unused
}

// New validates cfg, fills in its defaults and returns the [Cookie]. Every
// error it returns wraps [ErrConfig] and names the field at fault.
func New(cfg Config) (*Cookie, error) {
	name := cfg.Name
	switch {
	case name == "":
		return nil, fmt.Errorf("%w: Name is empty", ErrConfig)
	case len(name) > maxNameLen:
		return nil, fmt.Errorf("%w: Name is %d bytes long, more than %d", ErrConfig, len(name), maxNameLen)
	case !isToken(name):
		return nil, fmt.Errorf("%w: Name %q is not an RFC 6265 token", ErrConfig, name)
	}
	hostPrefix := hasPrefixFold(name, "__Host-")
	securePrefix := hasPrefixFold(name, "__Secure-")

	path := cfg.Path
	if path == "" {
		path = "/"
	}
	switch {
	case path[0] != '/':
		return nil, fmt.Errorf("%w: Path %q does not begin with \"/\"", ErrConfig, path)
	case len(path) > maxAttrLen:
		return nil, fmt.Errorf("%w: Path is %d bytes long, more than %d", ErrConfig, len(path), maxAttrLen)
	case !validPath(path):
		return nil, fmt.Errorf("%w: Path %q holds a control character or \";\"", ErrConfig, path)
	case hostPrefix && path != "/":
		return nil, fmt.Errorf("%w: Path must be \"/\" for the __Host- name %q, not %q", ErrConfig, name, path)
	}

	domain := cfg.Domain
	if domain != "" {
		switch {
		case hostPrefix:
			return nil, fmt.Errorf("%w: Domain must be empty for the __Host- name %q", ErrConfig, name)
		case len(domain) > maxDomainLen:
			return nil, fmt.Errorf("%w: Domain is %d bytes long, more than %d", ErrConfig, len(domain), maxDomainLen)
		case (&http.Cookie{Name: "x", Domain: domain}).Valid() != nil:
			return nil, fmt.Errorf("%w: Domain %q is not a domain name or IPv4 address", ErrConfig, domain)
		}
	}

	var sameSite http.SameSite
	switch cfg.SameSite {
	case 0, http.SameSiteDefaultMode, http.SameSiteLaxMode:
		sameSite = http.SameSiteLaxMode
	case http.SameSiteStrictMode:
		sameSite = http.SameSiteStrictMode
	case http.SameSiteNoneMode:
		return nil, fmt.Errorf("%w: SameSite=None is not allowed; use Lax or Strict", ErrConfig)
	default:
		return nil, fmt.Errorf("%w: SameSite %d is not a known mode", ErrConfig, cfg.SameSite)
	}

	maxChunks := cfg.MaxChunks
	switch {
	case maxChunks == 0:
		maxChunks = DefaultMaxChunks
	case maxChunks < 0 || maxChunks > MaxChunksLimit:
		return nil, fmt.Errorf("%w: MaxChunks %d is outside [1, %d]", ErrConfig, maxChunks, MaxChunksLimit)
	}

	if cfg.InsecureHTTP && (hostPrefix || securePrefix) {
		return nil, fmt.Errorf("%w: InsecureHTTP cannot be used with the prefixed name %q: browsers drop such cookies without Secure", ErrConfig, name)
	}

	// The budget for name and value, so that the whole Set-Cookie header
	// value, attributes included, stays within maxLineSize.
	attrs := len("; Path=") + len(path) + len(longestAttrs)
	if domain != "" {
		attrs += len("; Domain=") + len(strings.TrimPrefix(domain, "."))
	}
	budget := min(MaxCookieSize, maxLineSize-len("=")-attrs)

	c := &Cookie{
		name:        name,
		path:        path,
		domain:      domain,
		sameSite:    sameSite,
		secure:      !cfg.InsecureHTTP,
		maxChunks:   maxChunks,
		single:      budget - len(name),
		part:        budget - len(name) - chunkNameReserve,
		chunkPrefix: name + ".",
	}
	c.maxValueLen = c.single
	if maxChunks > 1 {
		c.maxValueLen = maxChunks * c.part
	}
	for i := 1; i <= MaxChunksLimit; i++ {
		c.chunkNames[i] = c.chunkPrefix + strconv.Itoa(i)
	}

	if cfg.InsecureHTTP {
		logger := cfg.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.Warn("cookie: InsecureHTTP is set: the cookie is written without Secure and may travel over plain HTTP; use it for development only",
			slog.String("cookie", name))
	}
	return c, nil
}

// Name returns the cookie's name, as configured.
func (c *Cookie) Name() string { return c.name }

// MaxValueLen returns the length of the longest value [Cookie.Write] accepts:
// MaxChunks parts, each a little under [MaxCookieSize] minus the name's
// length (less for a long Path or Domain).
func (c *Cookie) MaxValueLen() int { return c.maxValueLen }

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
	)
	s := scanCookies(r)
	for {
		name, raw, more := s.next()
		if !more {
			break
		}
		if i := c.chunkIndex(name); i > 0 {
			if v, q, _, ok := readValue(raw); ok { // net/http drops the others
				count[i]++
				parts[i], quoted[i] = v, q
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
		case !validValue(parts[i]):
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
	chunks := c.requestChunks(r)
	if r != nil {
		for _, b := range r.CookiesNamed(c.name) {
			if n, ok := parseMarker(b.Value); ok && n <= MaxChunksLimit {
				chunks |= (1<<(n+1) - 1) &^ 1 // bits 1..n
			}
		}
	}
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
// cheap test, without allocation, that lets the common request without
// chunks skip parsing every cookie.
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
	var set uint16
	s := scanCookies(r)
	for {
		name, raw, more := s.next()
		if !more {
			return set
		}
		if i := c.chunkIndex(name); i > 0 {
			if _, _, _, ok := readValue(raw); ok { // net/http drops the others
				set |= 1 << i
			}
		}
	}
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

// setCacheHeaders makes sure no shared cache stores the response or serves it
// to a request with other cookies.
func setCacheHeaders(h http.Header) {
	if !hasListToken(h["Cache-Control"], "no-store") {
		h["Cache-Control"] = []string{"no-store"}
	}
	if !hasListToken(h["Vary"], "Cookie") {
		h["Vary"] = append(h["Vary"], "Cookie")
	}
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

func ambiguous(name string, n int) error {
	return fmt.Errorf("%w: %q sent %d times", ErrAmbiguous, name, n)
}

func malformed(name, why string) error {
	return fmt.Errorf("%w: %q: %s", ErrMalformed, name, why)
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

// invalidByte returns the index of the first byte of v that is not a
// cookie-octet, or -1. (An eight-bytes-at-a-time version measured slower
// than this table lookup on amd64.)
func invalidByte(v string) int {
	for i := 0; i < len(v); i++ {
		if !cookieOctet[v[i]] {
			return i
		}
	}
	return -1
}

func validValue(v string) bool { return invalidByte(v) < 0 }

// isToken reports whether s is an RFC 9110 token, the syntax of a cookie
// name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// validPath reports whether p holds only bytes RFC 6265 allows in a
// path-value: CHARs except controls and ";".
func validPath(p string) bool {
	for i := 0; i < len(p); i++ {
		if b := p[i]; b < 0x20 || b >= 0x7f || b == ';' {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s begins with prefix, ignoring ASCII case:
// RFC 6265bis matches the __Host- and __Secure- prefixes that way.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
