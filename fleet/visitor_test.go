//go:build linux

package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sessionless/sessionless/examples/demo/site"
	"github.com/sessionless/sessionless/remember"
)

// The visitor's levels, as GET /api/me names them.
const (
	anonymous     = "anonymous"
	remembered    = "remembered"
	authenticated = "authenticated"
)

var levelRank = map[string]int{anonymous: 0, remembered: 1, authenticated: 2}

// The demo's account and the pages it guards, from the demo and the
// library themselves so that they cannot drift apart.
const (
	username     = site.Username
	password     = site.Password
	displayName  = site.DisplayName
	freshWindow  = site.DefaultFreshWindow // for /account/password
	clockLeeway  = remember.DefaultLeeway
	htmlAccept   = "text/html,application/xhtml+xml,*/*;q=0.8"
	sessionNames = remember.DefaultAuthCookie + " " + remember.DefaultRememberCookie + " " + remember.DefaultFreshCookie
	authCookie   = remember.DefaultAuthCookie
	authPurpose  = remember.PurposeAuth
)

// jar is a browser's cookie store that also remembers each cookie's last
// Set-Cookie, so that a restarted browser keeps exactly the persistent
// ones (with Max-Age or Expires) and drops the session cookies.
type jar struct {
	mu    sync.Mutex
	inner *cookiejar.Jar
	set   map[string]http.Cookie
}

func newJar() *jar {
	j, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // only with options
	}
	return &jar{inner: j, set: map[string]http.Cookie{}}
}

func (j *jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	for _, c := range cookies {
		j.set[c.Name] = *c
	}
	j.mu.Unlock()
	j.inner.SetCookies(u, cookies)
}

func (j *jar) Cookies(u *url.URL) []*http.Cookie { return j.inner.Cookies(u) }

// restart returns the jar of the browser closed and opened again.
func (j *jar) restart(u *url.URL) *jar {
	n := newJar()
	now := map[string]string{}
	for _, c := range j.inner.Cookies(u) {
		now[c.Name] = c.Value
	}
	j.mu.Lock()
	var keep []*http.Cookie
	for name, c := range j.set {
		persistent := c.MaxAge > 0 || c.MaxAge == 0 && !c.Expires.IsZero()
		if v, ok := now[name]; ok && persistent {
			c.Value = v
			keep = append(keep, &c)
		}
	}
	j.mu.Unlock()
	n.SetCookies(u, keep)
	return n
}

// visitor is one simulated browser and the model of what it should be.
type visitor struct {
	id       int
	base     *url.URL // HAProxy
	remember bool     // logs in with "remember me"
	rng      *rand.Rand
	tr       http.RoundTripper
	jar      *jar
	client   *http.Client
	st       *stats
	t0       time.Time // the start of the load, for event times

	expect      string    // the level the model says the visitor is at
	authAt      time.Time // when it last entered the password (before the POST)
	restartAt   time.Time // when it next restarts its browser
	lastBackend string
}

func newVisitor(id int, base *url.URL, tr http.RoundTripper, st *stats, t0 time.Time) *visitor {
	v := &visitor{
		id: id, base: base, remember: id%2 == 0, tr: tr, st: st, t0: t0,
		rng:    rand.New(rand.NewPCG(uint64(id), uint64(t0.UnixNano()))),
		expect: anonymous,
	}
	v.setJar(newJar())
	return v
}

