package main

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const initUsage = `Usage: tokengen init -keyring FILE

Create a keyring file with one key, primary at once. The file is created with
mode 0600 and never overwritten: use rotate to add a key to a keyring. With
-keyring -, the new keyring is written to stdout (for a secret store), and
the message to stderr.

Options:
    -keyring FILE              The keyring file to create. Defaults to
                               $SESSIONLESS_KEYRING_FILE. - writes it to stdout.

Examples:
    $ tokengen init -keyring /etc/myapp/keyring.json
    created /etc/myapp/keyring.json with key Xq3v9aBc (primary)
    $ tokengen init -keyring - | kubectl create secret generic myapp-keyring --from-file=keys.json=/dev/stdin
`

// keyringOption is the help of -keyring, for every command.
const keyringOption = `    -keyring FILE              The keyring file. Defaults to $SESSIONLESS_KEYRING_FILE.
                               - reads it from stdin (and writes a changed one to stdout).
`

func (c *cli) cmdInit(args []string) error {
	fset, k := c.flags("init", false)
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	now := c.now()
	key := keyring.GenerateKey(now, now)
	r, err := keyring.New([]keyring.Key{key}, time.Time{})
	if err != nil {
		return err
	}
	if k.stdio() {
		if err := c.writeStdout(r); err != nil {
			return err
		}
		c.notef(k, "created a keyring with key %s (primary) on stdout", key.ID)
		return nil
	}
	if err := keyring.Create(k.path, r); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return withHint(fmt.Errorf("%s already exists: refusing to overwrite a keyring", k.path), "add a key to it with: tokengen rotate -keyring "+k.path)
		}
		return err
	}
	c.notef(k, "created %s with key %s (primary)", k.path, key.ID)
	return nil
}
