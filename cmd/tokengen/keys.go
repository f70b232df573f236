package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// defaultMaxTokenAge is the longest token lifetime assumed by rotate and
// list: the 30-day remember token, and a day of margin.
const defaultMaxTokenAge = 31 * 24 * time.Hour

// minPropagation is the activation delay under which rotate warns: every
// server must load the new file within it.
const minPropagation = time.Minute

const keyringOption = `    -keyring FILE              The keyring file. Defaults to $SESSIONLESS_KEYRING_FILE.
`

const readableOption = `    -insecure-allow-readable   Load the file even if group or others may read it (with
                               a warning). A write makes it mode 0600 again.
`

const initUsage = `Usage: tokengen init -keyring FILE

Create a keyring file with one key, primary at once. The file is created with
mode 0600 and never overwritten: use rotate to add a key to a keyring.

Options:
` + keyringOption + `
Example:
    $ tokengen init -keyring /etc/myapp/keyring.json
    created /etc/myapp/keyring.json with key Xq3v9aBc (primary)
`

const rotateUsage = `Usage: tokengen rotate -keyring FILE [-activate-in DUR] [-max-token-age DUR]

Add a key that becomes the primary key after a propagation delay, and drop
the keys that were superseded longer ago than the longest token lifetime.

The rotation is staged: a server opens the tokens of a pending key as soon
as it has loaded the file, and seals with it only once it activates. Choose
a delay longer than every server needs to load the new file; then nobody is
logged out. Keys activate on whole seconds: the delay is rounded up.

Options:
` + keyringOption + readableOption + `    -activate-in DUR           The propagation delay (default 1h). 0 makes the key primary
                               at once: for a leak, when servers that have not loaded
                               the file yet may refuse its tokens for a moment.
    -max-token-age DUR         The longest lifetime of any token sealed under the keyring
                               (default 744h: a 30-day remember token and a day). Keys
                               superseded longer ago than this are dropped.

Examples:
    $ tokengen rotate -keyring /etc/myapp/keyring.json -activate-in 2h
    added key Xq3v9aBc: pending, activates 2026-11-23T09:00:00Z (in 2h0m0s)
    dropped key b7Rt0pQe (superseded 2026-10-01T08:00:00Z)
`

const listUsage = `Usage: tokengen list -keyring FILE [-json] [-max-token-age DUR]

Show every key's id, creation and activation times, state, and when it was
superseded, oldest first; and revoke_before when it is set. Never a secret.

A key is pending until it activates, then primary (it seals), then live
once a newer key activated (it still opens tokens), then droppable once it
was superseded longer ago than -max-token-age: the next rotate drops it.

Options:
` + keyringOption + readableOption + `    -json                      Print a JSON array of the keys' states.
    -max-token-age DUR         The longest token lifetime (default 744h), which tells live
                               keys from droppable ones.

Example:
    $ tokengen list -keyring /etc/myapp/keyring.json
    ID        STATE    CREATED               ACTIVATES             SUPERSEDED
    b7Rt0pQe  live     2026-10-01T07:00:00Z  2026-10-01T08:00:00Z  2026-11-23T08:00:00Z
    Xq3v9aBc  primary  2026-11-23T07:00:00Z  2026-11-23T08:00:00Z  -
`

const promoteUsage = `Usage: tokengen promote -keyring FILE -kid ID

Make a pending key the primary key now, without waiting for its activation
time: after a leak, when the propagation delay cannot be waited for. Servers
that have not loaded the file with the key yet refuse its tokens until they
do.

Options:
` + keyringOption + readableOption + `    -kid ID                    The pending key.

Example:
    $ tokengen promote -keyring /etc/myapp/keyring.json -kid Xq3v9aBc
`

const retireUsage = `Usage: tokengen retire -keyring FILE -kid ID

Drop a key now: every token it sealed stops opening, on each server as soon
as it loads the file. This is the response to a leaked key; old keys that
are merely superseded are dropped by rotate. retire refuses to drop the only
key, and to leave no active key (promote a pending key first).

Options:
` + keyringOption + readableOption + `    -kid ID                    The key to drop.

Example, after key b7Rt0pQe leaked:
    $ tokengen rotate -keyring /etc/myapp/keyring.json -activate-in 0
    $ tokengen retire -keyring /etc/myapp/keyring.json -kid b7Rt0pQe
`

const revokeUsage = `Usage: tokengen revoke -keyring FILE [-before TIME | -clear]

Refuse every token issued before a time, whichever key sealed it: everybody
is logged out, without a session store. Tokens sealed from that time on
open as before.

Options:
` + keyringOption + readableOption + `    -before TIME               Refuse tokens issued before TIME (RFC 3339, or now;
                               default now, rounded up to a whole second).
    -clear                     Remove revoke_before: older tokens open again until
                               they expire.

Examples:
    $ tokengen revoke -keyring /etc/myapp/keyring.json
    $ tokengen revoke -keyring /etc/myapp/keyring.json -before 2026-11-23T07:30:00Z
`

