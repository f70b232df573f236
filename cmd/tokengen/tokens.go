package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// otherPurposes are tried on a token that fails its tag, to tell a token
// of another purpose from a tampered one.
var otherPurposes = []string{"auth", "remember"}

// maxJSON bounds the JSON read by seal: far more than a token can hold.
const maxJSON = 1 << 20

const tokenOptions = `    -purpose NAME              The purpose, such as auth or remember (required).
    -max-length N              The longest token, in bytes (default 4096, at most 65536).
`

const sealUsage = `Usage: tokengen seal -keyring FILE -purpose NAME [-ttl DUR] [-auth-time TIME] [JSON | -]

Print a token for the purpose whose data is the JSON value given as the
argument, or read from stdin if there is none or it is "-". The primary key
seals it, issued now.

Options:
` + keyringOption + readableOption + tokenOptions + `    -ttl DUR                   How long the token is valid (default 1h).
    -auth-time TIME            The token's auth_time: when the user last entered
                               the password (RFC 3339, or now). Default: none.

Examples:
    $ tokengen seal -keyring keyring.json -purpose auth -auth-time now '{"uid":42}'
    $ echo '{"uid":42}' | tokengen seal -keyring keyring.json -purpose remember -ttl 30d
`

const openUsage = `Usage: tokengen open -keyring FILE -purpose NAME [-leeway DUR] [-at TIME] [TOKEN | -]

Check the token given as the argument, or read from stdin if there is none
or it is "-" (surrounding white space is ignored), and print its claims as
JSON: kid, jti, iat, exp, auth_time (if any), and data; times are RFC 3339.
If it does not open, print why on stderr and exit with status 1: malformed,
unknown key, wrong purpose, bad tag (tampered with), bad claims, expired,
not yet valid, or revoked. A server tells a visitor none of this.

Options:
` + keyringOption + readableOption + tokenOptions + `    -leeway DUR                The tolerance for clock differences (default 1m0s,
                               at most 10m; 0 for none).
    -at TIME                   Check the token as of TIME (RFC 3339, or now).

Examples:
    $ tokengen open -keyring keyring.json -purpose auth eyJhbGciOiJBMjU2S1ciLCJlbmMiOi...
    $ pbpaste | tokengen open -keyring keyring.json -purpose remember -at 2026-12-01T00:00:00Z
`

// requirePurpose checks the -purpose flag.
func requirePurpose(p string) error {
	switch {
	case p == "":
		return usageError{"-purpose is required (such as auth or remember)"}
	case !keyring.ValidPurpose(p):
		return usageError{"-purpose is not a purpose name: want [A-Za-z0-9._-]{1,64}"}
	}
	return nil
}

// input returns the single argument, or stdin if there is none or it is
// "-", up to limit bytes.
func (c *cli) input(rest []string, what string, limit int) ([]byte, error) {
	if len(rest) == 1 && rest[0] != "-" {
		return []byte(rest[0]), nil
	}
	if f, ok := c.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(c.stderr, "tokengen: reading the %s from the terminal; end it with Ctrl-D\n", what)
		}
	}
	b, err := io.ReadAll(io.LimitReader(c.stdin, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("reading the %s from stdin: %v", what, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("the %s on stdin is longer than %d bytes", what, limit)
	}
	return b, nil
}

// tokenConfig holds the flags shared by seal and open.
type tokenConfig struct {
	purpose   *string
	maxLength *int
}

func addTokenFlags(fset *flag.FlagSet) tokenConfig {
	return tokenConfig{
		purpose:   fset.String("purpose", "", "the purpose `NAME`"),
		maxLength: fset.Int("max-length", token.DefaultMaxLength, "the longest token, in bytes"),
	}
}

func (tc tokenConfig) check() error {
	if err := requirePurpose(*tc.purpose); err != nil {
		return err
	}
	if *tc.maxLength < 128 || *tc.maxLength > token.MaxMaxLength { // 128: shorter than any token
		return usageErrorf("-max-length must be between 128 and %d", token.MaxMaxLength)
	}
	return nil
}

func (c *cli) cmdSeal(args []string) error {
	fset, k := c.flags("seal", true)
	tc := addTokenFlags(fset)
	ttl := durationFlag(fset, "ttl", time.Hour, "how long the token is valid")
	var authTime timeValue
	fset.Var(&authTime, "auth-time", "the token's auth_time (`TIME`)")
	rest, err := parse(fset, k, args, 1)
	if err != nil {
		return err
	}
	if err := tc.check(); err != nil {
		return err
	}
	if *ttl < time.Second {
		return usageError{"-ttl must be at least 1s"}
	}
	now := c.now().Round(0)
	p := token.Params{IssuedAt: now, Expiry: now.Add(*ttl)}
	if authTime.set {
		p.AuthTime = authTime.at(now)
		switch {
		case p.AuthTime.After(now):
			return usageErrorf("-auth-time %s is in the future", formatTime(p.AuthTime))
		case p.AuthTime.Unix() < 1:
			return usageError{"-auth-time must be after 1970-01-01T00:00:00Z"}
		}
	}
	data, err := c.input(rest, "JSON", maxJSON)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("the data is not valid JSON: %v (at byte %d)", se, se.Offset)
		}
		return fmt.Errorf("the data is not valid JSON: %v", err)
	}
	r, err := c.load(k)
	if err != nil {
		return err
	}
	codec, err := token.New[json.RawMessage](r, token.Config{Purpose: *tc.purpose, MaxLength: *tc.maxLength})
	if err != nil {
		return usageError{err.Error()}
	}
	tok, err := codec.Seal(p, raw)
	switch {
	case errors.Is(err, keyring.ErrNoPrimary):
		return withHint(errors.New("no key is active yet: nothing can be sealed"), "wait until a pending key activates (tokengen list), or promote one")
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(c.stdout, tok)
	return err
}

