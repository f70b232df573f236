package main

import (
	"fmt"

	"github.com/sessionless/sessionless/keyring"
)

const retireUsage = `Usage: tokengen retire -keyring FILE -kid ID

Drop a key now: every token it sealed stops opening, on each server as soon
as it loads the file. This is the response to a leaked key; old keys that
are merely superseded are dropped by rotate. retire refuses to drop the only
key, and to leave no active key (promote a pending key first).

Options:
` + keyringOption + writeReadableOption + `    -kid ID                    The key to drop.

Example, after key b7Rt0pQe leaked:
    $ tokengen rotate -keyring /etc/myapp/keyring.json -activate-in 0
    $ tokengen retire -keyring /etc/myapp/keyring.json -kid b7Rt0pQe
`

func (c *cli) cmdRetire(args []string) error {
	fset, k := c.flags("retire", true)
	kid := fset.String("kid", "", "the `id` of the key to drop")
	r, unlock, err := c.loadKeyForUpdate(fset, k, args, kid)
	if err != nil {
		return err
	}
	defer unlock()
	now := c.now()
	n, err := r.Retire(*kid, now)
	if err != nil {
		for _, s := range r.Lifecycle(now, defaultMaxTokenAge) {
			if s.Stage == keyring.StagePending && r.Len() > 1 {
				return withHint(err, fmt.Sprintf("make the pending key %s primary first: tokengen promote -kid %s", s.ID, s.ID))
			}
		}
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	c.notef(k, "retired key %s: the tokens it sealed no longer open", *kid)
	if p, err := n.Primary(now); err == nil {
		c.notef(k, "primary key: %s", p.ID)
	}
	return nil
}
