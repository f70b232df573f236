// Command quickstart is the README's quick start: a complete net/http site
// a browser can use, with a login form, "remember me", a page that needs
// the password, and logout. Run it with a keyring made by tokengen:
//
//	go run ./cmd/tokengen init -keyring keys.json
//	SESSIONLESS_KEYRING_FILE=keys.json go run ./examples/quickstart
package main
