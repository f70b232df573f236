// Package browsertest drives a real Chromium (Debian's chromium package)
// headless through the Chrome DevTools Protocol against the demo site
// (examples/demo/site), to prove that the cookies of sessionless behave in
// a browser as the library claims: session cookies go when the browser
// closes and persistent ones stay, the attributes are stored as written,
// a cross-site form POST is refused, and the visitor data, flash messages
// and one-shot values (the demo's cart, theme, "Profile saved" and
// provider login) work in a real browser.
//
// It is its own module, so that chromedp never enters the library's
// go.mod. The package has no code of its own; the tests are the suite:
//
//	cd browsertest && go test ./...
//
// See README.md for what it needs and why the browser flags are what they
// are.
package browsertest
