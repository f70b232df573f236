package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const usage = `Usage:
    tokengen init       -keyring FILE
    tokengen rotate     -keyring FILE [-activate-in DUR] [-max-token-age DUR]
    tokengen list       -keyring FILE [-json] [-max-token-age DUR]
    tokengen promote    -keyring FILE -kid ID
    tokengen retire     -keyring FILE -kid ID
    tokengen revoke     -keyring FILE [-before TIME | -clear]
    tokengen seal       -keyring FILE -purpose NAME [-ttl DUR] [-auth-time TIME] [JSON | -]
    tokengen open       -keyring FILE -purpose NAME [-leeway DUR] [-at TIME] [TOKEN | -]
    tokengen export-key -keyring FILE -kid ID -purpose NAME -unsafe-print-secret
    tokengen -version

Commands:
    init        create a keyring with one active key (never overwrites a file)
    rotate      add a key that becomes primary after a propagation delay, and drop old keys
    list        show every key's id, times and state; never a secret
    promote     make a pending key the primary key now (after a leak)
    retire      drop a key now: the tokens it sealed stop opening (after a leak)
    revoke      refuse every token issued before a time: log everybody out
    seal        print a token for a purpose whose data is the JSON given
    open        check a token and print its claims, or why it does not open
    export-key  print a key derived for a purpose as a JWK, for another JOSE library

Options:
    -keyring FILE              The keyring file, for every command. Defaults to
                               $SESSIONLESS_KEYRING_FILE.
    -insecure-allow-readable   Load a keyring file that group or others may read,
                               with a warning, instead of refusing it (every
                               command but init).
    -h, -help                  Print this help, or a command's help after its name.
    -version                   Print the version and exit.

DUR is a Go duration (90s, 15m, 1h30m) or a number of days (31d). TIME is
RFC 3339 (2026-11-23T07:30:00Z) or "now". The file is written atomically with
mode 0600; a file that group or others may read is refused. The commands that
change it lock FILE.lock beside it, so two at the same moment take turns.

Examples:
    $ export SESSIONLESS_KEYRING_FILE=/etc/myapp/keyring.json
    $ tokengen init
    $ tokengen rotate -activate-in 1h      # every server loads the key within the hour
    $ tokengen list
    $ tokengen seal -purpose auth '{"uid":42}' | tokengen open -purpose auth

    After a key leaked:
    $ tokengen rotate -activate-in 0 && tokengen retire -kid LEAKED && tokengen revoke

Exit status is 0 on success, 1 on failure (a token that does not open
included, with the reason on stderr), and 2 for a usage error.

Run 'tokengen COMMAND -h' for a command's options.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program: it parses args, runs the command, reports
// errors on stderr and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newCLI(stdin, stdout, stderr).main(args)
}

// cli is one run of the program: its streams, clock and environment.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
	commands       map[string]command
	fset           *flag.FlagSet // the last command's flags, for the tests
}

// command is one subcommand.
type command struct {
	desc  string // one line, as in usage
	usage string // the command's help
	run   func(args []string) error
}

func newCLI(stdin io.Reader, stdout, stderr io.Writer) *cli {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, getenv: os.Getenv}
	c.commands = map[string]command{
		"init":       {"create a keyring with one active key (never overwrites a file)", initUsage, c.cmdInit},
		"rotate":     {"add a key that becomes primary after a propagation delay, and drop old keys", rotateUsage, c.cmdRotate},
		"list":       {"show every key's id, times and state; never a secret", listUsage, c.cmdList},
		"promote":    {"make a pending key the primary key now (after a leak)", promoteUsage, c.cmdPromote},
		"retire":     {"drop a key now: the tokens it sealed stop opening (after a leak)", retireUsage, c.cmdRetire},
		"revoke":     {"refuse every token issued before a time: log everybody out", revokeUsage, c.cmdRevoke},
		"seal":       {"print a token for a purpose whose data is the JSON given", sealUsage, c.cmdSeal},
		"open":       {"check a token and print its claims, or why it does not open", openUsage, c.cmdOpen},
		"export-key": {"print a key derived for a purpose as a JWK, for another JOSE library", exportKeyUsage, c.cmdExportKey},
	}
	return c
}

// main runs args and returns the exit status. A panic, which is a bug, is
// reported as an internal error without its value: it might hold key
// material.
func (c *cli) main(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(c.stderr, "tokengen: internal error (a bug: please report the command line, never the keyring)")
			code = 1
		}
	}()

	top := flag.NewFlagSet("tokengen", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.Usage = func() {}
	showVersion := top.Bool("version", false, "print the version")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, usage)
			return 0
		}
		return c.report("", usageError{err.Error()})
	}
	if *showVersion {
		if top.NArg() > 0 {
			return c.report("", usageError{"-version takes no command"})
		}
		fmt.Fprintln(c.stdout, version())
		return 0
	}
	if top.NArg() == 0 {
		fmt.Fprint(c.stderr, usage)
		return 2
	}
	name, rest := top.Arg(0), top.Args()[1:]
	if name == "help" {
		switch {
		case len(rest) == 0:
			fmt.Fprint(c.stdout, usage)
			return 0
		case len(rest) == 1:
			if cmd, ok := c.commands[rest[0]]; ok {
				fmt.Fprint(c.stdout, cmd.usage)
				return 0
			}
		}
		return c.report("", usageError{"help takes one command name: " + c.commandNames()})
	}
	cmd, ok := c.commands[name]
	if !ok {
		return c.report("", usageError{fmt.Sprintf("unknown command %s; the commands are %s", showArg(name), c.commandNames())})
	}
	err := cmd.run(rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(c.stdout, cmd.usage)
		return 0
	}
	return c.report(name, err)
}

// report writes err to stderr and returns the exit status for it.
func (c *cli) report(cmd string, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(c.stderr, "tokengen: error: %v\n", err)
	var h *hintError
	if errors.As(err, &h) {
		fmt.Fprintf(c.stderr, "tokengen: hint: %s\n", h.hint)
	}
	var u usageError
	if errors.As(err, &u) {
		if cmd == "" {
			fmt.Fprintln(c.stderr, "Run 'tokengen -h' for usage.")
		} else {
			fmt.Fprintf(c.stderr, "Run 'tokengen %s -h' for usage.\n", cmd)
		}
		return 2
	}
	return 1
}

func (c *cli) warnf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "tokengen: warning: "+format+"\n", args...)
}

func (c *cli) commandNames() string {
	names := make([]string, 0, len(c.commands))
	for n := range c.commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// version returns the module version the binary was built from, or
// "(devel)".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

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

// keyringFlags are the flags that name and load the keyring file.
type keyringFlags struct {
	path          string
	allowReadable bool
	getenv        func(string) string
}

// flags returns a flag set for the command name with the -keyring flag
// and, if load, -insecure-allow-readable.
func (c *cli) flags(name string, load bool) (*flag.FlagSet, *keyringFlags) {
	fs := flag.NewFlagSet("tokengen "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, help is the command's usage
	fs.Usage = func() {}
	c.fset = fs
	k := &keyringFlags{getenv: c.getenv}
	fs.StringVar(&k.path, "keyring", "", "the keyring `FILE` (default $"+keyring.EnvKeyringFile+")")
	if load {
		fs.BoolVar(&k.allowReadable, "insecure-allow-readable", false, "load a keyring file that group or others may read")
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
		extra := rest[maxArgs:]
		what := "arguments"
		if maxArgs == 0 {
			what = "no arguments"
		} else if maxArgs == 1 {
			what = "at most one argument"
		}
		msg := fmt.Sprintf("%s takes %s, not %d", strings.TrimPrefix(fs.Name(), "tokengen "), what, len(rest))
		for _, a := range extra {
			if strings.HasPrefix(a, "-") && len(a) > 1 {
				msg += " (flags go before the arguments)"
				break
			}
		}
		return nil, usageError{msg}
	}
	if k.path == "" {
		k.path = k.getenv(keyring.EnvKeyringFile)
	}
	if k.path == "" {
		return nil, usageErrorf("no keyring file: pass -keyring FILE or set $%s", keyring.EnvKeyringFile)
	}
	return rest, nil
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
