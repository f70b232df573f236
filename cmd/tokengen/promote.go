package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const promoteUsage = `Usage: tokengen promote -keyring FILE -kid ID

Make a pending key the primary key now, without waiting for its activation
time: after a leak, when the propagation delay cannot be waited for. Servers
that have not loaded the file with the key yet refuse its tokens until they
do.

Options:
` + keyringOption + writeReadableOption + `    -kid ID                    The pending key.

Example:
    $ tokengen promote -keyring /etc/myapp/keyring.json -kid Xq3v9aBc
`

func (c *cli) cmdPromote(args []string) error {
	fset, k := c.flags("promote", true)
	kid := fset.String("kid", "", "the pending key's `id`")
	r, unlock, err := c.loadKeyForUpdate(fset, k, args, kid)
	if err != nil {
		return err
	}
	defer unlock()
	now := c.now().Round(0)
	if p, err := r.Primary(now); err == nil && p.ID == *kid {
		c.notef(k, "key %s is already the primary key", *kid)
		return c.saveUnchanged(k, r)
	}
	n, err := r.Promote(*kid, now)
	if errors.Is(err, keyring.ErrNotPending) {
		return fmt.Errorf("key %s is not pending: it was superseded at %s (promote makes a pending key primary; rotate adds a new one)", *kid, formatTime(superseded(r, *kid, now)))
	}
	if err != nil {
		return err
	}
	key, _ := n.Key(*kid)
	if p, err := n.Primary(key.Activates); err != nil || p.ID != *kid {
		return fmt.Errorf("key %s would not become the primary key (the keyring was not changed)", *kid)
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	if key.Activates.After(now) {
		c.notef(k, "promoted key %s: primary from %s (in %v)", *kid, formatTime(key.Activates), humanDuration(key.Activates.Sub(now)))
	} else {
		c.notef(k, "promoted key %s: primary from %s", *kid, formatTime(key.Activates))
	}
	for _, o := range n.Keys() {
		if o.Activates.After(key.Activates) {
			c.warnf("key %s activates later (%s) and will take over from key %s then", o.ID, formatTime(o.Activates), *kid)
		}
	}
	return nil
}

// loadKeyForUpdate starts promote and retire: it parses args, whose -kid
// flag sets kid, loads the keyring for update (unlock it after the save)
// and checks that it has the key.
func (c *cli) loadKeyForUpdate(fset *flag.FlagSet, k *keyringFlags, args []string, kid *string) (r *keyring.Ring, unlock func(), err error) {
	if _, err := parse(fset, k, args, 0); err != nil {
		return nil, nil, err
	}
	if err := requireKid(*kid); err != nil {
		return nil, nil, err
	}
	r, unlock, err = c.loadForUpdate(k)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := r.Key(*kid); !ok {
		unlock()
		return nil, nil, unknownKey(r, *kid)
	}
	return r, unlock, nil
}

// superseded returns when the key id was superseded.
func superseded(r *keyring.Ring, id string, now time.Time) time.Time {
	for _, s := range r.Lifecycle(now, defaultMaxTokenAge) {
		if s.ID == id {
			return s.Superseded
		}
	}
	return time.Time{}
}

// saveUnchanged is the end of a command that changed nothing: a file is
// left alone, but a keyring read from stdin is written back to stdout,
// since the pipe after it expects the keyring.
func (c *cli) saveUnchanged(k *keyringFlags, r *keyring.Ring) error {
	if k.stdio() {
		return c.writeStdout(r)
	}
	return nil
}

// requireKid checks the -kid flag.
func requireKid(kid string) error {
	switch {
	case kid == "":
		return usageError{"-kid is required"}
	case !keyring.ValidID(kid):
		// Not echoed: it may be a secret pasted in the wrong place.
		return usageError{"-kid is not a key id: want [A-Za-z0-9_-]{1,32}"}
	}
	return nil
}

// unknownKey is the error for a key id the ring does not have.
func unknownKey(r *keyring.Ring, kid string) error {
	return withHint(fmt.Errorf("%w %q", keyring.ErrUnknownKey, kid), "the keyring has "+idList(r))
}

func idList(r *keyring.Ring) string {
	var ids []string
	for _, k := range r.Keys() {
		ids = append(ids, k.ID)
	}
	if len(ids) == 1 {
		return "key " + ids[0]
	}
	return "keys " + strings.Join(ids, ", ")
}
