package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// commands is the command table, in the order of the usage text, which is
// generated from it.
var commands = []command{
	{"init", "create a keyring with one active key (never overwrites a file)", initUsage, (*cli).cmdInit},
	{"rotate", "add a key that becomes primary after a propagation delay, and drop old keys", rotateUsage, (*cli).cmdRotate},
	{"list", "show every key's id, times and state; never a secret", listUsage, (*cli).cmdList},
	{"promote", "make a pending key the primary key now (after a leak)", promoteUsage, (*cli).cmdPromote},
	{"retire", "drop a key now: the tokens it sealed stop opening (after a leak)", retireUsage, (*cli).cmdRetire},
	{"revoke", "refuse every token issued before a time: log everybody out", revokeUsage, (*cli).cmdRevoke},
	{"seal", "print a token for a purpose whose data is the JSON given", sealUsage, (*cli).cmdSeal},
	{"open", "check a token and print its claims, or why it does not open", openUsage, (*cli).cmdOpen},
	{"export-key", "print a key derived for a purpose as a JWK, for another JOSE library", exportKeyUsage, (*cli).cmdExportKey},
}

// command is one subcommand.
type command struct {
	name  string
	desc  string // one line, for the list of commands
	usage string // the command's help; its first line is its synopsis
	run   func(c *cli, args []string) error
}

// synopsis returns the command line of the command's help, without
// "Usage: ".
func (cmd command) synopsis() string {
	line, _, _ := strings.Cut(cmd.usage, "\n")
	return strings.TrimPrefix(line, "Usage: ")
}

// usage is the top-level help.
var usage = topUsage(commands)

// topUsage returns the top-level help, with the synopsis and description
// of each command in cmds.
func topUsage(cmds []command) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, cmd := range cmds {
		name, args, _ := strings.Cut(strings.TrimPrefix(cmd.synopsis(), "tokengen "), " ")
		fmt.Fprintf(&b, "    tokengen %-10s %s\n", name, args)
	}
	b.WriteString("    tokengen -version\n\nCommands:\n")
	for _, cmd := range cmds {
		fmt.Fprintf(&b, "    %-11s %s\n", cmd.name, cmd.desc)
	}
	b.WriteString(usageOptions)
	return b.String()
}

const usageOptions = `
Options:
    -keyring FILE              The keyring file, for every command. Defaults to
                               $SESSIONLESS_KEYRING_FILE. "-" reads the keyring
                               from stdin; a command that changes it then writes
                               the new keyring to stdout (and its messages to
                               stderr) instead of a file.
    -insecure-allow-readable   Load a keyring file that the permission rule refuses,
                               with a warning (every command but init).
    -h, -help                  Print this help, or a command's help after its name.
    -version                   Print the version and exit.

DUR is a Go duration (90s, 15m, 1h30m) or a number of days (31d). TIME is
RFC 3339 (2026-11-23T07:30:00Z) or "now". The permission rule: a keyring
file is owned by the user running tokengen with no access for group or
others (0600, 0400), or owned by root and at most readable by its group
(0640, 0440); never readable by others. A write is atomic, keeps the owner
and a mode the rule accepts, and makes any other mode 0600. The commands
that change it lock FILE.lock beside it, so two at the same moment take
turns.

Examples:
    $ export SESSIONLESS_KEYRING_FILE=/etc/myapp/keyring.json
    $ tokengen init
    $ tokengen rotate -activate-in 1h      # every server loads the key within the hour
    $ tokengen list
    $ tokengen seal -purpose auth '{"uid":42}' | tokengen open -purpose auth

    After a key leaked:
    $ tokengen rotate -activate-in 0 && tokengen retire -kid LEAKED && tokengen revoke

    A keyring in a Kubernetes Secret (see docs/kubernetes.md):
    $ kubectl get secret myapp-keyring -o jsonpath='{.data.keys\.json}' | base64 -d |
          tokengen list -keyring -

Install it with: go install github.com/sessionless/sessionless/cmd/tokengen@latest
(under "go run", every failure exits with status 1).

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
	// now is the clock. Tests set it (the seam for a fixed or moving
	// time); the program uses time.Now.
	now      func() time.Time
	getenv   func(string) string
	commands []command
	fset     *flag.FlagSet // the last command's flags, for the tests
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
	return &cli{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, getenv: os.Getenv, commands: commands}
}

// lookup returns the command called name.
func (c *cli) lookup(name string) (command, bool) {
	for _, cmd := range c.commands {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
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
		return c.help(rest)
	}
	cmd, ok := c.lookup(name)
	if !ok {
		return c.report("", usageError{fmt.Sprintf("unknown command %s; the commands are %s", showArg(name), c.commandNames())})
	}
	err := cmd.run(c, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(c.stdout, cmd.usage)
		return 0
	}
	return c.report(name, err)
}

// help is "tokengen help [COMMAND]".
func (c *cli) help(args []string) int {
	switch len(args) {
	case 0:
		fmt.Fprint(c.stdout, usage)
		return 0
	case 1:
		if cmd, ok := c.lookup(args[0]); ok {
			fmt.Fprint(c.stdout, cmd.usage)
			return 0
		}
	}
	return c.report("", usageError{"help takes one command name: " + c.commandNames()})
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

// notef writes a message for the operator: to stdout, unless stdout
// carries the keyring (-keyring -), where it goes to stderr.
func (c *cli) notef(k *keyringFlags, format string, args ...any) {
	w := c.stdout
	if k.stdio() {
		w = c.stderr
	}
	fmt.Fprintf(w, format+"\n", args...)
}

func (c *cli) warnf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "tokengen: warning: "+format+"\n", args...)
}

// commandNames returns the command names, sorted, for an error message.
func (c *cli) commandNames() string {
	names := make([]string, 0, len(c.commands))
	for _, cmd := range c.commands {
		names = append(names, cmd.name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