// claimsJSON is what open prints.
type claimsJSON struct {
	Kid      string          `json:"kid"`
	Jti      string          `json:"jti"`
	Iat      time.Time       `json:"iat"`
	Exp      time.Time       `json:"exp"`
	AuthTime *time.Time      `json:"auth_time,omitempty"`
	Data     json.RawMessage `json:"data"`
}

func (c *cli) cmdOpen(args []string) error {
	fset, k := c.flags("open", true)
	tc := addTokenFlags(fset)
	leeway := durationFlag(fset, "leeway", token.DefaultLeeway, "the tolerance for clock differences")
	var at timeValue
	fset.Var(&at, "at", "check the token as of `TIME`")
	rest, err := parse(fset, k, args, 1)
	if err != nil {
		return err
	}
	if err := tc.check(); err != nil {
		return err
	}
	if *leeway < 0 || *leeway > token.MaxLeeway {
		return usageErrorf("-leeway must be between 0 and %v", token.MaxLeeway)
	}
	in, err := c.input(rest, "token", token.MaxMaxLength+1024)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(string(in))
	if raw == "" {
		return errors.New("no token given")
	}
	r, err := c.load(k)
	if err != nil {
		return err
	}
	cfg := token.Config{Purpose: *tc.purpose, MaxLength: *tc.maxLength, Leeway: *leeway}
	if cfg.Leeway == 0 {
		cfg.Leeway = -1 // token.Config: zero is the default, negative is none
	}
	codec, err := token.New[json.RawMessage](r, cfg)
	if err != nil {
		return usageError{err.Error()}
	}
	now := at.at(c.now().Round(0))
	t, err := codec.Open(raw, now)
	if err != nil {
		return whyNot(r, cfg, *leeway, raw, now, err)
	}
	out := claimsJSON{
		Kid:  t.KeyID,
		Jti:  t.ID.String(),
		Iat:  t.IssuedAt.UTC(),
		Exp:  t.Expiry.UTC(),
		Data: t.Data,
	}
	if !t.AuthTime.IsZero() {
		a := t.AuthTime.UTC()
		out.AuthTime = &a
	}
	// The data as it was sealed: no HTML escaping of <, > and &.
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// whyNot explains why the token raw did not open with cfg at now. It
// never quotes the token; it names its key id, which is not secret.
func whyNot(r *keyring.Ring, cfg token.Config, leeway time.Duration, raw string, now time.Time, err error) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("token does not open: "+format, args...)
	}
	var te *token.TimeError
	errors.As(err, &te)
	switch token.ReasonOf(err) {
	case token.ReasonMalformed:
		if len(raw) > cfg.MaxLength {
			return withHint(fail("malformed: %d bytes, longer than %d", len(raw), cfg.MaxLength), "a server configured for longer tokens needs -max-length")
		}
		return fail("malformed: not a token of this shape, header or size")
	case token.ReasonUnknownKey:
		return withHint(fail("unknown key %s", showKid(raw)), "the key was retired or dropped, or the token is from another keyring; this one has "+idList(r))
	case token.ReasonBadTag:
		for _, p := range otherPurposes {
			if p == cfg.Purpose {
				continue
			}
			alt := cfg
			alt.Purpose = p
			codec, err := token.New[json.RawMessage](r, alt)
			if err != nil {
				continue
			}
			switch _, err := codec.Open(raw, now); token.ReasonOf(err) {
			case token.ReasonNone, token.ReasonBadClaims, token.ReasonExpired, token.ReasonNotYetValid, token.ReasonRevoked:
				return fail("wrong purpose: this is %s %s token, not %s", article(p), p, cfg.Purpose)
			}
		}
		return fail("bad tag: tampered with, or not sealed for %s under key %s of this keyring", cfg.Purpose, showKid(raw))
	case token.ReasonBadClaims:
		return fail("bad claims: authentic, but its claims or data are malformed")
	case token.ReasonExpired:
		if te != nil {
			return fail("expired at %s, %v before %s (leeway %v)", formatTime(te.Claims.Expiry), now.Sub(te.Claims.Expiry).Round(time.Second), formatTime(now), leeway)
		}
		return fail("expired")
	case token.ReasonNotYetValid:
		if te != nil {
			return fail("not yet valid: issued at %s, %v after %s (leeway %v)", formatTime(te.Claims.IssuedAt), te.Claims.IssuedAt.Sub(now).Round(time.Second), formatTime(now), leeway)
		}
		return fail("not yet valid")
	case token.ReasonRevoked:
		if te != nil {
			return fail("revoked: issued at %s, before revoke_before %s", formatTime(te.Claims.IssuedAt), formatTime(r.RevokeBefore()))
		}
		return fail("revoked")
	}
	return fail("%v", err)
}

// article returns "an" for a word that starts with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// showKid returns the quoted key id in the token's header, if it has a
// valid one, for a diagnostic.
func showKid(raw string) string {
	h, _, ok := strings.Cut(raw, ".")
	if !ok || len(h) > 512 {
		return "(none)"
	}
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "(none)"
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	if json.Unmarshal(b, &hdr) != nil || !keyring.ValidID(hdr.Kid) {
		return "(none)"
	}
	return fmt.Sprintf("%q", hdr.Kid)
}
