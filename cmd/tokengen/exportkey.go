package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

const exportKeyUsage = `Usage: tokengen export-key -keyring FILE [-kid ID] -purpose NAME -unsafe-print-secret

Print the A256KW key that a key derives for the purpose NAME, as a JSON Web
Key ({"kty":"oct","k":...,"kid":...,"alg":"A256KW"}), so that another JOSE
implementation can open and seal the same tokens. The key is the primary
key unless -kid names another. The output is as secret as the keyring: it
prints nothing without -unsafe-print-secret.

Options:
` + keyringOption + readableOption + `    -kid ID                    The key (default: the primary key).
    -purpose NAME              The purpose, such as auth or remember.
    -unsafe-print-secret       Print the secret key.

Example:
    $ tokengen export-key -keyring keyring.json -purpose auth -unsafe-print-secret > auth.jwk
`

// jwk is a symmetric JSON Web Key (RFC 7517, RFC 7518 §6.4).
type jwk struct {
	Kty string `json:"kty"`
	K   string `json:"k"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
}

func (c *cli) cmdExportKey(args []string) error {
	fset, k := c.flags("export-key", true)
	kid := fset.String("kid", "", "the key's `id` (default: the primary key)")
	purpose := fset.String("purpose", "", "the purpose `NAME`")
	unsafe := fset.Bool("unsafe-print-secret", false, "print the secret key")
	if _, err := parse(fset, k, args, 0); err != nil {
		return err
	}
	if *kid != "" {
		if err := requireKid(*kid); err != nil {
			return err
		}
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
	id, err := exportedKey(r, *kid, c.now())
	if err != nil {
		return err
	}
	key, err := r.UnsafeExportPurposeKey(id, *purpose)
	if err != nil {
		return err
	}
	b, err := json.Marshal(jwk{Kty: "oct", K: base64.RawURLEncoding.EncodeToString(key), Kid: id, Alg: "A256KW"})
	clear(key)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", b)
	clear(b)
	return err
}

// exportedKey returns the id of the key export-key exports: kid, or the
// primary key at now if kid is empty.
func exportedKey(r *keyring.Ring, kid string, now time.Time) (string, error) {
	if kid == "" {
		p, err := r.Primary(now)
		if errors.Is(err, keyring.ErrNoPrimary) {
			return "", withHint(errors.New("no key is active yet, so there is no primary key to export"), "name a pending key with -kid ("+idList(r)+")")
		}
		return p.ID, err
	}
	if _, ok := r.Key(kid); !ok {
		return "", unknownKey(r, kid)
	}
	return kid, nil
}
