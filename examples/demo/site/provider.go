package site

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

// "Log in with a provider": the OAuth 2.0 authorization-code flow with
// PKCE (RFC 7636), against a stand-in provider that the site serves
// itself, so that the demo needs no network and no account elsewhere.
//
//  1. GET /login/provider keeps a random state and PKCE verifier in a
//     one-shot cookie (Sessions.SetOnce) and sends the browser to the
//     provider with the state and the verifier's S256 challenge.
//  2. The provider (GET /provider/authorize) approves at once, as if Bob
//     had logged in there, and sends the browser back to the callback
//     with a code bound to the challenge and the state.
//  3. GET /login/provider/callback takes the one-shot value back (which
//     deletes it), compares the state in constant time, and exchanges the
//     code with the verifier. Any failure is a 400 and logs nobody in.
//
// The one-shot cookie cannot stop a copy of itself from being replayed
// before it expires; the provider accepting each code once can, as real
// providers do.
const (
	authorizePath = "/provider/authorize"
	callbackPath  = "/login/provider/callback"
	// onceName names the one-shot value of a login in progress.
	onceName = "provider"
	// clientID is the demo's name at its provider.
	clientID = "sessionless-demo"
	// codeLifetime bounds how long a code waits to be exchanged (RFC 6749
	// §4.1.2 recommends at most 10 minutes).
	codeLifetime = time.Minute
	// maxCodes bounds the provider's memory: codes not yet exchanged.
	maxCodes = 1024
)

// loginWithProvider is GET /login/provider: step 1.
func (st *site) loginWithProvider(w http.ResponseWriter, r *http.Request) {
	state, verifier := randomString(), randomString()
	returnTo := middleware.SafeReturnTo(r.URL.Query().Get("return_to"))
	if err := st.s.SetOnce(w, r, onceName, state+" "+verifier+" "+returnTo); err != nil {
		st.fail(w, r, "starting a provider login", err)
		return
	}
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {callbackPath},
		"state":                 {state},
		"code_challenge":        {challengeOf(verifier)},
		"code_challenge_method": {"S256"},
	}
	http.Redirect(w, r, authorizePath+"?"+q.Encode(), http.StatusSeeOther)
}

// providerCallback is GET /login/provider/callback: step 3.
func (st *site) providerCallback(w http.ResponseWriter, r *http.Request) {
	kept, ok := st.s.TakeOnce(w, r, onceName)
	if !ok {
		refuse(w, r, http.StatusBadRequest, "no_login_in_progress")
		return
	}
	state, rest, _ := strings.Cut(kept, " ")
	verifier, returnTo, _ := strings.Cut(rest, " ")
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		refuse(w, r, http.StatusBadRequest, "bad_state")
		return
	}
	user, ok := st.provider.exchange(q.Get("code"), verifier)
	if !ok {
		refuse(w, r, http.StatusBadRequest, "bad_code")
		return
	}
	if err := st.s.Login(w, r, user, remember.SessionOnly); err != nil {
		st.fail(w, r, "provider login", err)
		return
	}
	if err := st.s.AddFlash(r, middleware.Flash{Kind: "info", Text: "Logged in as " + user.Name + " through the provider"}); err != nil {
		st.log.WarnContext(r.Context(), "site: flash not kept", "err", err)
	}
	http.Redirect(w, r, middleware.SafeReturnTo(returnTo), http.StatusSeeOther)
}

// provider is the stand-in OAuth provider: it knows one user, approves
// every request, and keeps the codes it issued in memory until they are
// exchanged or expire.
type provider struct {
	now   func() time.Time
	mu    sync.Mutex
	codes map[string]grant
}

// grant is what a code stands for.
type grant struct {
	challenge string // the S256 code challenge it was issued for
	user      User
	expires   time.Time
}

func newProvider(now func() time.Time) *provider {
	return &provider{now: now, codes: make(map[string]grant)}
}

// authorize is GET /provider/authorize: step 2.
func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state, challenge := q.Get("state"), q.Get("code_challenge")
	if q.Get("response_type") != "code" || q.Get("client_id") != clientID || q.Get("redirect_uri") != callbackPath ||
		q.Get("code_challenge_method") != "S256" || len(challenge) != 43 || state == "" || len(state) > 128 {
		refuse(w, r, http.StatusBadRequest, "invalid_request")
		return
	}
	code, ok := p.issue(challenge)
	if !ok {
		refuse(w, r, http.StatusServiceUnavailable, "temporarily_unavailable")
		return
	}
	back := url.Values{"code": {code}, "state": {state}}
	http.Redirect(w, r, callbackPath+"?"+back.Encode(), http.StatusSeeOther)
}

// issue returns a new code for Bob bound to challenge, or false when too
// many codes wait to be exchanged.
func (p *provider) issue(challenge string) (string, bool) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.codes) >= maxCodes {
		for c, g := range p.codes {
			if !now.Before(g.expires) {
				delete(p.codes, c)
			}
		}
		if len(p.codes) >= maxCodes {
			return "", false
		}
	}
	code := randomString()
	p.codes[code] = grant{challenge: challenge, user: providerUser, expires: now.Add(codeLifetime)}
	return code, true
}

// exchange returns the user of code if verifier is the one its challenge
// was made from and the code has not expired. A code is exchanged at most
// once, whatever the outcome.
func (p *provider) exchange(code, verifier string) (User, bool) {
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code)
	p.mu.Unlock()
	if !ok || !p.now().Before(g.expires) {
		return User{}, false
	}
	if subtle.ConstantTimeCompare([]byte(challengeOf(verifier)), []byte(g.challenge)) != 1 {
		return User{}, false
	}
	return g.user, true
}

// challengeOf is the S256 code challenge of a PKCE verifier:
// BASE64URL(SHA256(verifier)), 43 characters.
func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// randomString returns 32 random bytes in base64url: 43 characters, a
// valid PKCE verifier (RFC 7636 §4.1), state or code.
func randomString() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
