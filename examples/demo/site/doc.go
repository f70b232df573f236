// Package site is the sessionless demo site: the [http.Handler] that
// examples/demo serves and that the browser test suite (browsertest/)
// drives in a real Chromium. It is an example, not a promise: its API may
// change with the demo.
//
// The site has one account (user [Username], password [Password], display
// name [DisplayName]) whose password is checked with bcrypt, and these
// routes:
//
//	GET  /                  public; greets a remembered or authenticated visitor
//	GET  /login             the login form ("remember me", return_to)
//	POST /login             username, password, remember, return_to
//	GET  /account           needs an authenticated visitor (RequireAuthenticated)
//	GET  /account/password  needs the password entered recently (RequireFresh, fixed window)
//	GET  /reauth            the password form for a remembered or stale visitor
//	POST /reauth            password, return_to
//	POST /logout            clears every cookie
//	GET  /api/me            {"level": "anonymous"|"remembered"|"authenticated", "name": …}
//	GET  /debug/vars        expvar (key-usage figures), only with [Config.DebugVars]
//	                        and only to loopback clients that name a loopback host
//
// Every page shows a status line with the visitor's level, when the auth
// token expires and when the password was entered: the demo teaches the
// two-token model of package remember.
//
// # Security
//
// Every request passes through the standard library's
// [http.CrossOriginProtection], so a cross-site POST (to /logout, say) is
// refused with 403. Redirects after login and re-authentication go only
// through [middleware.SafeReturnTo]. The user name is compared in constant
// time and bcrypt runs for unknown user names too, so the response time
// does not tell whether an account exists; the error message does not
// either. Pages carry a strict Content-Security-Policy and
// "Cache-Control: no-store". The demo has no rate limit on password
// attempts; a real site needs one.
package site