func (v *visitor) setJar(j *jar) {
	v.jar = j
	v.client = &http.Client{
		Transport: v.tr,
		Jar:       j,
		Timeout:   60 * time.Second, // generous: a loaded CI machine is slow, not broken
		// Each step is checked, so redirects are followed by hand.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// answer is a response read whole.
type answer struct {
	code int
	loc  string
	body []byte
}

func (v *visitor) since() float64 { return time.Since(v.t0).Seconds() }

func (v *visitor) unexpected(kind, format string, args ...any) {
	v.st.unexpected(kind, v.since(), v.id, fmt.Sprintf("expected %s: ", v.expect)+fmt.Sprintf(format, args...))
}

// do sends one request as a browser would (a form is posted same-origin)
// and records its route, status and latency. It reports false, counted,
// if no answer came or the answer is a 5xx.
//
// A request whose connection was cut (a server killed while it answered:
// HAProxy cannot retry an answer it has begun to pass on) is sent once
// more, as a visitor reloads a page that broke off; each cut is recorded
// with its time, for the test to check that it happened while a server
// was being killed.
func (v *visitor) do(method, target string, form url.Values, api bool) (answer, bool) {
	route, _, _ := strings.Cut(target, "?")
	route = method + " " + route
	start := time.Now()
	res, data, err := v.send(method, target, form, api)
	if err != nil {
		v.st.cut(v.since(), v.id, fmt.Sprintf("%s: %v", route, err))
		start = time.Now()
		res, data, err = v.send(method, target, form, api)
	}
	if err != nil {
		v.st.add("client_errors", 1)
		v.unexpected("client_error", "%s: %v", route, err)
		return answer{}, false
	}
	v.st.record(route, res.StatusCode, time.Since(start))
	if b := res.Header.Get(hdrServer); b != "" {
		switch v.lastBackend {
		case "":
		case b:
			v.st.add("consecutive_same_server", 1)
		default:
			v.st.add("consecutive_other_server", 1)
		}
		v.lastBackend = b
	}
	a := answer{code: res.StatusCode, loc: res.Header.Get("Location"), body: data}
	if a.code >= 500 {
		v.unexpected("server_error", "%s: status %d from %s", route, a.code, res.Header.Get(hdrServer))
		return a, false
	}
	return a, true
}

// send sends the request and reads the answer whole.
func (v *visitor) send(method, target string, form url.Values, api bool) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, v.base.String()+target, body)
	if err != nil {
		panic(err) // the targets are ours
	}
	if api {
		req.Header.Set("Accept", "application/json")
	} else {
		req.Header.Set("Accept", htmlAccept)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", v.base.String())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	res, err := v.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the body: %w", err)
	}
	return res, data, nil
}

// me asks GET /api/me for the visitor's level.
func (v *visitor) me() (string, bool) {
	a, ok := v.do("GET", "/api/me", nil, true)
	if !ok {
		return "", false
	}
	var m struct {
		Level string  `json:"level"`
		Name  *string `json:"name"`
	}
	if a.code != http.StatusOK || json.Unmarshal(a.body, &m) != nil || levelRank[m.Level] == 0 && m.Level != anonymous {
		v.unexpected("status", "GET /api/me: status %d, %q", a.code, a.body)
		return "", false
	}
	if (m.Level == anonymous) != (m.Name == nil) || m.Name != nil && *m.Name != displayName {
		v.unexpected("status", "GET /api/me: level %s with name %v", m.Level, m.Name)
	}
	return m.Level, true
}

// check asks the level and compares it with the model: a lower level
// than expected is an unexpected logout (anonymous) or re-authentication
// prompt (remembered). Either way the model follows what it saw, so that
// one fault is counted once.
func (v *visitor) check() bool {
	got, ok := v.me()
	if !ok {
		return false
	}
	if got == v.expect {
		v.st.add("level_checks", 1)
		return true
	}
	switch {
	case levelRank[got] > levelRank[v.expect]:
		v.unexpected("level_up", "GET /api/me says %s", got)
	case got == anonymous:
		v.unexpected("logout", "GET /api/me says %s", got)
	default:
		v.unexpected("reauth_prompt", "GET /api/me says %s", got)
	}
	v.expect = got
	return false
}

// resync sets the model to what the server says, after something
// unexpected (already counted).
func (v *visitor) resync() {
	if got, ok := v.me(); ok {
		v.expect = got
	}
}

