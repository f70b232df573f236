// Package remember keeps who the visitor is in sealed cookies: a
// long-lived "remember me" token that recognises a returning visitor, a
// short "authenticated" token, in a browser-session cookie, that sensitive
// routes demand, and, for sudo mode, a sliding "fresh" token bound to the
// auth token. Package middleware puts it, with data for every visitor, in
// one object for net/http handlers.
//
// A [Manager] seals the application's payload T (a user id, a name, an
// e-mail, a few flags) into the auth and remember tokens and reads them
// back from each request as a [State]:
//
//	| level         | the request carries                       | may                                  |
//	|---------------|-------------------------------------------|--------------------------------------|
//	| Anonymous     | nothing valid                             | public pages                         |
//	| Remembered    | a valid remember token only               | pages that greet or pre-fill forms   |
//	| Authenticated | a valid auth token                        | sensitive routes                     |
//	| fresh         | an auth token whose auth_time is recent   | the most sensitive routes (sudo)     |
//
// No session store is needed: any number of servers that share a keyring
// serve any visitor.
//
// # Lifetimes
//
// [Manager.Login] writes the auth cookie (no Max-Age: a browser-session
// cookie, which the browser drops when it closes — unless it restores its
// session, as Chromium's "continue where you left off" does, so the token's
// own expiry is what really ends the session) whose token expires after
// [Config.AuthIdle] of inactivity
// and is renewed, in the same response, once more than half of that window
// is used; renewal never goes past auth_time + [Config.AuthLifetime], so
// a session that stays active still ends (NIST SP 800-63B rev. 3, AAL2). With
// "remember me" it also writes the remember cookie, which lives
// [Config.RememberLifetime]. A remember token only recognises: an auth token
// is never minted from it (NIST SP 800-63B-4 §5.1). [Manager.Reauthenticate]
// issues a new auth token, with a new auth_time, after the application has
// checked the password again. [Manager.Update] replaces the payload in
// every token the visitor holds after a profile edit, keeping every time.
//
// # Freshness
//
// [Manager.Fresh] tells whether the auth token's password entry lies within
// a [Window]: [Fixed] from the entry (Laravel's password.confirm) or
// [Sliding], reset by each sensitive request (GitHub's sudo mode), which
// keeps a third, browser-session cookie whose token holds nothing but the
// time the window ends and the id of the auth token it belongs to.
//
// # Applications sharing a keyring
//
// [Config.App] namespaces every purpose ([AppPurpose]): "shop.auth" instead
// of "auth". Unset, the purposes are the plain ones every token sealed
// before it used.
//
// # What stateless sessions cannot do
//
// A token is valid until it expires: logging out deletes the cookies, but a
// copy of them taken earlier still opens. [Config.Validate] is the answer:
// compare a per-user session version the application already stores (bumped
// on logout-everywhere and password change) with the one sealed in T, and
// every older token stops opening. The keyring's revoke_before logs everybody
// out at once.
//
// # Bad cookies
//
// A cookie that does not open (tampered, truncated, expired, another key,
// another purpose, duplicated) is treated as absent and cleared in the
// response, and reported to [Config.OnReject] with a [token.Reason], never with
// the token. Nothing a request carries makes this package panic or return
// an error to serve as a 500. A panic in the application's own hooks
// (Validate, OnReject) propagates: see [Config.Validate].
package remember
