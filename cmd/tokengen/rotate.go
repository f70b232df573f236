package main

import (
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// defaultMaxTokenAge is the longest token lifetime assumed by rotate and
// list: the 30-day remember token, and a day of margin.
const defaultMaxTokenAge = 31 * 24 * time.Hour

// minPropagation is the activation delay under which rotate warns: every
// server must load the new file within it.
const minPropagation = time.Minute

// readableOption is the help of -insecure-allow-readable for the commands
// that only read the keyring; writeReadableOption for those that change it.
const (
	readableOption = `    -insecure-allow-readable   Load the file even if the permission rule refuses its
                               owner or mode (with a warning).
`
	writeReadableOption = `    -insecure-allow-readable   Load the file even if the permission rule refuses its
                               owner or mode (with a warning). The write makes it
                               mode 0600 (a mode the rule accepts is kept).
`
)

const rotateUsage = `Usage: tokengen rotate -keyring FILE [-activate-in DUR] [-max-token-age DUR]

Add a key that becomes the primary key after a propagation delay, and drop
the keys that were superseded longer ago than the longest token lifetime.

The rotation is staged: a server opens the tokens of a pending key as soon
as it has loaded the file, and seals with it only once it activates. Choose
a delay longer than every server needs to load the new file; then nobody is
logged out. Keys activate on whole seconds: the delay is rounded up.

Options:
` + keyringOption + writeReadableOption + `    -activate-in DUR           The propagation delay (default 1h). 0 makes the key primary
                               at once: for a leak, when servers that have not loaded
                               the file yet may refuse its tokens for a moment.
    -max-token-age DUR         The longest lifetime of any token sealed under the keyring
                               (default 744h: a 30-day remember token and a day). Keys
                               superseded longer ago than this are dropped.

Examples:
    $ tokengen rotate -keyring /etc/myapp/keyring.json -activate-in 2h
    added key Xq3v9aBc: pending, activates 2026-11-23T09:00:00Z (in 2h0m0s)
    dropped key b7Rt0pQe (superseded 2026-10-01T08:00:00Z)
    $ tokengen rotate -keyring - -activate-in 10m <old.json >new.json
`

func (c *cli) cmdRotate(args []string) error {
	fset, k := c.flags("rotate", true)
	activateIn := durationFlag(fset, "activate-in", time.Hour, "the propagation `delay` before the new key seals")
	maxAge := durationFlag(fset, "max-token-age", defaultMaxTokenAge, "the longest token `lifetime`")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if *activateIn < 0 {
		return usageError{"-activate-in must not be negative"}
	}
	if *maxAge <= 0 {
		return usageError{"-max-token-age must be positive"}
	}
	r, unlock, err := c.loadForUpdate(k)
	if err != nil {
		return err
	}
	defer unlock()
	now := c.now().Round(0)
	before := r.Lifecycle(now, *maxAge)
	n, res, err := r.Rotate(now, *activateIn, *maxAge)
	if err != nil {
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	c.reportRotation(k, now, before, res)
	if *activateIn > 0 && *activateIn < minPropagation {
		c.warnf("-activate-in %v is short: a server that has not loaded the file when key %s activates cannot open its tokens", *activateIn, res.Added.ID)
	}
	return nil
}

// reportRotation tells what rotate did: the key added, the keys dropped
// (with the states before), and a pending key that will take over later.
func (c *cli) reportRotation(k *keyringFlags, now time.Time, before []keyring.KeyStatus, res keyring.RotateResult) {
	id := res.Added.ID
	if act := res.Added.Activates; act.After(now) {
		c.notef(k, "added key %s: pending, activates %s (in %v)", id, formatTime(act), humanDuration(act.Sub(now)))
	} else {
		c.notef(k, "added key %s: primary from %s", id, formatTime(act))
	}
	for _, d := range res.Dropped {
		for _, s := range before {
			if s.ID == d {
				c.notef(k, "dropped key %s (superseded %s)", d, formatTime(s.Superseded))
			}
		}
	}
	for _, s := range before {
		if s.Stage == keyring.StagePending && s.Activates.After(res.Added.Activates) {
			c.warnf("key %s activates later (%s) and will take over from key %s then", s.ID, formatTime(s.Activates), id)
		}
	}
}