const exportKeyUsage = `Usage: tokengen export-key -keyring FILE -kid ID -purpose NAME -unsafe-print-secret

Print the A256KW key that the key ID derives for the purpose NAME, as a JSON
Web Key ({"kty":"oct","k":...,"kid":...,"alg":"A256KW"}), so that another
JOSE implementation can open and seal the same tokens. The output is as
secret as the keyring: it prints nothing without -unsafe-print-secret.

Options:
` + keyringOption + readableOption + `    -kid ID                    The key.
    -purpose NAME              The purpose, such as auth or remember.
    -unsafe-print-secret       Print the secret key.

Example:
    $ tokengen export-key -keyring keyring.json -kid Xq3v9aBc -purpose auth -unsafe-print-secret > auth.jwk
`

// load reads the keyring file named by k.
func (c *cli) load(k *keyringFlags) (*keyring.Ring, error) {
	r, err := keyring.LoadFile(k.path, keyring.LoadOptions{InsecureAllowReadable: k.allowReadable})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, withHint(fmt.Errorf("keyring file %s does not exist", k.path), "create one with: tokengen init -keyring "+k.path)
	case errors.Is(err, keyring.ErrPermissions):
		return nil, withHint(err, "make it private with: chmod 600 "+k.path+" (or pass -insecure-allow-readable)")
	case err != nil:
		return nil, err
	}
	if fi, err := os.Stat(k.path); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		c.warnf("%s has mode %04o: group or others may read its keys (chmod 600 %s)", k.path, fi.Mode().Perm(), k.path)
	}
	return r, nil
}

// loadForUpdate is load for the commands that change the file: it holds
// the file's lock (lockFile) until unlock is called, after the save.
func (c *cli) loadForUpdate(k *keyringFlags) (r *keyring.Ring, unlock func(), err error) {
	unlock, err = lockFile(k.path)
	if err != nil {
		return nil, nil, err
	}
	r, err = c.load(k)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return r, unlock, nil
}

// save replaces the keyring file with r through [keyring.Save], which
// follows a symbolic link and keeps the file's owner.
func (c *cli) save(k *keyringFlags, r *keyring.Ring) error {
	before, statErr := os.Stat(k.path)
	if err := keyring.Save(k.path, r); err != nil {
		return err
	}
	if statErr == nil {
		if perm := before.Mode().Perm(); perm&0o077 != 0 {
			c.warnf("%s was mode %04o and is now 0600: a server that reads it as group or other can no longer load it", k.path, perm)
		}
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
	if err := keyring.Create(k.path, r); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return withHint(fmt.Errorf("%s already exists: refusing to overwrite a keyring", k.path), "add a key to it with: tokengen rotate -keyring "+k.path)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "created %s with key %s (primary)\n", k.path, key.ID)
	return nil
}

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
	before := r.States(now, *maxAge)
	n, res, err := r.Rotate(now, *activateIn, *maxAge)
	if err != nil {
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}

	id := res.Added.ID
	if act := res.Added.Activates; act.After(now) {
		fmt.Fprintf(c.stdout, "added key %s: pending, activates %s (in %v)\n", id, formatTime(act), act.Sub(now).Round(time.Millisecond))
	} else {
		fmt.Fprintf(c.stdout, "added key %s: primary from %s\n", id, formatTime(act))
	}
	for _, d := range res.Dropped {
		for _, s := range before {
			if s.ID == d {
				fmt.Fprintf(c.stdout, "dropped key %s (superseded %s)\n", d, formatTime(s.Superseded))
			}
		}
	}
	if *activateIn > 0 && *activateIn < minPropagation {
		c.warnf("-activate-in %v is short: a server that has not loaded the file when key %s activates cannot open its tokens", *activateIn, id)
	}
	for _, s := range before {
		if s.State == keyring.StatePending && s.Activates.After(res.Added.Activates) {
			c.warnf("key %s activates later (%s) and will take over from key %s then", s.ID, formatTime(s.Activates), id)
		}
	}
	return nil
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
	states := r.States(now, *maxAge)
	for i := range states {
		s := &states[i]
		s.Created, s.Activates = s.Created.UTC(), s.Activates.UTC()
		if !s.Superseded.IsZero() {
			s.Superseded = s.Superseded.UTC()
		}
	}
	if *asJSON {
		b, err := json.MarshalIndent(states, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
	} else {
		tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tCREATED\tACTIVATES\tSUPERSEDED")
		for _, s := range states {
			sup := "-"
			if !s.Superseded.IsZero() {
				sup = formatTime(s.Superseded)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.State, formatTime(s.Created), formatTime(s.Activates), sup)
		}
		tw.Flush()
		if rb := r.RevokeBefore(); !rb.IsZero() {
			fmt.Fprintf(c.stdout, "revoke_before: %s\n", formatTime(rb))
		}
	}
	if _, err := r.Primary(now); err != nil {
		c.warnf("no key is active yet: nothing can be sealed until the first one activates (or promote one)")
	}
	return nil
}

