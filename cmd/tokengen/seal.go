package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// maxJSON bounds the JSON read by seal: far more than a token can hold.
const maxJSON = 1 << 20

// tokenOptions is the help of the flags shared by seal and open.
const tokenOptions = `    -purpose NAME              The purpose, such as auth or remember (required).
    -max-length N              The longest token, in bytes (default 4096, at most 65536).
`

const sealUsage = `Usage: tokengen seal -keyring FILE -purpose NAME [-ttl DUR] [-auth-time TIME] [JSON | -]

Print a token for the purpose whose data is the JSON value given as the
argument, or read from stdin if there is none or it is "-" (not with
-keyring -, which reads the keyring from stdin). The primary key seals it,
issued now.

Options:
` + keyringOption + readableOption + tokenOptions + `    -ttl DUR                   How long the token is valid (default 1h).
    -auth-time TIME            The token's auth_time: when the user last entered
                               the password (RFC 3339, or now). Default: none.

Examples:
    $ tokengen seal -keyring keyring.json -purpose auth -auth-time now '{"uid":42}'
    $ echo '{"uid":42}' | tokengen seal -keyring keyring.json -purpose remember -ttl 30d
`

// tokenFlags are the flags shared by seal and open.
type tokenFlags struct {
	purpose   *string
	maxLength *int
}

func addTokenFlags(fset *flag.FlagSet) tokenFlags {
	return tokenFlags{
		purpose:   fset.String("purpose", "", "the purpose `NAME`"),
		maxLength: fset.Int("max-length", token.DefaultMaxLength, "the longest token, in bytes"),
	}
}

// parse parses the args of seal or open and checks the shared flags. It
// returns the argument (the JSON or the token), if there is one.
func (f tokenFlags) parse(fset *flag.FlagSet, k *keyringFlags, args []string) ([]string, error) {
	rest, err := parse(fset, k, args, 1)
	if err != nil {
		return nil, err
	}
	if err := requirePurpose(*f.purpose); err != nil {
		return nil, err
	}
	if *f.maxLength < 128 || *f.maxLength > token.MaxLengthLimit { // 128: shorter than any token
		return nil, usageErrorf("-max-length must be between 128 and %d", token.MaxLengthLimit)
	}
	return rest, nil
}

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
// "-", up to limit bytes. With -keyring -, stdin holds the keyring: the
// input must be the argument.
func (c *cli) input(k *keyringFlags, rest []string, what string, limit int) ([]byte, error) {
	if len(rest) == 1 && rest[0] != "-" {
		return []byte(rest[0]), nil
	}
	if k.stdio() {
		return nil, usageErrorf("-keyring - reads the keyring from stdin: give the %s as the argument", what)
	}
	if isTerminal(c.stdin) {
		fmt.Fprintf(c.stderr, "tokengen: reading the %s from the terminal; end it with Ctrl-D\n", what)
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

func (c *cli) cmdSeal(args []string) error {
	fset, k := c.flags("seal", true)
	shared := addTokenFlags(fset)
	ttl := durationFlag(fset, "ttl", time.Hour, "how long the token is valid")
	var authTime timeValue
	fset.Var(&authTime, "auth-time", "the token's auth_time (`TIME`)")
	rest, err := shared.parse(fset, k, args)
	if err != nil {
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
	data, err := c.input(k, rest, "JSON", maxJSON)
	if err != nil {
		return err
	}
	raw, err := jsonValue(data)
	if err != nil {
		return err
	}
	r, err := c.load(k)
	if err != nil {
		return err
	}
	return c.seal(r, token.Config{Purpose: *shared.purpose, MaxLength: *shared.maxLength}, p, raw)
}

// jsonValue checks that data is one JSON value.
func jsonValue(data []byte) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("the data is not valid JSON: %v (at byte %d)", se, se.Offset)
		}
		return nil, fmt.Errorf("the data is not valid JSON: %v", err)
	}
	return raw, nil
}

// seal prints the token of data sealed under r's primary key with cfg.
func (c *cli) seal(r *keyring.Ring, cfg token.Config, p token.Params, data json.RawMessage) error {
	codec, err := token.New[json.RawMessage](r, cfg)
	if err != nil {
		return usageError{err.Error()}
	}
	tok, err := codec.Seal(p, data)
	switch {
	case errors.Is(err, keyring.ErrNoPrimary):
		return withHint(errors.New("no key is active yet: nothing can be sealed"), "wait until a pending key activates (tokengen list), or promote one")
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(c.stdout, tok)
	return err
}