// redirected reports whether a is a 303 to a path that starts with prefix.
func redirected(a answer, prefix string) bool {
	return a.code == http.StatusSeeOther && strings.HasPrefix(a.loc, prefix)
}

// guarded handles the answer to a page that needs authentication for a
// visitor the model says is authenticated, and reports whether it was
// served.
func (v *visitor) guarded(path string, a answer) bool {
	switch {
	case a.code == http.StatusOK:
		return true
	case redirected(a, "/reauth"):
		v.unexpected("reauth_prompt", "GET %s: sent to %s", path, a.loc)
	case redirected(a, "/login"):
		v.unexpected("logout", "GET %s: sent to %s", path, a.loc)
	default:
		v.unexpected("status", "GET %s: status %d", path, a.code)
	}
	v.resync()
	return false
}

// page gets a public page, which is always served.
func (v *visitor) page(path string) bool {
	a, ok := v.do("GET", path, nil, false)
	if ok && a.code != http.StatusOK {
		v.unexpected("status", "GET %s: status %d", path, a.code)
		return false
	}
	return ok
}

// scheduleRestart picks when the browser next restarts: every 3 to 9 s of
// browsing, so that each visitor re-enters its password (bcrypt) a few
// times a run and not at every other click.
func (v *visitor) scheduleRestart() {
	v.restartAt = time.Now().Add(3*time.Second + time.Duration(v.rng.Int64N(int64(6*time.Second))))
}

// login is the anonymous visitor who wants its account: sent to log in
// (the model demands it), it logs in and is sent back.
func (v *visitor) login() {
	if !v.check() {
		return
	}
	a, ok := v.do("GET", "/account", nil, false)
	if !ok {
		return
	}
	if !redirected(a, "/login?return_to=%2Faccount") {
		v.unexpected("status", "GET /account: status %d to %q; want a 303 to the login page", a.code, a.loc)
		v.resync()
		return
	}
	v.st.add("login_prompts", 1)
	if a, ok = v.do("GET", a.loc, nil, false); !ok || a.code != http.StatusOK {
		if ok {
			v.unexpected("status", "GET /login: status %d", a.code)
		}
		return
	}
	form := url.Values{"username": {username}, "password": {password}, "return_to": {"/account"}}
	if v.remember {
		form.Set("remember", "on")
	}
	at := time.Now()
	if a, ok = v.do("POST", "/login", form, false); !ok {
		v.resync()
		return
	}
	if !redirected(a, "/account") || a.loc != "/account" {
		v.unexpected("status", "POST /login: status %d to %q; want a 303 to /account", a.code, a.loc)
		v.resync()
		return
	}
	v.st.add("logins", 1)
	v.expect, v.authAt = authenticated, at
	v.scheduleRestart()
	if a, ok = v.do("GET", "/account", nil, false); ok {
		v.guarded("/account", a)
	}
}

// reauth is the remembered visitor (its browser restarted) who wants its
// account: greeted on the home page, sent to enter its password again
// (the model demands it), and sent back.
func (v *visitor) reauth() {
	if !v.check() || !v.page("/") {
		return
	}
	a, ok := v.do("GET", "/account", nil, false)
	if !ok {
		return
	}
	switch {
	case redirected(a, "/reauth?return_to=%2Faccount"):
	case redirected(a, "/login"):
		v.unexpected("logout", "GET /account: sent to %s", a.loc)
		v.resync()
		return
	default:
		v.unexpected("status", "GET /account: status %d to %q; want a 303 to /reauth", a.code, a.loc)
		v.resync()
		return
	}
	v.st.add("reauth_prompts", 1)
	if a, ok = v.do("GET", a.loc, nil, false); !ok || a.code != http.StatusOK {
		if ok {
			v.unexpected("status", "GET /reauth: status %d to %q", a.code, a.loc)
			v.resync()
		}
		return
	}
	at := time.Now()
	if a, ok = v.do("POST", "/reauth", url.Values{"password": {password}, "return_to": {"/account"}}, false); !ok {
		v.resync()
		return
	}
	switch {
	case a.code == http.StatusSeeOther && a.loc == "/account":
	case redirected(a, "/login"):
		v.unexpected("logout", "POST /reauth: sent to %s", a.loc)
		v.resync()
		return
	default:
		v.unexpected("status", "POST /reauth: status %d to %q; want a 303 to /account", a.code, a.loc)
		v.resync()
		return
	}
	v.st.add("reauths", 1)
	v.expect, v.authAt = authenticated, at
	v.scheduleRestart()
	if a, ok = v.do("GET", "/account", nil, false); ok {
		v.guarded("/account", a)
	}
}

