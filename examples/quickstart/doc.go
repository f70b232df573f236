// Command quickstart is the README's quick start: a complete net/http site
// with "remember me", a page that needs the password, and logout, in under
// 40 lines. Run it with a keyring made by tokengen:
//
//	go run ./cmd/tokengen init -keyring keys.json
//	SESSIONLESS_KEYRING_FILE=keys.json go run ./examples/quickstart
package main
