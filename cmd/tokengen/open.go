package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// otherPurposes are tried on a token that fails its tag, to tell a token
// of another purpose from a tampered one (token.Config.OtherPurposes).
var otherPurposes = []string{"auth", "remember"}

const openUsage = `Usage: tokengen open -keyring FILE -purpose NAME [-leeway DUR] [-at TIME] [TOKEN | -]

Check the token given as the argument, or read from stdin if there is none
or it is "-" (not with -keyring -; surrounding white space is ignored), and
print its claims as JSON: kid, jti, iat, exp, auth_time (if any), and data;
times are RFC 3339.
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
	shared := addTokenFlags(fset)
	leeway := durationFlag(fset, "leeway", token.DefaultLeeway, "the tolerance for clock differences")
	var at timeValue
	fset.Var(&at, "at", "check the token as of `TIME`")
	rest, err := shared.parse(fset, k, args)
	if err != nil {
		return err
	}
	if *leeway < 0 || *leeway > token.MaxLeeway {
		return usageErrorf("-leeway must be between 0 and %v", token.MaxLeeway)
	}
	in, err := c.input(k, rest, "token", token.MaxLengthLimit+1024)
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
	cfg := token.Config{Purpose: *shared.purpose, MaxLength: *shared.maxLength, Leeway: *leeway}
	for _, p := range otherPurposes {
		if p != cfg.Purpose {
			cfg.OtherPurposes = append(cfg.OtherPurposes, p)
		}
	}
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
	case token.ReasonWrongPurpose:
		var wp *token.WrongPurposeError
		if errors.As(err, &wp) {
			return fail("wrong purpose: this is %s %s token, not %s", article(wp.Purpose), wp.Purpose, cfg.Purpose)
		}
		return fail("wrong purpose")
	case token.ReasonBadTag:
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
