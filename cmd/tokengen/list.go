package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const listUsage = `Usage: tokengen list -keyring FILE [-json] [-max-token-age DUR]

Show every key's id, creation and activation times, state, and when it was
superseded, oldest first; and revoke_before when it is set. Never a secret.

A key is pending until it activates, then primary (it seals), then live
once a newer key activated (it still opens tokens), then droppable once it
was superseded longer ago than -max-token-age: the next rotate drops it.

Options:
` + keyringOption + readableOption + `    -json                      Print a JSON object: "keys", an array of the keys' states,
                               and "revoke_before" when it is set.
    -max-token-age DUR         The longest token lifetime (default 744h), which tells live
                               keys from droppable ones.

Example:
    $ tokengen list -keyring /etc/myapp/keyring.json
    ID        STATE    CREATED               ACTIVATES             SUPERSEDED
    b7Rt0pQe  live     2026-10-01T07:00:00Z  2026-10-01T08:00:00Z  2026-11-23T08:00:00Z
    Xq3v9aBc  primary  2026-11-23T07:00:00Z  2026-11-23T08:00:00Z  -
`

// listJSON is what list -json prints.
type listJSON struct {
	Keys         []keyring.KeyStatus `json:"keys"`
	RevokeBefore *time.Time          `json:"revoke_before,omitempty"`
}

func (c *cli) cmdList(args []string) error {
	fset, k := c.flags("list", true)
	asJSON := fset.Bool("json", false, "print JSON")
	maxAge := durationFlag(fset, "max-token-age", defaultMaxTokenAge, "the longest token `lifetime`")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if *maxAge <= 0 {
		return usageError{"-max-token-age must be positive"}
	}
	r, err := c.load(k)
	if err != nil {
		return err
	}
	now := c.now()
	states := r.Lifecycle(now, *maxAge)
	for i := range states {
		s := &states[i]
		s.Created, s.Activates = s.Created.UTC(), s.Activates.UTC()
		if !s.Superseded.IsZero() {
			s.Superseded = s.Superseded.UTC()
		}
	}
	if *asJSON {
		out := listJSON{Keys: states}
		if rb := r.RevokeBefore(); !rb.IsZero() {
			rb = rb.UTC()
			out.RevokeBefore = &rb
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
	} else {
		c.listTable(states, r.RevokeBefore())
	}
	if _, err := r.Primary(now); err != nil {
		c.warnf("no key is active yet: nothing can be sealed until the first one activates (or promote one)")
	}
	return nil
}

// listTable prints the states as a table, and revokeBefore if it is set.
func (c *cli) listTable(states []keyring.KeyStatus, revokeBefore time.Time) {
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tCREATED\tACTIVATES\tSUPERSEDED")
	for _, s := range states {
		sup := "-"
		if !s.Superseded.IsZero() {
			sup = formatTime(s.Superseded)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Stage, formatTime(s.Created), formatTime(s.Activates), sup)
	}
	tw.Flush()
	if !revokeBefore.IsZero() {
		fmt.Fprintf(c.stdout, "revoke_before: %s\n", formatTime(revokeBefore))
	}
}
