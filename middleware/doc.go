// Package middleware is the net/http glue of sessionless: it loads the
// visitor's [remember.State] into the request context, renews tokens, and
// guards routes.
//
// A [Sessions] wraps a [remember.Manager]. Its pieces are standard
// func(http.Handler) http.Handler middleware:
//
//   - [Sessions.Load] reads the cookies once per request, renews the auth
//     token when due, clears refused cookies, and makes the State available
//     through [Sessions.State] or [FromContext]. Every response it wraps
//     carries "Vary: Cookie"; responses that set or clear a cookie also
//     carry "Cache-Control: no-store".
//   - [Sessions.RequireUser] lets remembered and authenticated visitors
//     through (pages that greet or pre-fill).
//   - [Sessions.RequireAuthenticated] lets authenticated visitors through;
//     a remembered one is sent to re-authenticate, an anonymous one to log
//     in.
//   - [Sessions.RequireFresh] also wants the password entered recently:
//     within a fixed window, or a sliding one (sudo mode).
//
// A browser (a request whose Accept header names text/html) that may not
// pass is redirected with 303 See Other to the login or re-authentication
// URL, with a return_to query holding the original path and query. Other
// callers get a JSON body instead: 401 {"error":"login_required"} or 403
// {"error":"reauth_required"}. Whatever the request's cookies held, the
// answer is the same for every kind of refusal: it says nothing about why.
//
// [SafeReturnTo] checks a return_to value before redirecting to it.
//
// # CSRF
//
// The cookies are SameSite=Lax, which stops most cross-site requests from
// carrying them, but not all (a top-level POST from a same-site but
// cross-origin page, or browsers without SameSite). Compose with the
// standard library's [http.CrossOriginProtection], which refuses
// cross-origin unsafe requests by their Sec-Fetch-Site and Origin headers:
//
//	mux := http.NewServeMux()
//	mux.Handle("POST /login", loginHandler)
//	mux.Handle("POST /logout", logoutHandler)
//	mux.Handle("GET /account", sessions.RequireAuthenticated(accountHandler))
//	handler := http.NewCrossOriginProtection().Handler(sessions.Load(mux))
//
// See the package example.
package middleware
