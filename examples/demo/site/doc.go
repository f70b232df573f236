// Package site is the sessionless demo site: the [http.Handler] that
// examples/demo serves and that the browser test suite (browsertest/)
// drives in a real Chromium. It is an example, not a promise: its API may
// change with the demo.
//
// The site has one account with a password (user [Username], password
// [Password], display name [DisplayName]) checked with bcrypt, a second
// one ([ProviderDisplayName]) that logs in through a stand-in OAuth
// provider the site serves itself, a small shop whose cart any visitor
// fills, and a light or dark theme. The routes:
//
//	GET  /                  public; greets a remembered or authenticated visitor; the shop
//	GET  /login             the login form ("remember me", return_to)
//	POST /login             username, password, remember, return_to
//	GET  /login/provider    "log in with a provider": 303 to the provider with state and PKCE challenge
//	GET  /provider/authorize          the stand-in provider: 303 back with a code
//	GET  /login/provider/callback     code, state: logs in Bob, or 400 and nobody
//	GET  /account           needs an authenticated visitor (RequireAuthenticated)
//	POST /account/profile   name, email (RequireAuthenticated): updates the payload
//	GET  /account/password  needs the password entered recently (RequireFresh, fixed window)
//	GET  /reauth            the password form for a remembered or stale visitor
//	POST /reauth            password, return_to
//	POST /logout            ends the identity; the cart goes, the theme stays
//	POST /cart              item: one more in the visitor's cart, anonymous or not
//	POST /preferences       theme: "light" or "dark"
//	GET  /api/me            the visitor as JSON (see [Me])
//	GET  /debug/vars        expvar (key-usage figures), only with [Config.DebugVars]
//	                        and only to loopback clients that name a loopback host
//
// The forms answer a browser (Accept names text/html) with 303 See Other
// (POST /cart and /preferences back to the page they were posted from),
// and an API caller with the JSON of GET /api/me, or {"error": code} and
// a 4xx for what they refuse, changing nothing. A request that changes
// nothing writes no cookie, and a visitor with neither identity nor data
// gets none.
//
// Every page shows a status line with the visitor's level, when the auth
// token expires and when the password was entered, and the flash messages
// waiting ("Profile saved"): the demo teaches the token model of package
// remember and the visitor data of package middleware.
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
