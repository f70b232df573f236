package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// usageError is a command line that cannot be run: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// hintError is an error with a line of advice for the operator.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return &hintError{err, hint} }

// showArg quotes a command-line word for an error message if it is short
// and plain. Anything else is not echoed: it might be a token or a secret
// pasted in the wrong place.
func showArg(s string) string {
	if len(s) > 32 {
		return "(not shown)"
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "(not shown)"
		}
	}
	return strconv.Quote(s)
}

// flags returns a flag set for the command name with the -keyring flag
// and, if load, -insecure-allow-readable.
func (c *cli) flags(name string, load bool) (*flag.FlagSet, *keyringFlags) {
	fs := flag.NewFlagSet("tokengen "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, help is the command's usage
	fs.Usage = func() {}
	c.fset = fs
	k := &keyringFlags{getenv: c.getenv}
	fs.StringVar(&k.path, "keyring", "", "the keyring `FILE` (default $"+keyring.EnvKeyringFile+"; - for stdin)")
	if load {
		fs.BoolVar(&k.allowReadable, "insecure-allow-readable", false, "load a keyring file that the permission rule refuses")
	}
	return fs, k
}

// parse parses args and returns the arguments after the flags: at most
// maxArgs of them, else a usage error. The keyring path falls back to
// $SESSIONLESS_KEYRING_FILE; neither is a usage error.
func parse(fs *flag.FlagSet, k *keyringFlags, args []string, maxArgs int) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	rest := fs.Args()
	if len(rest) > maxArgs {
		return nil, tooManyArgs(strings.TrimPrefix(fs.Name(), "tokengen "), rest, maxArgs)
	}
	if k.path == "" {
		k.path = k.getenv(keyring.EnvKeyringFile)
	}
	if k.path == "" {
		return nil, usageErrorf("no keyring file: pass -keyring FILE or set $%s", keyring.EnvKeyringFile)
	}
	return rest, nil
}

func tooManyArgs(cmd string, rest []string, maxArgs int) error {
	what := "arguments"
	if maxArgs == 0 {
		what = "no arguments"
	} else if maxArgs == 1 {
		what = "at most one argument"
	}
	msg := fmt.Sprintf("%s takes %s, not %d", cmd, what, len(rest))
	for _, a := range rest[maxArgs:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			msg += " (flags go before the arguments)"
			break
		}
	}
	return usageError{msg}
}

// durationValue is a flag.Value for a Go duration or a number of days
// ("31d").
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.ParseUint(n, 10, 16); err == nil {
			*d = durationValue(time.Duration(days) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 90s, 15m, 1h30m or 31d")
	}
	*d = durationValue(v)
	return nil
}

func durationFlag(fs *flag.FlagSet, name string, def time.Duration, help string) *time.Duration {
	d := durationValue(def)
	fs.Var(&d, name, help)
	return (*time.Duration)(&d)
}

// timeValue is a flag.Value for an RFC 3339 time or "now".
type timeValue struct {
	t   time.Time
	now bool
	set bool
}

func (v *timeValue) String() string {
	switch {
	case v == nil || !v.set:
		return ""
	case v.now:
		return "now"
	}
	return v.t.Format(time.RFC3339Nano)
}

func (v *timeValue) Set(s string) error {
	if s == "now" {
		*v = timeValue{now: true, set: true}
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return errors.New("want an RFC 3339 time such as 2026-11-23T07:30:00Z, or now")
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return errors.New("the year must be between 0001 and 9999 (UTC)")
	}
	*v = timeValue{t: t.UTC(), set: true}
	return nil
}

// at returns the time, now if it was "now" or not set.
func (v *timeValue) at(now time.Time) time.Time {
	if !v.set || v.now {
		return now
	}
	return v.t
}

// formatTime formats t as RFC 3339 in UTC, with a fraction of a second only
// if it has one.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// humanDuration shortens a positive d for a person: whole seconds from a
// minute up ("in 1h0m0s", not "in 1h0m0.753s": an activation on a whole
// second is a fraction of a second later than the delay asked for), whole
// milliseconds below.
func humanDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Truncate(time.Second)
	}
	return d.Round(time.Millisecond)
}