func (c *cli) cmdPromote(args []string) error {
	fset, k := c.flags("promote", true)
	kid := fset.String("kid", "", "the pending key's `id`")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if err := requireKid(*kid); err != nil {
		return err
	}
	r, unlock, err := c.loadForUpdate(k)
	if err != nil {
		return err
	}
	defer unlock()
	now := c.now().Round(0)
	if _, ok := r.Key(*kid); !ok {
		return unknownKey(r, *kid)
	}
	if p, err := r.Primary(now); err == nil && p.ID == *kid {
		fmt.Fprintf(c.stdout, "key %s is already the primary key\n", *kid)
		return nil
	}
	n, err := r.Promote(*kid, now)
	if errors.Is(err, keyring.ErrNotPending) {
		var superseded time.Time
		for _, s := range r.States(now, defaultMaxTokenAge) {
			if s.ID == *kid {
				superseded = s.Superseded
			}
		}
		return fmt.Errorf("key %s is not pending: it was superseded at %s (promote makes a pending key primary; rotate adds a new one)", *kid, formatTime(superseded))
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
		fmt.Fprintf(c.stdout, "promoted key %s: primary from %s (in %v)\n", *kid, formatTime(key.Activates), key.Activates.Sub(now).Round(time.Millisecond))
	} else {
		fmt.Fprintf(c.stdout, "promoted key %s: primary from %s\n", *kid, formatTime(key.Activates))
	}
	for _, o := range n.Keys() {
		if o.Activates.After(key.Activates) {
			c.warnf("key %s activates later (%s) and will take over from key %s then", o.ID, formatTime(o.Activates), *kid)
		}
	}
	return nil
}

func (c *cli) cmdRetire(args []string) error {
	fset, k := c.flags("retire", true)
	kid := fset.String("kid", "", "the `id` of the key to drop")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if err := requireKid(*kid); err != nil {
		return err
	}
	r, unlock, err := c.loadForUpdate(k)
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := r.Key(*kid); !ok {
		return unknownKey(r, *kid)
	}
	now := c.now()
	n, err := r.Retire(*kid, now)
	if err != nil {
		for _, s := range r.States(now, defaultMaxTokenAge) {
			if s.State == keyring.StatePending && r.Len() > 1 {
				return withHint(err, fmt.Sprintf("make the pending key %s primary first: tokengen promote -kid %s", s.ID, s.ID))
			}
		}
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "retired key %s: the tokens it sealed no longer open\n", *kid)
	if p, err := n.Primary(now); err == nil {
		fmt.Fprintf(c.stdout, "primary key: %s\n", p.ID)
	}
	return nil
}

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
	old := r.RevokeBefore()
	if *clearIt {
		if old.IsZero() {
			fmt.Fprintln(c.stdout, "no revoke_before is set")
			return nil
		}
		n, err := r.WithRevokeBefore(time.Time{})
		if err != nil {
			return err
		}
		if err := c.save(k, n); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "cleared revoke_before (was %s): older tokens open again until they expire\n", formatTime(old))
		return nil
	}
	n, err := r.WithRevokeBefore(t)
	if err != nil {
		return err
	}
	if err := c.save(k, n); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "revoke_before: %s: tokens issued before it no longer open\n", formatTime(t))
	if !old.IsZero() && t.Before(old) {
		c.warnf("revoke_before moved back from %s: tokens issued between the two times open again", formatTime(old))
	}
	return nil
}

// jwk is a symmetric JSON Web Key (RFC 7517, RFC 7518 §6.4).
type jwk struct {
	Kty string `json:"kty"`
	K   string `json:"k"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
}

func (c *cli) cmdExportKey(args []string) error {
	fset, k := c.flags("export-key", true)
	kid := fset.String("kid", "", "the key's `id`")
	purpose := fset.String("purpose", "", "the purpose `NAME`")
	unsafe := fset.Bool("unsafe-print-secret", false, "print the secret key")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if err := requireKid(*kid); err != nil {
		return err
	}
	if err := requirePurpose(*purpose); err != nil {
		return err
	}
	if !*unsafe {
		return usageError{"export-key prints a secret key: add -unsafe-print-secret if that is what you want"}
	}
	r, err := c.load(k)
	if err != nil {
		return err
	}
	if _, ok := r.Key(*kid); !ok {
		return unknownKey(r, *kid)
	}
	key, err := r.UnsafeExportPurposeKey(*kid, *purpose)
	if err != nil {
		return err
	}
	b, err := json.Marshal(jwk{Kty: "oct", K: base64.RawURLEncoding.EncodeToString(key), Kid: *kid, Alg: "A256KW"})
	clear(key)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", b)
	clear(b)
	return err
}
