package main

import (
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const revokeUsage = `Usage: tokengen revoke -keyring FILE [-before TIME | -clear]

Refuse every token issued before a time, whichever key sealed it: everybody
is logged out, without a session store. Tokens sealed from that time on
open as before.

Options:
` + keyringOption + writeReadableOption + `    -before TIME               Refuse tokens issued before TIME (RFC 3339, or now;
                               default now, rounded up to a whole second).
    -clear                     Remove revoke_before: older tokens open again until
                               they expire.

Examples:
    $ tokengen revoke -keyring /etc/myapp/keyring.json
    $ tokengen revoke -keyring /etc/myapp/keyring.json -before 2026-11-23T07:30:00Z
`

func (c *cli) cmdRevoke(args []string) error {
	fset, k := c.flags("revoke", true)
	var before timeValue
	fset.Var(&before, "before", "refuse tokens issued before `TIME`")
	clearIt := fset.Bool("clear", false, "remove revoke_before")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if *clearIt && before.set {
		return usageError{"-before and -clear exclude each other"}
	}
	now := c.now().Round(0)
	t := before.at(now)
	if !before.set || before.now {
		// Tokens carry whole seconds: rounding up refuses the same tokens
		// and keeps the file's time exact.
		if t2 := t.Truncate(time.Second); t2.Before(t) {
			t = t2.Add(time.Second)
		}
	}
	if !*clearIt && t.After(now.Add(time.Minute)) {
		return usageErrorf("-before %s is in the future: the tokens sealed until then would be refused too", formatTime(t))
	}
	r, unlock, err := c.loadForUpdate(k)
	if err != nil {
		return err
	}
	defer unlock()
	if *clearIt {
		return c.clearRevocation(k, r)
	}
	old := r.RevokeBefore()
	n, err := r.WithRevokeBefore(t)
	if err != nil {
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	c.notef(k, "revoke_before: %s: tokens issued before it no longer open", formatTime(t))
	if !old.IsZero() && t.Before(old) {
		c.warnf("revoke_before moved back from %s: tokens issued between the two times open again", formatTime(old))
	}
	return nil
}

// clearRevocation is revoke -clear.
func (c *cli) clearRevocation(k *keyringFlags, r *keyring.Ring) error {
	old := r.RevokeBefore()
	if old.IsZero() {
		c.notef(k, "no revoke_before is set")
		return c.saveUnchanged(k, r)
	}
	n, err := r.WithRevokeBefore(time.Time{})
	if err != nil {
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	c.notef(k, "cleared revoke_before (was %s): older tokens open again until they expire", formatTime(old))
	return nil
}
