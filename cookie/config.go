package cookie

import (
	"cmp"
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
	// 6265bis §5.5 lets browsers cap a cookie's lifetime at 400 days. It is
	// the project's one 400-day constant: the layers above bound their
	// cookie lifetimes with it.
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
)

// longestAttrs is every attribute but Path and Domain at its longest:
// Max-Age of MaxAgeLimit, HttpOnly, Secure (counted even under InsecureHTTP
// so that the switch does not change the limits) and SameSite=Strict.
var longestAttrs = "; Max-Age=" + strconv.Itoa(int(MaxAgeLimit/time.Second)) + "; HttpOnly; Secure; SameSite=Strict"

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
	if err := checkName(name); err != nil {
		return nil, err
	}
	path, err := pathOf(cfg)
	if err != nil {
		return nil, err
	}
	if err := checkDomain(cfg); err != nil {
		return nil, err
	}
	sameSite, err := sameSiteOf(cfg.SameSite)
	if err != nil {
		return nil, err
	}
	maxChunks := cfg.MaxChunks
	switch {
	case maxChunks == 0:
		maxChunks = DefaultMaxChunks
	case maxChunks < 0 || maxChunks > MaxChunksLimit:
		return nil, fmt.Errorf("%w: MaxChunks %d is outside [1, %d]", ErrConfig, maxChunks, MaxChunksLimit)
	}
	if cfg.InsecureHTTP && (hasPrefixFold(name, "__Host-") || hasPrefixFold(name, "__Secure-")) {
		return nil, fmt.Errorf("%w: InsecureHTTP cannot be used with the prefixed name %q: browsers drop such cookies without Secure", ErrConfig, name)
	}

	// The budget for name and value, so that the whole Set-Cookie header
	// value, attributes included, stays within maxLineSize.
	attrs := len("; Path=") + len(path) + len(longestAttrs)
	if cfg.Domain != "" {
		attrs += len("; Domain=") + len(strings.TrimPrefix(cfg.Domain, "."))
	}
	budget := min(MaxCookieSize, maxLineSize-len("=")-attrs)
	c := &Cookie{
		name:        name,
		path:        path,
		domain:      cfg.Domain,
		sameSite:    sameSite,
		secure:      !cfg.InsecureHTTP,
		maxChunks:   maxChunks,
		single:      budget - len(name),
		part:        budget - len(name) - chunkNameReserve,
		maxValueLen: budget - len(name),
		chunkPrefix: name + ".",
	}
	if maxChunks > 1 {
		c.maxValueLen = maxChunks * c.part
	}
	for i := 1; i <= MaxChunksLimit; i++ {
		c.chunkNames[i] = c.chunkPrefix + strconv.Itoa(i)
	}
	if cfg.InsecureHTTP {
		logger := cmp.Or(cfg.Logger, slog.Default())
		logger.Warn("cookie: InsecureHTTP is set: the cookie is written without Secure and may travel over plain HTTP; use it for development only",
			slog.String("cookie", name))
	}
	return c, nil
}

func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: Name is empty", ErrConfig)
	case len(name) > maxNameLen:
		return fmt.Errorf("%w: Name is %d bytes long, more than %d", ErrConfig, len(name), maxNameLen)
	case !isToken(name):
		return fmt.Errorf("%w: Name %q is not an RFC 6265 token", ErrConfig, name)
	}
	return nil
}

// pathOf returns cfg.Path or its default, checked.
func pathOf(cfg Config) (string, error) {
	path := cmp.Or(cfg.Path, "/")
	switch {
	case path[0] != '/':
		return "", fmt.Errorf("%w: Path %q does not begin with \"/\"", ErrConfig, path)
	case len(path) > maxAttrLen:
		return "", fmt.Errorf("%w: Path is %d bytes long, more than %d", ErrConfig, len(path), maxAttrLen)
	case !validPath(path):
		return "", fmt.Errorf("%w: Path %q holds a control character or \";\"", ErrConfig, path)
	case hasPrefixFold(cfg.Name, "__Host-") && path != "/":
		return "", fmt.Errorf("%w: Path must be \"/\" for the __Host- name %q, not %q", ErrConfig, cfg.Name, path)
	}
	return path, nil
}

func checkDomain(cfg Config) error {
	domain := cfg.Domain
	switch {
	case domain == "":
		return nil
	case hasPrefixFold(cfg.Name, "__Host-"):
		return fmt.Errorf("%w: Domain must be empty for the __Host- name %q", ErrConfig, cfg.Name)
	case len(domain) > maxDomainLen:
		return fmt.Errorf("%w: Domain is %d bytes long, more than %d", ErrConfig, len(domain), maxDomainLen)
	case (&http.Cookie{Name: "x", Domain: domain}).Valid() != nil:
		return fmt.Errorf("%w: Domain %q is not a domain name or IPv4 address", ErrConfig, domain)
	}
	return nil
}

// sameSiteOf returns the SameSite mode of the setting s: Lax by default.
func sameSiteOf(s http.SameSite) (http.SameSite, error) {
	switch s {
	case 0, http.SameSiteDefaultMode, http.SameSiteLaxMode:
		return http.SameSiteLaxMode, nil
	case http.SameSiteStrictMode:
		return http.SameSiteStrictMode, nil
	case http.SameSiteNoneMode:
		return 0, fmt.Errorf("%w: SameSite=None is not allowed; use Lax or Strict", ErrConfig)
	}
	return 0, fmt.Errorf("%w: SameSite %d is not a known mode", ErrConfig, s)
}

// Name returns the cookie's name, as configured.
func (c *Cookie) Name() string { return c.name }

// MaxValueLen returns the length of the longest value [Cookie.Write] accepts:
// MaxChunks parts, each a little under [MaxCookieSize] minus the name's
// length (less for a long Path or Domain).
func (c *Cookie) MaxValueLen() int { return c.maxValueLen }

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
