package site

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// The demo account.
const (
	Username    = "alice"
	Password    = "wonderland"
	DisplayName = "Alice"
	Email       = "alice@example.com"
)

// The account that logs in through the stand-in provider (provider.go):
// it has no password here.
const (
	ProviderUsername    = "bob"
	ProviderDisplayName = "Bob"
	ProviderEmail       = "bob@example.com"
)

// providerUser is the payload of the provider's account.
var providerUser = User{Username: ProviderUsername, Name: ProviderDisplayName, Email: ProviderEmail}

// passwordHash is bcrypt(Password) at bcrypt.DefaultCost (10): what a real
// site keeps in its user table instead of the password.
const passwordHash = "$2a$10$rePEUIWF9mSEFDReMCbt7e1wzwwAoY3N/jBWQj/aVZPeXraxFF8iS"

// accounts is the demo's user table: one row.
type accounts struct {
	username [sha256.Size]byte // SHA-256 of the name, so the comparison's time is independent of the lengths
	user     User
	hash     []byte
}

func newAccounts(hash []byte) (*accounts, error) {
	if hash == nil {
		hash = []byte(passwordHash)
	}
	if _, err := bcrypt.Cost(hash); err != nil {
		return nil, fmt.Errorf("site: the password hash is not a bcrypt hash: %w", err)
	}
	return &accounts{
		username: sha256.Sum256([]byte(Username)),
		user:     User{Username: Username, Name: DisplayName, Email: Email},
		hash:     hash,
	}, nil
}

// check returns the user whose name and password these are. It takes the
// same time whether the user exists or not: the name is compared in
// constant time, and bcrypt runs in every case (against the one hash the
// demo has; a site with a table would use a dummy hash of the same cost
// for an unknown name).
func (a *accounts) check(username, password string) (User, bool) {
	sum := sha256.Sum256([]byte(username))
	nameOK := subtle.ConstantTimeCompare(sum[:], a.username[:])
	passOK := 0
	if bcrypt.CompareHashAndPassword(a.hash, []byte(password)) == nil {
		passOK = 1
	}
	if nameOK&passOK != 1 {
		return User{}, false
	}
	return a.user, true
}
