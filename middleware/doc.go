// Package middleware gives net/http handlers one object for every session
// need: who the visitor is, the guards of sensitive routes, data for every
// visitor, flash messages and one-shot values, all in sealed cookies.
//
// [New] builds a [Sessions] from a keyring source and a [Config] whose zero
// value is the secure default. T is the identity payload (package
// remember's model: anonymous, remembered, authenticated, fresh); S is the
// visitor data, for anonymous visitors too (a cart, a theme); use struct{}
// for none.
//
//	sessions, err := middleware.New(keys, middleware.Config[User, Visit]{})
//	handler := http.NewCrossOriginProtection().Handler(sessions.Load(mux))
//
// In a handler:
//
//	st := sessions.State(r)                        // Level, Data, RememberMe()
//	err = sessions.Login(w, r, user, r.FormValue("remember") == "on")
//	err = sessions.Update(w, r, user)              // after a profile edit
//	err = sessions.Reauthenticate(w, r)            // after the password again
//	err = sessions.Logout(w, r)
//	v := sessions.Data(r); v.Cart = append(v.Cart, id); err = sessions.SetData(r, v)
//	err = sessions.AddFlash(r, middleware.Flash{Text: "Profile saved"}); fl := sessions.Flashes(r)
//	err = sessions.SetOnce(w, r, "oauth", state); state, ok := sessions.TakeOnce(w, r, "oauth")
//
// and the middleware, each a func(http.Handler) http.Handler:
//
//   - [Sessions.Load] reads the identity cookies once per request, renews
//     the auth token when due, clears refused cookies, and hands the
//     handler a ResponseWriter that writes the visitor data and flash
//     cookies, if they changed, just before the header. Every response it
//     wraps carries "Vary: Cookie"; responses that set or clear a cookie
//     also carry "Cache-Control: no-store". It must wrap every handler that
//     uses visitor data or flash messages (without it SetData and AddFlash
//     return [ErrNotLoaded] and Flashes returns nothing); the identity
//     calls, the guards and the one-shot values also work without it.
//   - [Sessions.RequireUser] lets remembered and authenticated visitors
//     through (pages that greet or pre-fill).
//   - [Sessions.RequireAuthenticated] lets authenticated visitors through;
//     a remembered one is sent to re-authenticate, an anonymous one to log
//     in.
//   - [Sessions.RequireFresh] also wants the password entered recently:
//     within a [remember.Fixed] or a [remember.Sliding] window (sudo mode).
//
// A browser (a request whose Accept header names text/html) that may not
// pass is redirected with 303 See Other to the login or re-authentication
// URL, with a return_to query holding the place to come back to: the
// request itself for GET and HEAD, else the same-site page it was sent
// from (its Referer), else "/". Other callers get a JSON body instead: 401
// {"error":"login_required"} or 403 {"error":"reauth_required"}. Whatever
// the request's cookies held, the answer is the same for every kind of
// refusal: it says nothing about why. [SafeReturnTo] checks a return_to
// value before redirecting to it.
//
// # Visitor data
//
// [Sessions.Data] opens the visitor cookie at most once per request, and
// only when asked: a request that never asks pays nothing for it.
// [Sessions.SetData] seals the new value at once (so a value too large
// fails there, with nothing written) and the response writes it once. A
// request that changes nothing writes no cookie, except to keep the data
// alive once more than half of Config.VisitorIdle has passed, or to
// re-seal it under the primary key; a visitor without data carries no
// cookie at all. Its limits:
//
//   - size: MaxChunks cookies of about 4 KB each (16 KB by default), sent
//     with every request: keep ids, not records. Each server also keeps
//     up to 1024 opened visitor tokens in memory to open a repeat faster
//     ([token.Config.CacheSize]): about 1 MB for tokens of 400 bytes,
//     at most about 33 MB for tokens of 16 KB;
//   - last write wins: two tabs that change it at once each write their
//     own version, and the browser keeps the one it receives last;
//   - a copy replays: like every cookie store, an older copy of the cookie
//     opens until it expires, so it can bring back an emptied cart;
//   - never identity: it may have been written before login, so nothing in
//     it authorises anything. Login keeps it (a cart survives login);
//     Logout keeps only what Config.KeepOnLogout returns.
//
// # Flash messages and one-shot values
//
// [Sessions.AddFlash] queues a message for the next page that calls
// [Sessions.Flashes], in a browser-session cookie of its own; each
// message waits at most Config.FlashLifetime, and at most 32 wait (the
// oldest go first). Flashes returns the waiting messages and deletes them
// with the response (a HEAD request keeps them), so call it before
// writing the body.
// [Sessions.SetOnce] seals a value (an OAuth state, a PKCE verifier) into
// a cookie of its own per name, for [Sessions.TakeOnce] to take back
// once within Config.OnceLifetime; a value set under one name never opens
// under another. A copy of such a cookie taken before it was deleted
// opens again until it expires: what it protects must still be checked.
//
// # Several applications
//
// Every token is sealed for a purpose of its own (auth, remember, fresh,
// visitor, flash, once), namespaced by Config.App, so that no token opens
// as another kind, nor in another application that shares the keyring.
// Two Sessions may wrap one handler chain (give them distinct cookie
// names): each reads and writes only its own cookies.
//
// # CSRF
//
// The cookies are SameSite=Lax, which stops most cross-site requests from
// carrying them, but not all (a top-level POST from a same-site but
// cross-origin page, or browsers without SameSite). Compose with the
// standard library's [http.CrossOriginProtection], which refuses
// cross-origin unsafe requests by their Sec-Fetch-Site and Origin headers,
// as above.
//
// See the package examples.
package middleware