// browse is one click of an authenticated visitor.
func (v *visitor) browse() {
	switch r := v.rng.IntN(100); {
	case r < 30:
		v.page("/")
	case r < 55:
		if a, ok := v.do("GET", "/account", nil, false); ok {
			v.guarded("/account", a)
		}
	case r < 62:
		v.password()
	default:
		v.check()
	}
}

// password gets /account/password, which needs the password entered
// within freshWindow (a fixed window). Within the window less the clock
// leeway it must be served; after the window and the leeway it must ask
// for the password; in between, servers whose clocks differ may disagree.
func (v *visitor) password() {
	a, ok := v.do("GET", "/account/password", nil, false)
	if !ok {
		return
	}
	age := time.Since(v.authAt)
	switch {
	case age < freshWindow-clockLeeway:
		v.guarded("/account/password", a)
	case a.code == http.StatusOK && age < freshWindow+clockLeeway:
	case redirected(a, "/reauth"):
		v.st.add("fresh_prompts", 1) // demanded: the window closed
	default:
		v.guarded("/account/password", a)
	}
}

// restart closes and reopens the browser: the session cookies go, the
// remember cookie stays.
func (v *visitor) restart() {
	v.setJar(v.jar.restart(v.base))
	v.st.add("browser_restarts", 1)
	if v.remember {
		v.expect = remembered
	} else {
		v.expect = anonymous
	}
	v.check()
}

// logout logs out and checks that every cookie of the session is gone.
func (v *visitor) logout() {
	a, ok := v.do("POST", "/logout", url.Values{}, false)
	if !ok {
		return
	}
	if a.code != http.StatusSeeOther || a.loc != "/" {
		v.unexpected("status", "POST /logout: status %d to %q", a.code, a.loc)
		return
	}
	v.st.add("logouts", 1)
	v.expect = anonymous
	v.check()
	for _, c := range v.jar.Cookies(v.base) {
		if strings.Contains(sessionNames, c.Name) {
			v.unexpected("cookie_left", "after logout the jar still holds %s", c.Name)
		}
	}
}

// run drives the visitor until stop is closed, then logs out; ctx ends
// it at once. Each step follows the model: anonymous visitors log in,
// remembered ones re-authenticate, authenticated ones browse and now and
// then restart their browser.
func (v *visitor) run(ctx context.Context, stop <-chan struct{}) {
	pause := func(d time.Duration) bool {
		select {
		case <-time.After(d):
			return true
		case <-stop:
			return false
		case <-ctx.Done():
			return false
		}
	}
	// Arrive over the first second, not all at once.
	if !pause(time.Duration(v.rng.Int64N(int64(time.Second)))) {
		return
	}
	v.page("/")
	for {
		switch {
		case v.expect == anonymous:
			v.login()
		case v.expect == remembered:
			v.reauth()
		case time.Now().After(v.restartAt):
			v.restart()
		default:
			v.browse()
		}
		// Think time: 5 to 45 ms between clicks bounds the load.
		if !pause(5*time.Millisecond + time.Duration(v.rng.Int64N(int64(40*time.Millisecond)))) {
			break
		}
	}
	if ctx.Err() == nil {
		v.logout()
	}
}
